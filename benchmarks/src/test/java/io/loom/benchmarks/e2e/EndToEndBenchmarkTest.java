package io.loom.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.testsupport.TestKafka;
import io.loom.testsupport.TestPostgres;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/** The harness runs end to end on a small workload, so that it cannot rot; no speed is asserted. */
class EndToEndBenchmarkTest {

  @Test
  void run_smallWorkload_everyVariantStoresEveryMessage_andTheResultsAreWritten(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("e2e.md");
    Files.writeString(output, "# Analysis kept\n\n" + Report.START + "\nold\n" + Report.END + "\n\nMore analysis.\n");
    EndToEndBenchmark.Options options = new EndToEndBenchmark.Options(5_000, 1, 0, List.of(Variant.values()), 1_000, 2, 50,
        Map.of("max.poll.records", "1000"), output, "test");

    List<Measurement> measurements = EndToEndBenchmark.run(TestPostgres.shared(), TestKafka.shared(), options);

    assertThat(measurements).extracting(Measurement::variant).containsExactly(Variant.values());
    assertThat(measurements).allSatisfy(m -> {
      assertThat(m.rows()).isEqualTo(5_000);
      assertThat(m.seconds()).isPositive();
      assertThat(m.jvmCpuNanos()).isPositive();
    });
    String text = Files.readString(output);
    assertThat(text).startsWith("# Analysis kept\n\n" + Report.START + "\nCommand: `test`").endsWith(Report.END
        + "\n\nMore analysis.\n").doesNotContain("old");
    assertThat(text).contains("| Loom `ignore`, primary-key table | ", "| Loom append, no index | ",
        "| Loom `update`, primary-key table | ", "Target, Loom append >= 300,000 rows/s: ");
  }

  @Test
  void binaryCopyRows_holdTheWorkloadsValues() throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    String database = postgres.createDatabase("e2e_copy_rows");
    try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database)); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (device_id text, \"timestamp\" timestamptz, data_sensor_type text, data_value float8,"
          + " data_unit text, battery_level int, tags_site text, tags_building text, tags_zone text, tags_firmware text,"
          + " tags_model text, tags_region text)");
      long n = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY t FROM STDIN (FORMAT binary)",
          new ByteArrayInputStream(BinaryCopyRows.encode(0, 3)));
      assertThat(n).isEqualTo(3);
      List<String> row = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT device_id, to_char(\"timestamp\" AT TIME ZONE 'UTC',"
          + " 'YYYY-MM-DD HH24:MI:SS.MS'), data_sensor_type, data_value, data_unit, battery_level, tags_site,"
          + " tags_building, tags_zone, tags_firmware, tags_model, tags_region FROM t WHERE device_id = 'dev-000001'")) {
        assertThat(rs.next()).isTrue();
        for (int i = 1; i <= 12; i++) {
          row.add(rs.getString(i));
        }
      }
      // message 1 of the reference workload, as its document prints it
      assertThat(row).containsExactly("dev-000001", "2026-11-27 10:00:00.001", "humidity", "34.19", "percent", "31",
          "site-001", "building-01", "south-west-wing", "fw-2.14.1-build.881", "tx9000-pro-rev-b", "eu-central-2");
    }
  }

  @Test
  void parse_unknownOption_namesItAndTheKnownOnes() {
    assertThatThrownBy(() -> EndToEndBenchmark.Options.parse(new String[] {"--rows", "5"}, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown option --rows; known: --messages --runs --warmup-runs --variants --batch-rows --writers"
            + " --linger-ms --kafka --output");
    assertThatThrownBy(() -> EndToEndBenchmark.Options.parse(new String[] {"--variants", "loom_ignore,fast"}, "x"))
        .hasMessage("--variants named 'fast' but it must be one of [CEILING_KEYED, CEILING_APPEND, LOOM_IGNORE,"
            + " LOOM_APPEND, LOOM_UPDATE, HAND_WRITTEN]");
    EndToEndBenchmark.Options options = EndToEndBenchmark.Options.parse(new String[] {"--messages", "5_000",
        "--variants", "loom_append", "--kafka", "max.poll.records=5000", "--writers", "3"}, "cmd");
    assertThat(options.messages()).isEqualTo(5_000);
    assertThat(options.writers()).isEqualTo(3);
    assertThat(options.variants()).containsExactly(Variant.LOOM_APPEND);
    assertThat(options.kafkaProperties()).containsEntry("max.poll.records", "5000");
  }
}
