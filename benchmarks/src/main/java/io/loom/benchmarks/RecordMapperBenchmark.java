package io.loom.benchmarks;

import io.loom.mapping.MappingCompiler;
import io.loom.mapping.MappingError;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.SourceRecord;
import java.io.IOException;
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
 * How fast is the compiled {@link RecordMapper} on the reference telemetry message, next to the usual
 * databind approach ({@link DatabindBaseline}: {@code readTree}, pointer lookups, {@code Instant.parse})
 * producing the same 12 values into the same sink?
 *
 * <p>Both cycle through {@value #MESSAGES} distinct messages of the workload, so that the JIT cannot
 * specialise on one. Run, from the project root:
 *
 * <pre>
 * mvn -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar RecordMapperBenchmark -f 1 -wi 3 -w 2 -i 5 -r 2 -prof gc
 * </pre>
 *
 * Results: {@code benchmarks/results/record-mapper.md}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RecordMapperBenchmark {
  /** Distinct messages cycled through (a power of two). */
  public static final int MESSAGES = 1024;

  private SourceRecord[] records;
  private byte[][] values;
  private RecordMapper mapper;
  private DatabindBaseline baseline;
  private BlackholeSink sink;
  private int next;

  @Setup
  public void setUp(Blackhole blackhole) throws IOException {
    records = TelemetryWorkload.records(MESSAGES);
    values = new byte[MESSAGES][];
    for (int i = 0; i < MESSAGES; i++) {
      values[i] = records[i].value();
    }
    mapper = MappingCompiler.compile(TelemetryWorkload.mapping());
    baseline = new DatabindBaseline();
    sink = new BlackholeSink(blackhole);
    String difference = SameRows.firstDifference(mapper, baseline, records);
    if (difference != null) {
      throw new IllegalStateException("the two contenders disagree, the comparison would be unfair: " + difference);
    }
  }

  @Benchmark
  public MappingError recordMapper() {
    return mapper.map(records[next++ & (MESSAGES - 1)], sink);
  }

  @Benchmark
  public void databindTree() throws IOException {
    baseline.map(values[next++ & (MESSAGES - 1)], sink);
  }
}
