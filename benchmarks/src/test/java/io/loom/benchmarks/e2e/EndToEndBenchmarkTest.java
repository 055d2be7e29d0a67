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

  private static final String SUMMARY_HEADER = "| variant | rows/s (median) | vs ceiling | JVM CPU s / M rows"
      + " | PostgreSQL CPU s / M rows | JVM peak RSS | PostgreSQL peak PSS |";

  @Test
  void run_smallWorkload_everyVariantStoresEveryMessage_andTheResultsAreWritten(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("e2e.md");
    Files.writeString(output, "# Analysis kept\n\n" + Report.START + "\nold\n" + Report.END + "\n\nMore analysis.\n");
    Path readme = dir.resolve("README.md");
    String before = "# Project\n\n## Benchmarks\n\n| hand | written |\n|---|---|\n| kept | as is |\n\n";
    String after = "\n\nReproduce: kept.\n";
    Files.writeString(readme, before + ReadmeSummary.START + "\nold summary\n" + ReadmeSummary.END + after);
    EndToEndBenchmark.Options options = new EndToEndBenchmark.Options(5_000, 1, 0, List.of(Variant.values()), 1_000, 2, 50,
        Map.of("max.poll.records", "1000"), output, readme, null, "test");

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

    String summary = Files.readString(readme);
    assertThat(summary).startsWith(before + ReadmeSummary.START + "\nRun of ").endsWith(ReadmeSummary.END + after)
        .doesNotContain("old summary");
    List<String> lines = summary.substring(before.length() + ReadmeSummary.START.length() + 1,
        summary.length() - after.length() - ReadmeSummary.END.length()).lines().toList();
    assertThat(lines.get(0)).startsWith("Run of ").contains(", `test`, load average (1, 5, 15 min) before: ")
        .endsWith(". Every run, the machine and the analysis: [e2e.md](e2e.md).");
    assertThat(lines.subList(1, 4)).containsExactly("", SUMMARY_HEADER, "|---|---:|---:|---:|---:|---:|---:|");
    assertThat(lines).hasSize(4 + Variant.values().length);
    // every variant, each cell as the results table has it (columns 0, 1, 3, 4, 6, 7, 8 there)
    List<String> resultRows = text.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| variant")).toList();
    for (int v = 0; v < Variant.values().length; v++) {
      List<String> cells = cells(lines.get(4 + v));
      List<String> full = cells(resultRows.get(v));
      assertThat(cells).containsExactly(Variant.values()[v].title(), full.get(1), full.get(3), full.get(4), full.get(6),
          full.get(7), full.get(8));
      assertThat(cells.get(1)).matches("[0-9,]+");
    }
  }

  @Test
  void run_readmeWithoutMarkers_failsBeforeMeasuring(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("e2e.md");
    Path readme = dir.resolve("README.md");
    for (String text : List.of("# Project\n\nNo markers.\n", ReadmeSummary.END + "\n" + ReadmeSummary.START + "\n",
        ReadmeSummary.START + "\nonly the start\n")) {
      Files.writeString(readme, text);
      EndToEndBenchmark.Options options = new EndToEndBenchmark.Options(5_000, 1, 0, List.of(Variant.values()), 0, 0,
          -1, Map.of(), output, readme, null, "test");

      assertThatThrownBy(() -> EndToEndBenchmark.run(TestPostgres.shared(), TestKafka.shared(), options))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(readme + " does not hold the markers <!-- e2e-summary:start --> and <!-- e2e-summary:end -->"
              + " (once each, the start first): add them where the end-to-end summary goes, or pass --readme none");
      assertThat(output).doesNotExist();
      assertThat(readme).hasContent(text);
    }
    Path missing = dir.resolve("MISSING.md");
    assertThatThrownBy(() -> EndToEndBenchmark.run(TestPostgres.shared(), TestKafka.shared(),
        new EndToEndBenchmark.Options(5_000, 1, 0, List.of(Variant.values()), 0, 0, -1, Map.of(), output, missing, null,
            "test")))
        .hasMessage("--readme " + missing + " is not a file; give the Markdown file that holds"
            + " <!-- e2e-summary:start --> and <!-- e2e-summary:end -->, or --readme none");
    assertThat(output).doesNotExist();
  }

  @Test
  void readmeSummary_rewriteFromAResultsFile_projectsItsLinesAndColumns(@TempDir Path dir) throws Exception {
    Path results = dir.resolve("results").resolve("e2e.md");
    Files.createDirectories(results.getParent());
    Files.writeString(results, "# Analysis\n\n" + Report.START + "\n"
        + "Command: `benchmarks/run-e2e`  \n"
        + "Date: 2026-11-27 12:59 UTC  \n"
        + "Machine: 2 cores  \n"
        + "Load average (1, 5, 15 min) before: 1.68, 1.34, 1.42; after: 1.78, 1.61, 1.52  \n"
        + "Workload: 1,000,000 messages\n\n"
        + "| variant | rows/s (median) | runs (rows/s) | vs ceiling | JVM CPU s / M rows | of which Loom's threads"
        + " | PostgreSQL CPU s / M rows | JVM peak RSS | PostgreSQL peak PSS |\n"
        + "|---|---:|---|---:|---:|---:|---:|---:|---:|\n"
        + "| DB-only ceiling | 571,346 | 555,856, 586,837 | 1.00 | 0.1 | - | 3.0 | 1,415 MiB | 156 MiB |\n"
        + "| Loom `ignore`, primary-key table | 367,532 | 366,126, 368,937 | 0.64 | 1.7 | 1.2 | 2.8 | 1,432 MiB | n/a |\n"
        + "\n\"vs ceiling\" divides by the ceiling.\n"
        + Report.END + "\n\nMore analysis.\n");
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "Before.\n" + ReadmeSummary.START + "\n" + ReadmeSummary.END + "\nAfter.\n");

    EndToEndBenchmark.main(new String[] {"--readme", readme.toString(), "--rewrite-readme-from", results.toString()});

    assertThat(readme).hasContent("Before.\n" + ReadmeSummary.START + "\n"
        + "Run of 2026-11-27 12:59 UTC, `benchmarks/run-e2e`, load average (1, 5, 15 min) before: 1.68, 1.34, 1.42;"
        + " after: 1.78, 1.61, 1.52. Every run, the machine and the analysis: [results/e2e.md](results/e2e.md).\n"
        + "\n"
        + SUMMARY_HEADER + "\n"
        + "|---|---:|---:|---:|---:|---:|---:|\n"
        + "| DB-only ceiling | 571,346 | 1.00 | 0.1 | 3.0 | 1,415 MiB | 156 MiB |\n"
        + "| Loom `ignore`, primary-key table | 367,532 | 0.64 | 1.7 | 2.8 | 1,432 MiB | n/a |\n"
        + ReadmeSummary.END + "\nAfter.\n");
    assertThat(results).content().startsWith("# Analysis\n\n").endsWith("\n\nMore analysis.\n");
  }

  @Test
  void readmeSummary_resultsWithoutATable_namesTheFileAndWhatIsMissing(@TempDir Path dir) throws Exception {
    Path results = dir.resolve("e2e.md");
    Files.writeString(results, Report.START + "\nCommand: `x`  \nDate: today  \nLoad average 1\n" + Report.END + "\n");
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, ReadmeSummary.START + "\nkept\n" + ReadmeSummary.END + "\n");

    assertThatThrownBy(() -> ReadmeSummary.rewrite(readme, results))
        .hasMessage(results + " holds no results table (a line starting '| variant |') in its <!-- e2e:start --> section");
    Files.writeString(results, "no section\n");
    assertThatThrownBy(() -> ReadmeSummary.rewrite(readme, results))
        .hasMessage(results + " holds no results section between <!-- e2e:start --> and <!-- e2e:end -->");
    assertThat(readme).hasContent(ReadmeSummary.START + "\nkept\n" + ReadmeSummary.END + "\n");
  }

  @Test
  void readme_summaryMatchesTheCommittedResults() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(root.resolve("benchmarks/results/e2e.md"))) {
      root = root.getParent();
      assertThat(root).as("the repository root above the working directory").isNotNull();
    }
    Path results = root.resolve("benchmarks/results/e2e.md");
    String readme = Files.readString(root.resolve("README.md"));
    String marked = readme.substring(readme.indexOf(ReadmeSummary.START) + ReadmeSummary.START.length() + 1,
        readme.indexOf(ReadmeSummary.END));

    assertThat(marked)
        .as("README.md's end-to-end summary against benchmarks/results/e2e.md; to bring it up to date:"
            + " benchmarks/run-e2e --rewrite-readme-from benchmarks/results/e2e.md")
        .isEqualTo(ReadmeSummary.summary(ReadmeSummary.section(results), results.toString(),
            "benchmarks/results/e2e.md"));
  }

  private static List<String> cells(String row) {
    List<String> cells = new ArrayList<>();
    for (String cell : row.substring(1, row.length() - 1).split("\\|", -1)) {
      cells.add(cell.strip());
    }
    return cells;
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
            + " --linger-ms --kafka --output --readme --rewrite-readme-from");
    assertThatThrownBy(() -> EndToEndBenchmark.Options.parse(new String[] {"--variants", "loom_ignore,fast"}, "x"))
        .hasMessage("--variants named 'fast' but it must be one of [CEILING_KEYED, CEILING_APPEND, LOOM_IGNORE,"
            + " LOOM_APPEND, LOOM_UPDATE, HAND_WRITTEN]");
    EndToEndBenchmark.Options options = EndToEndBenchmark.Options.parse(new String[] {"--messages", "5_000",
        "--variants", "loom_append", "--kafka", "max.poll.records=5000", "--writers", "3"}, "cmd");
    assertThat(options.messages()).isEqualTo(5_000);
    assertThat(options.writers()).isEqualTo(3);
    assertThat(options.variants()).containsExactly(Variant.LOOM_APPEND);
    assertThat(options.kafkaProperties()).containsEntry("max.poll.records", "5000");
    assertThat(options.readme()).isNull();
    assertThat(EndToEndBenchmark.Options.parse(new String[] {"--readme", "README.md"}, "cmd").readme())
        .isEqualTo(Path.of("README.md"));
    assertThat(EndToEndBenchmark.Options.parse(new String[] {"--readme", "README.md", "--readme", "none"}, "cmd")
        .readme()).isNull();
    assertThatThrownBy(() -> EndToEndBenchmark.Options.parse(new String[] {"--rewrite-readme-from", "e2e.md"}, "x"))
        .hasMessage("--rewrite-readme-from e2e.md needs --readme FILE, the file whose summary it rewrites");
  }
}
