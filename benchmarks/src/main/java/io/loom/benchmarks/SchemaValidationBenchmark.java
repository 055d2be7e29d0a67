package io.loom.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.OutputFormat;
import com.networknt.schema.SpecVersion;
import io.loom.consumer.internal.SchemaChecks;
import io.loom.mapping.Column;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.MappingCompiler;
import io.loom.mapping.MappingError;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.RowSink;
import io.loom.mapping.SchemaValidation;
import io.loom.mapping.SourceRecord;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What does JSON Schema validation cost on the reference telemetry message? {@code mappingOnly} is the
 * compiled {@link RecordMapper} of the workload's mapping; {@code validationAndMapping} is the same mapper
 * behind the engine's schema check ({@code schema_validation} on, the draft 2020-12 schema {@link #SCHEMA}
 * current), as the poll loop runs it: the schema uses only keywords of the engine's streaming fast path,
 * so a valid message is checked in one pass over its bytes, without a tree. Target: validation plus
 * mapping keeps at least half the throughput of mapping alone. {@code validationOnly} is the same check
 * in front of a mapper that maps nothing: the cost of the check itself. {@code treeOnly} and {@code
 * treeAndValidation} show what the same check costs through networknt, which the engine still uses for
 * schemas outside the fast path's keywords and for every message the fast path does not accept: the
 * Jackson tree the validator needs, then the tree plus the validation (boolean output) without mapping.
 *
 * <p>Both cycle through {@value RecordMapperBenchmark#MESSAGES} distinct messages of the workload; the
 * setup checks that every one of them passes the schema. Run, from the project root:
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar SchemaValidationBenchmark -f 1 -wi 3 -w 2 -i 5 -r 2 -prof gc
 * </pre>
 *
 * Results: {@code benchmarks/results/schema-validation.md}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SchemaValidationBenchmark {
  /** A realistic schema of the telemetry message: types, required fields, bounds, enums, patterns. */
  public static final String SCHEMA = """
      {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:loom:device.sensor.telemetry.raw:v1",
        "title": "Sensor telemetry reading",
        "type": "object",
        "required": ["device_id", "timestamp", "data"],
        "properties": {
          "device_id": {"type": "string", "pattern": "^dev-[0-9]{6}$"},
          "timestamp": {"type": "string", "format": "date-time", "maxLength": 40},
          "data": {
            "type": "object",
            "required": ["sensor_type", "value"],
            "properties": {
              "sensor_type": {"enum": ["temperature", "humidity", "pressure", "co2"]},
              "value": {"type": "number", "minimum": -1000, "maximum": 100000},
              "unit": {"type": "string", "enum": ["celsius", "percent", "hpa", "ppm"]}
            },
            "additionalProperties": false
          },
          "battery_level": {"type": "integer", "minimum": 0, "maximum": 100},
          "tags": {"type": "object", "additionalProperties": {"$ref": "#/$defs/tag"}}
        },
        "$defs": {
          "tag": {"type": "string", "minLength": 1, "maxLength": 64}
        }
      }
      """;

  private static final int MESSAGES = RecordMapperBenchmark.MESSAGES;
  private static final ObjectMapper TREE = new ObjectMapper();

  private SourceRecord[] records;
  private RecordMapper mapper;
  private RecordMapper checked;
  private RecordMapper checkOnly;
  private BlackholeSink sink;
  private int next;
  private JsonSchema schema;

  @Setup
  public void setUp(Blackhole blackhole) {
    records = TelemetryWorkload.records(MESSAGES);
    TopicMapping plain = TelemetryWorkload.mapping();
    TopicMapping validated = new TopicMapping(plain.topic(), plain.table(), plain.upsertKey(), plain.conflictStrategy(),
        plain.fields(), null, SchemaValidation.CURRENT, null);
    mapper = MappingCompiler.compile(plain);
    ConfigSnapshot snapshot = new ConfigSnapshot(List.of(),
        List.of(new TopicSchema(TelemetryWorkload.TOPIC, "v1", SCHEMA, null, true)), List.of(validated), List.of());
    List<ConfigProblem> problems = new ArrayList<>();
    checked = new SchemaChecks().wrap(MappingCompiler.compile(validated), validated, snapshot, problems);
    if (!problems.isEmpty() || checked.getClass() == mapper.getClass()) {
      throw new IllegalStateException("the schema check is not in place: " + problems);
    }
    checkOnly = new SchemaChecks().wrap(new MapsNothing(validated), validated, snapshot, problems);
    if (!problems.isEmpty() || checkOnly instanceof MapsNothing) {
      throw new IllegalStateException("the schema check is not in place: " + problems);
    }
    sink = new BlackholeSink(blackhole);
    schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SCHEMA);
    for (SourceRecord record : records) {
      MappingError error = checked.map(record, sink);
      if (error != null) {
        throw new IllegalStateException("a workload message breaks the schema, the comparison would be unfair: " + error);
      }
    }
  }

  @Benchmark
  public MappingError mappingOnly() {
    return mapper.map(records[next++ & (MESSAGES - 1)], sink);
  }

  /** Where the time goes, part 1: the tree the validator needs, alone. */
  @Benchmark
  public JsonNode treeOnly() throws IOException {
    return TREE.readTree(records[next++ & (MESSAGES - 1)].value());
  }

  /** Where the time goes, part 2: the tree and the validation, without mapping. */
  @Benchmark
  public boolean treeAndValidation() throws IOException {
    return schema.validate(TREE.readTree(records[next++ & (MESSAGES - 1)].value()), OutputFormat.BOOLEAN);
  }

  @Benchmark
  public MappingError validationAndMapping() {
    return checked.map(records[next++ & (MESSAGES - 1)], sink);
  }

  /** Where the time goes, part 3: the engine's check alone (its fast path, for these messages). */
  @Benchmark
  public MappingError validationOnly() {
    return checkOnly.map(records[next++ & (MESSAGES - 1)], sink);
  }

  /** A mapper that writes no row: behind the schema check, it leaves the check's own cost. */
  private record MapsNothing(TopicMapping mapping) implements RecordMapper {
    @Override
    public List<Column> columns() {
      return List.of();
    }

    @Override
    public MappingError map(SourceRecord record, RowSink sink) {
      return null;
    }
  }
}
