package io.loom.benchmarks;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.MappingCompiler;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.StageTopic;
import io.loom.mapping.TimestampFormat;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicRole;
import io.loom.mapping.TopicSchema;
import io.loom.mapping.jdbc.ConfigDiff;
import io.loom.mapping.jdbc.JdbcConfigWriter;
import io.loom.mapping.jdbc.JdbcMappingSource;
import io.loom.mapping.jdbc.MapperCache;
import io.loom.mapping.jdbc.Migrator;
import io.loom.testsupport.TestPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * How long a large database-held configuration takes to become usable: read from the seven tables,
 * checked, and compiled into record mappers, as a reload does.
 *
 * <p>The configuration: 1,000 topics, each with a table configuration and the 10 fields of the reference
 * telemetry workload (10,000 field mappings), a current JSON schema per topic (1,000 schemas), and 20
 * pipeline flows of 5 stages with input/output/error topics. It is written into a fresh database of an
 * embedded PostgreSQL with {@link JdbcConfigWriter} (that import is timed too), then read back
 * {@code iterations} times after {@code warmups} unmeasured reads:
 *
 * <ul>
 *   <li>load + validate: {@link JdbcMappingSource#reload()} (one REPEATABLE READ transaction, one query
 *       per table, building the snapshot, the row checks and {@code ConfigValidator});
 *   <li>compile: {@link MappingCompiler#compile} of every mapping into a fresh {@link MapperCache};
 *   <li>recompile unchanged: {@link MapperCache#compileAll} of the same snapshot again (what a reload
 *       costs when the mappings did not change).
 * </ul>
 *
 * If {@code MappingCompiler.compile} is not available yet it is reported as such and load + validate
 * alone is measured; the compile path stays in the code and is measured once the compiler exists.
 *
 * <p>Run (arguments: topics, default 1,000; fields per topic, default 10; iterations, default 20):
 *
 * <pre>
 * mvn -q -pl benchmarks -am compile dependency:build-classpath -Dmdep.outputFile=$PWD/target/bench.cp
 * java -cp benchmarks/target/classes:$(cat target/bench.cp) io.loom.benchmarks.ConfigLoadBenchmark 1000 10 20
 * </pre>
 *
 * The result is printed and written to {@code benchmarks/results/config-load.md}.
 */
public final class ConfigLoadBenchmark {
  private static final String[][] TELEMETRY_FIELDS = {
      {"device_id", "device_id", "string"},
      {"timestamp", "timestamp", "timestamp"},
      {"data.sensor_type", "data_sensor_type", "string"},
      {"data.value", "data_value", "float"},
      {"data.unit", "data_unit", "string"},
      {"battery_level", "battery_level", "integer"},
      {"tags.site", "tags_site", "string"},
      {"tags.building", "tags_building", "string"},
      {"tags.zone", "tags_zone", "string"},
      {"tags.firmware", "tags_firmware", "string"},
      {"tags.model", "tags_model", "string"},
      {"tags.region", "tags_region", "string"},
  };
  private static final int WARMUPS = 5;

  private ConfigLoadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int topics = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int fieldsPerTopic = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    if (fieldsPerTopic < 2 || fieldsPerTopic > TELEMETRY_FIELDS.length) {
      throw new IllegalArgumentException("fields per topic was " + fieldsPerTopic + " but it must be between 2 and "
          + TELEMETRY_FIELDS.length);
    }

    TestPostgres postgres = TestPostgres.shared();
    String database = postgres.createDatabase("loom_config_load_benchmark");
    PGSimpleDataSource dataSource = postgres.dataSource(database);
    Migrator.migrate(dataSource);
    String serverVersion = serverVersion(dataSource);

    ConfigSnapshot generated = generate(topics, fieldsPerTopic);
    long importStarted = System.nanoTime();
    ConfigDiff imported = new JdbcConfigWriter(dataSource).apply(generated);
    double importMillis = millisSince(importStarted);
    System.out.printf(Locale.ROOT, "imported %s in %.0f ms%n", imported, importMillis);

    boolean compilerAvailable = compilerAvailable(generated.mappings().get(0));
    double[] load = new double[iterations];
    double[] compile = new double[iterations];
    double[] recompile = new double[iterations];
    double firstLoad;
    try (JdbcMappingSource source = JdbcMappingSource.builder(dataSource).watch(false).build()) {
      long started = System.nanoTime();
      ConfigSnapshot first = source.load();
      firstLoad = millisSince(started);
      if (!first.equals(generated)) {
        throw new IllegalStateException("the configuration read back differs from the one written");
      }
      for (int i = -WARMUPS; i < iterations; i++) {
        long t0 = System.nanoTime();
        ConfigSnapshot snapshot = source.reload();
        long t1 = System.nanoTime();
        long t2 = t1;
        long t3 = t1;
        if (compilerAvailable) {
          MapperCache mappers = new MapperCache();
          Map<String, RecordMapper> compiled = mappers.compileAll(snapshot);
          t2 = System.nanoTime();
          if (mappers.compileAll(snapshot).get(snapshot.mappedTopics().get(0)) != compiled.get(
              snapshot.mappedTopics().get(0))) {
            throw new IllegalStateException("an unchanged mapping was compiled again");
          }
          t3 = System.nanoTime();
        }
        if (i >= 0) {
          load[i] = (t1 - t0) / 1e6;
          compile[i] = (t2 - t1) / 1e6;
          recompile[i] = (t3 - t2) / 1e6;
        }
      }
    }

    int fieldCount = generated.mappings().stream().mapToInt(m -> m.fields().size()).sum();
    String report = report(topics, fieldCount, generated, iterations, serverVersion, importMillis, firstLoad, load,
        compilerAvailable ? compile : null, compilerAvailable ? recompile : null, args);
    System.out.println(report);
    Path out = resultsDirectory().resolve("config-load.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
    System.out.println("written to " + out);
  }

  /** The benchmark configuration: topics with telemetry mappings, schemas and flows. */
  static ConfigSnapshot generate(int topicCount, int fieldsPerTopic) {
    List<TopicDefinition> topics = new ArrayList<>();
    List<TopicSchema> schemas = new ArrayList<>();
    List<TopicMapping> mappings = new ArrayList<>();
    for (int t = 0; t < topicCount; t++) {
      String topic = String.format(Locale.ROOT, "device.sensor%04d.telemetry.raw", t);
      topics.add(TopicDefinition.of(topic, "Telemetry of sensor group " + t));
      schemas.add(new TopicSchema(topic, "v1", "{\"type\":\"object\",\"required\":[\"device_id\",\"timestamp\"],"
          + "\"properties\":{\"device_id\":{\"type\":\"string\"},\"timestamp\":{\"type\":\"string\"}}}",
          "schemas/" + topic + "/v1.json", true));
      List<FieldMapping> fields = new ArrayList<>();
      for (int f = 0; f < fieldsPerTopic; f++) {
        String[] spec = TELEMETRY_FIELDS[f];
        FieldMapping field = FieldMapping.of(spec[0], spec[1], DataType.fromConfigName(spec[2]).orElseThrow());
        if (f < 2) {
          field = field.withRequired(true);
        }
        if (spec[2].equals("timestamp")) {
          field = field.withTimestampFormat(TimestampFormat.ISO_8601);
        }
        fields.add(field);
      }
      mappings.add(new TopicMapping(topic, String.format(Locale.ROOT, "telemetry.sensor%04d_raw", t),
          List.of("device_id", "timestamp"), t % 3 == 0 ? ConflictStrategy.UPDATE : ConflictStrategy.IGNORE, fields));
    }
    List<PipelineFlow> flows = new ArrayList<>();
    int flowCount = Math.min(20, topicCount / 5);
    for (int f = 0; f < flowCount; f++) {
      List<PipelineStage> stages = new ArrayList<>();
      for (int s = 0; s < 5; s++) {
        String input = topics.get((f * 5 + s) % topicCount).topicName();
        String output = topics.get((f * 5 + s + 1) % topicCount).topicName();
        stages.add(new PipelineStage("stage" + s, s + 1, "service-" + s, "loom/service-" + s + ":1.0", 2,
            "{\"batch_size\":" + (100 * (s + 1)) + "}", 30, 3, 1, 60, 0.01, List.of(
                new StageTopic(input, TopicRole.INPUT), new StageTopic(output, TopicRole.OUTPUT),
                new StageTopic(topics.get(topicCount - 1 - f).topicName(), TopicRole.ERROR))));
      }
      flows.add(new PipelineFlow("flow-" + f, "Flow " + f, "high", 1000, 300, 3, true, stages));
    }
    return new ConfigSnapshot(topics, schemas, mappings, flows);
  }

  private static boolean compilerAvailable(TopicMapping mapping) {
    try {
      MappingCompiler.compile(mapping);
      return true;
    } catch (UnsupportedOperationException e) {
      System.out.println("MappingCompiler.compile is not available yet (" + e.getMessage()
          + "): measuring load + validate only");
      return false;
    }
  }

  private static String report(int topics, int fields, ConfigSnapshot snapshot, int iterations, String serverVersion,
      double importMillis, double firstLoad, double[] load, double[] compile, double[] recompile, String[] args) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Configuration load benchmark\n\n");
    sb.append("How long a large configuration held in the database takes to become usable: read from the seven\n")
        .append("configuration tables (one REPEATABLE READ transaction, one query per table), checked\n")
        .append("(row checks and ConfigValidator) and compiled into record mappers, as a reload does.\n\n");
    sb.append(String.format(Locale.ROOT, "Configuration: %,d topics, %,d table configurations, %,d field mappings,"
        + " %,d schemas, %d flows with %d stages.%n%n", topics, snapshot.mappings().size(), fields,
        snapshot.schemas().size(), snapshot.flows().size(),
        snapshot.flows().stream().mapToInt(f -> f.stages().size()).sum()));
    sb.append("| step | median ms | p90 ms | min ms | max ms |\n|---|---:|---:|---:|---:|\n");
    row(sb, "load + validate (`JdbcMappingSource.reload()`)", load);
    if (compile != null) {
      row(sb, "compile every mapping (`MappingCompiler.compile`)", compile);
      double[] total = new double[load.length];
      for (int i = 0; i < total.length; i++) {
        total[i] = load[i] + compile[i];
      }
      row(sb, "**load + validate + compile**", total);
      row(sb, "recompile unchanged (`MapperCache.compileAll`)", recompile);
    }
    sb.append('\n');
    sb.append(String.format(Locale.ROOT, "- First load by a new source in this JVM (its code not yet JIT-compiled; the import before it had"
        + " already used the JDBC driver): %.0f ms.%n", firstLoad));
    sb.append(String.format(Locale.ROOT, "- Import of the whole configuration into empty tables"
        + " (`JdbcConfigWriter.apply`, one transaction): %.0f ms.%n", importMillis));
    if (compile == null) {
      sb.append("- Compile: not measured; `MappingCompiler.compile` is not implemented yet. The benchmark keeps the\n")
          .append("  compile step in its code path and measures it once the compiler exists.\n");
    }
    double median = median(compile == null ? load : sum(load, compile));
    sb.append(String.format(Locale.ROOT, "- Target: under 1,000 ms for %s: %s (median %.0f ms).%n",
        compile == null ? "load + validate" : "load + validate + compile", median < 1000 ? "met" : "NOT met", median));
    sb.append(String.format(Locale.ROOT, "%nMeasured %d iterations after %d warm-ups on %s, %d cores (load average"
        + " %.1f at the end), Java %s; %s (embedded, loopback, same machine).%n", iterations, WARMUPS, LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        System.getProperty("java.version"), serverVersion));
    sb.append("\nReproduce from the repository root:\n\n```\n")
        .append("mvn -q -pl benchmarks -am compile dependency:build-classpath -Dmdep.outputFile=$PWD/target/bench.cp\n")
        .append("java -cp benchmarks/target/classes:$(cat target/bench.cp) io.loom.benchmarks.ConfigLoadBenchmark")
        .append(args.length == 0 ? " 1000 10 20" : " " + String.join(" ", args)).append("\n```\n");
    return sb.toString();
  }

  private static void row(StringBuilder sb, String name, double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f |%n", name, median(values),
        sorted[(int) Math.ceil(sorted.length * 0.9) - 1], sorted[0], sorted[sorted.length - 1]));
  }

  private static double[] sum(double[] a, double[] b) {
    double[] s = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      s[i] = a[i] + b[i];
    }
    return s;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  private static String serverVersion(PGSimpleDataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW server_version")) {
      rs.next();
      return "PostgreSQL " + rs.getString(1);
    }
  }

  private static Path resultsDirectory() throws IOException {
    Path cwd = Path.of("").toAbsolutePath();
    if (Files.isDirectory(cwd.resolve("benchmarks"))) {
      return cwd.resolve("benchmarks").resolve("results");
    }
    return cwd.resolve("results");
  }
}
