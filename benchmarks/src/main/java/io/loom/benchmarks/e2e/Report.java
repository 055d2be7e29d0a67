package io.loom.benchmarks.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the harness's results as Markdown into the section between {@code <!-- e2e:start -->} and
 * {@code <!-- e2e:end -->} of the output file, keeping the rest of the file (the analysis) as it is; a
 * missing file is created with just that section. Also prints the section to standard output and, when a
 * README is given, writes its summary there ({@link ReadmeSummary}, a projection of the same section).
 */
final class Report {
  static final String START = "<!-- e2e:start -->";
  static final String END = "<!-- e2e:end -->";
  private static final Logger LOG = LoggerFactory.getLogger(Report.class);

  private final EndToEndBenchmark.Options options;
  private final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
  private final String loadBefore = loadAverages();
  private String postgresVersion = "?";

  Report(EndToEndBenchmark.Options options) {
    this.options = options;
  }

  void postgresVersion(String version) {
    this.postgresVersion = version;
  }

  void finish(List<Measurement> measurements, boolean postgresMeasured) {
    String loadAfter = loadAverages();
    Map<Variant, List<Measurement>> byVariant = new EnumMap<>(Variant.class);
    for (Measurement m : measurements) {
      byVariant.computeIfAbsent(m.variant(), v -> new ArrayList<>()).add(m);
    }
    double ceilingKeyed = median(byVariant.get(Variant.CEILING_KEYED));
    double ceilingAppend = median(byVariant.get(Variant.CEILING_APPEND));

    StringBuilder md = new StringBuilder();
    md.append(START).append('\n');
    md.append("Command: `").append(options.command()).append("`  \n");
    md.append("Date: ").append(started.format(DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'", Locale.ROOT)))
        .append("  \n");
    md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores (")
        .append(cpuModel()).append("), ").append(memory()).append(", JDK ").append(System.getProperty("java.vm.version"))
        .append(" (").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-Xm") || a.startsWith("-XX:+Use")).toList())).append("), PostgreSQL ")
        .append(postgresVersion).append(" (embedded), Kafka broker in process  \n");
    md.append("Load average (1, 5, 15 min) before: ").append(loadBefore).append("; after: ").append(loadAfter)
        .append("  \n");
    md.append("Workload: ").append(String.format(Locale.ROOT, "%,d", options.messages()))
        .append(" reference telemetry messages in a topic of 4 partitions, produced before the runs; ")
        .append(options.warmupRuns()).append(" warm-up round(s) not reported, then ").append(options.runs())
        .append(" round(s) of every variant, interleaved; Loom settings: ")
        .append(options.batchRows() > 0 ? "maxBatchRows " + options.batchRows() : "default batch size")
        .append(options.writers() > 0 ? ", writers " + options.writers() : ", default writers")
        .append(options.lingerMillis() >= 0 ? ", linger " + options.lingerMillis() + " ms" : "")
        .append(options.kafkaProperties().isEmpty() ? "" : ", Kafka " + options.kafkaProperties()).append("\n\n");

    md.append("| variant | rows/s (median) | runs (rows/s) | vs ceiling | JVM CPU s / M rows | of which Loom's threads"
        + " | PostgreSQL CPU s / M rows | JVM peak RSS | PostgreSQL peak PSS |\n");
    md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<Variant, List<Measurement>> e : byVariant.entrySet()) {
      Variant v = e.getKey();
      List<Measurement> runs = e.getValue();
      double median = median(runs);
      double ceiling = v.keyed() ? ceilingKeyed : ceilingAppend;
      double perMillion = 1e6 / options.messages();
      md.append("| ").append(v.title()).append(" | ").append(fmt(median, 0)).append(" | ")
          .append(String.join(", ", runs.stream().map(m -> fmt(m.rowsPerSecond(), 0)).toList())).append(" | ")
          .append(Double.isNaN(ceiling) ? "-" : fmt(median / ceiling, 2)).append(" | ")
          .append(fmt(medianOf(runs, m -> m.jvmCpuNanos() / 1e9 * perMillion), 1)).append(" | ")
          .append(v.name().startsWith("LOOM") ? fmt(medianOf(runs, m -> m.loomThreadsCpuNanos() / 1e9 * perMillion), 1)
              : "-").append(" | ")
          .append(postgresMeasured ? fmt(medianOf(runs, m -> m.postgresCpuNanos() / 1e9 * perMillion), 1) : "n/a")
          .append(" | ").append(mib(medianOf(runs, m -> (double) m.jvmPeakRssBytes()))).append(" | ")
          .append(postgresMeasured ? mib(medianOf(runs, m -> (double) m.postgresPeakPssBytes())) : "n/a").append(" |\n");
    }
    md.append('\n');
    md.append("\"vs ceiling\" divides by the ceiling of the same table shape. Time runs from the first poll that returns"
        + " records (the ceiling: from the start of the COPY) to the last offset committed. JVM CPU is the whole"
        + " harness JVM, in-process Kafka broker included (serving the fetches); \"of which Loom's threads\" is the"
        + " poll loop and the writers (mapping, encoding, the Kafka client's record parsing, sending the COPY data;"
        + " the rest is the broker, garbage collection and the compiler); PostgreSQL CPU is its processes"
        + " (/proc, separate from the JVM). JVM peak RSS is VmHWM reset before each run; PostgreSQL's is the largest"
        + " sum of its processes' proportional set sizes sampled every 200 ms.\n");
    double ignore = median(byVariant.get(Variant.LOOM_IGNORE));
    double append = median(byVariant.get(Variant.LOOM_APPEND));
    if (!Double.isNaN(ignore) && !Double.isNaN(ceilingKeyed)) {
      md.append("\nTarget, Loom `ignore` >= 60% of the ceiling (primary-key table): ")
          .append(fmt(100 * ignore / ceilingKeyed, 0)).append("% — ").append(ignore >= 0.6 * ceilingKeyed ? "met" : "NOT met")
          .append('\n');
    }
    if (!Double.isNaN(append)) {
      md.append("\nTarget, Loom append >= 300,000 rows/s: ").append(fmt(append, 0)).append(" rows/s — ")
          .append(append >= 300_000 ? "met" : "NOT met")
          .append(Double.isNaN(ceilingAppend) ? "" : " (" + fmt(100 * append / ceilingAppend, 0)
              + "% of the ceiling without index)").append('\n');
    }
    md.append(END).append('\n');
    String section = md.toString();
    System.out.println(section);
    if (options.output() != null) {
      write(options.output(), section);
      LOG.info("results written to {}", options.output());
    }
    if (options.readme() != null) {
      ReadmeSummary.write(options.readme(), section, options.output());
      LOG.info("summary written to {}", options.readme());
    }
  }

  private static void write(Path file, String section) {
    try {
      String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
          : "# End-to-end throughput\n\n" + START + "\n" + END + "\n";
      int from = text.indexOf(START);
      int to = text.indexOf(END);
      if (from < 0 || to < from) {
        text = text + "\n" + section;
      } else {
        text = text.substring(0, from) + section + text.substring(to + END.length() + (text.startsWith("\n",
            to + END.length()) ? 1 : 0));
      }
      replaceFile(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the results to " + file, e);
    }
  }

  /**
   * Replaces {@code file}'s content with {@code text}: written to a sibling file first, then moved over it,
   * so that a failure leaves the old content whole.
   */
  static void replaceFile(Path file, String text) {
    Path target = file.toAbsolutePath();
    Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
    try {
      Files.createDirectories(target.getParent());
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      try {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  private static double median(List<Measurement> runs) {
    return runs == null || runs.isEmpty() ? Double.NaN : medianOf(runs, Measurement::rowsPerSecond);
  }

  private static double medianOf(List<Measurement> runs, java.util.function.ToDoubleFunction<Measurement> f) {
    double[] values = runs.stream().mapToDouble(f).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  private static String fmt(double value, int decimals) {
    return value < 0 || Double.isNaN(value) ? "n/a" : EndToEndBenchmark.fmt(value, decimals);
  }

  private static String mib(double bytes) {
    return bytes < 0 || Double.isNaN(bytes) ? "n/a" : EndToEndBenchmark.fmt(bytes / (1 << 20), 0) + " MiB";
  }

  /** The 1, 5 and 15 minute load averages, or "unknown". */
  static String loadAverages() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The one-minute load average, or -1. */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
    return "unknown CPU";
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.substring(9).trim().split("\\s+")[0]);
          return EndToEndBenchmark.fmt(kb / 1024.0 / 1024.0, 1) + " GiB RAM";
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unknown RAM";
    }
    return "unknown RAM";
  }
}
