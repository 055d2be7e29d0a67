package io.loom.systemtests.faults;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.jdbc.JdbcConfigWriter;
import io.loom.mapping.jdbc.Migrator;
import io.loom.testsupport.Sql;
import io.loom.testsupport.TestKafka;
import io.loom.testsupport.TestPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Fault injection against the real standalone service: produces the reference telemetry messages into a
 * topic of four partitions while {@code java -jar loom.jar run} ingests them into a table without a unique
 * key, kills the service with SIGKILL at seeded random moments (restarting it each time), stops and
 * restarts PostgreSQL and the Kafka broker under it, and then checks that every message landed exactly
 * once: row count, distinct {@code (partition, offset)}, distinct {@code (device_id, timestamp)} and, per
 * partition, offsets covering exactly {@code 0..end-1}.
 *
 * <pre>{@code
 * scripts/fault-injection --messages 1000000 --kills 20 --seed 42
 * }</pre>
 *
 * <p>{@link #run(Options, PrintStream)} does one run and returns its {@link Report}; {@link #main} parses the
 * options, prints the summary, writes it as Markdown to the results file and exits with status 1 if the
 * check failed (2 on a usage error). The services run inside this JVM in their own directories, which are
 * deleted at the end; the service's output is kept in {@code loom.log} in the work directory. Not
 * thread-safe: one run at a time per work directory.
 */
public final class FaultInjection {
  /** The topic the messages are produced to. */
  public static final String TOPIC = "device.sensor.telemetry.raw";
  /** Partitions of {@link #TOPIC}. */
  public static final int PARTITIONS = 4;
  /** The table the service writes to. */
  public static final String TABLE = "telemetry_faults";
  /** The service's consumer group. */
  public static final String GROUP = "loom-fault-injection";

  private static final String DATABASE = "loom_faults";
  private static final Duration STALL_TIMEOUT = Duration.ofMinutes(3);
  private static final long POLL_MILLIS = 50;

  private FaultInjection() {}

  /**
   * What to run.
   *
   * @param messages how many messages to produce, at least 1
   * @param kills how many times the service is killed with SIGKILL and restarted
   * @param postgresRestarts how many times PostgreSQL is stopped and started again mid-stream
   * @param brokerRestarts how many times the Kafka broker is stopped and started again mid-stream
   * @param seed the seed of the random moments
   * @param rate the most messages produced per second, 0 for as fast as the service takes them
   * @param loomJar the runnable jar of the service
   * @param workDirectory where the services keep their files and the service's log goes
   * @param command the command line, as shown in the report
   */
  public record Options(long messages, int kills, int postgresRestarts, int brokerRestarts, long seed, int rate,
      Path loomJar, Path workDirectory, String command) {
    public Options {
      if (rate < 0) {
        throw new IllegalArgumentException("--rate was " + rate + " but it must be 0 (no limit) or more");
      }
      if (messages < 1) {
        throw new IllegalArgumentException("--messages was " + messages + " but it must be at least 1");
      }
      if (kills < 0 || postgresRestarts < 0 || brokerRestarts < 0) {
        throw new IllegalArgumentException("--kills, --postgres-restarts and --broker-restarts must be 0 or more, were "
            + kills + ", " + postgresRestarts + " and " + brokerRestarts);
      }
    }
  }

  /** What a run found. {@link #passed()} is the verdict. */
  public record Report(
      Options options,
      long produced,
      long produceFailures,
      int kills,
      int postgresRestarts,
      int brokerRestarts,
      int unexpectedExits,
      Duration elapsed,
      long rows,
      long distinctOffsets,
      long distinctMessages,
      long duplicates,
      long gaps,
      List<PartitionCheck> partitions,
      List<String> events,
      String error,
      Instant finishedAt) {

    public Report {
      partitions = List.copyOf(partitions);
      events = List.copyOf(events);
    }

    /** True when nothing was lost, nothing doubled, every fault was injected and the service recovered. */
    public boolean passed() {
      return error == null
          && produceFailures == 0
          && produced == options.messages()
          && rows == produced
          && distinctOffsets == produced
          && distinctMessages == produced
          && duplicates == 0
          && gaps == 0
          && unexpectedExits == 0
          && kills == options.kills()
          && postgresRestarts == options.postgresRestarts()
          && brokerRestarts == options.brokerRestarts()
          && partitions.stream().allMatch(PartitionCheck::complete);
    }

    /** The summary as plain text lines. */
    public String summary() {
      StringBuilder sb = new StringBuilder();
      sb.append(passed() ? "PASSED" : "FAILED").append(": ").append(String.format(Locale.ROOT,
          "%,d messages produced, %,d rows, %,d duplicates, %,d gaps; %d kills, %d PostgreSQL restarts,"
              + " %d broker restarts; %.1f s; seed %d%n", produced, rows, duplicates, gaps, kills,
          postgresRestarts, brokerRestarts, elapsed.toMillis() / 1000.0, options.seed()));
      if (error != null) {
        sb.append("Error: ").append(error).append('\n');
      }
      if (produceFailures > 0) {
        sb.append("Producer failures: ").append(produceFailures).append('\n');
      }
      if (unexpectedExits > 0) {
        sb.append("The service exited by itself ").append(unexpectedExits).append(" times\n");
      }
      for (PartitionCheck p : partitions) {
        sb.append("  ").append(p).append('\n');
      }
      return sb.toString();
    }

    /** The report as Markdown, for the results file. */
    public String markdown() {
      StringBuilder sb = new StringBuilder();
      sb.append("# Fault injection results\n\n");
      sb.append("```\n").append(options.command()).append("\n```\n\n");
      sb.append("**").append(passed() ? "PASSED" : "FAILED").append("**: nothing lost, nothing duplicated")
          .append(passed() ? "" : " — NOT confirmed").append(".\n\n");
      sb.append("| | |\n|---|---|\n");
      row(sb, "Run at", finishedAt.toString());
      row(sb, "Seed", Long.toString(options.seed()));
      row(sb, "Messages produced (idempotent producer, concurrently with ingestion)", number(produced));
      row(sb, "Kills (SIGKILL) and restarts of the service", kills + " of " + options.kills());
      row(sb, "PostgreSQL stopped and restarted mid-stream", postgresRestarts + " of " + options.postgresRestarts());
      row(sb, "Kafka broker stopped and restarted mid-stream", brokerRestarts + " of " + options.brokerRestarts());
      row(sb, "Service exits other than the kills", Integer.toString(unexpectedExits));
      row(sb, "Elapsed (first start to last row committed)", String.format(Locale.ROOT, "%.1f s",
          elapsed.toMillis() / 1000.0));
      row(sb, "Rows in the table", number(rows));
      row(sb, "Distinct (partition, offset)", number(distinctOffsets));
      row(sb, "Distinct (device_id, timestamp)", number(distinctMessages));
      row(sb, "Duplicates", number(duplicates));
      row(sb, "Gaps", number(gaps));
      if (error != null) {
        row(sb, "Error", error);
      }
      sb.append("\n| Partition | End offset | Rows | Distinct offsets | Min offset | Max offset |\n");
      sb.append("|---|---|---|---|---|---|\n");
      for (PartitionCheck p : partitions) {
        sb.append(String.format(Locale.ROOT, "| %d | %,d | %,d | %,d | %d | %d |%n", p.partition(), p.endOffset(),
            p.rows(), p.distinctOffsets(), p.minOffset(), p.maxOffset()));
      }
      sb.append("\nFaults, in order (seconds since the first start; rows committed at that moment):\n\n");
      for (String event : events) {
        sb.append("- ").append(event).append('\n');
      }
      return sb.toString();
    }

    private static void row(StringBuilder sb, String name, String value) {
      sb.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String number(long n) {
      return String.format(Locale.ROOT, "%,d", n);
    }
  }

  /**
   * One partition: the broker's end offset and what the table holds of it.
   *
   * @param coveredOffsets distinct offsets within {@code 0..end-1}
   * @param minOffset the smallest offset in the table, -1 if none
   * @param maxOffset the largest offset in the table, -1 if none
   */
  public record PartitionCheck(int partition, long endOffset, long rows, long distinctOffsets, long coveredOffsets,
      long minOffset, long maxOffset) {
    /** Offsets cover exactly {@code 0..end-1}, each once. */
    public boolean complete() {
      return rows == endOffset && distinctOffsets == endOffset && coveredOffsets == endOffset
          && (endOffset == 0 ? rows == 0 : minOffset == 0 && maxOffset == endOffset - 1);
    }

    /** Offsets of {@code 0..end-1} missing from the table. */
    public long gaps() {
      return endOffset - coveredOffsets;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "partition %d: end offset %,d, rows %,d, distinct offsets %,d, offsets %d..%d%s",
          partition, endOffset, rows, distinctOffsets, minOffset, maxOffset, complete() ? "" : "  <-- INCOMPLETE");
    }
  }

  private enum FaultKind {
    KILL("kill -9 of the service"),
    POSTGRES("PostgreSQL stop/start"),
    BROKER("Kafka broker stop/start");

    final String text;

    FaultKind(String text) {
      this.text = text;
    }
  }

  /** A fault and how many rows are committed, beyond those committed when its interval began, before it strikes. */
  private record Fault(FaultKind kind, long rowsInto) {}

  /**
   * Runs the whole scenario and verifies the table. Failures during the run (a stall, a service that does
   * not come back) end up in {@link Report#error()}; the table is checked in any case.
   *
   * @throws IllegalStateException if the services cannot be set up at all
   */
  public static Report run(Options options, PrintStream out) {
    try {
      Files.createDirectories(options.workDirectory());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the work directory " + options.workDirectory(), e);
    }
    out.printf(Locale.ROOT, "Fault injection: %,d messages, %d kills, %d PostgreSQL restarts, %d broker restarts,"
            + " seed %d%n", options.messages(), options.kills(), options.postgresRestarts(), options.brokerRestarts(),
        options.seed());
    try (TestPostgres postgres = TestPostgres.builder().baseDirectory(options.workDirectory()).start();
        TestKafka kafka = TestKafka.builder().baseDirectory(options.workDirectory()).start()) {
      return new Scenario(options, out, postgres, kafka).run();
    }
  }

  /**
   * {@code FaultInjection [--messages N] [--kills K] [--postgres-restarts N] [--broker-restarts N] [--seed S]
   * [--rate N] [--jar PATH] [--work-dir PATH] [--results FILE]}.
   */
  public static void main(String[] args) {
    // The producer's reconnect attempts while the broker is down are expected: one line per attempt is noise.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient", "error");
    Options options;
    Path results;
    try {
      Map<String, String> flags = flags(args);
      long seed = flags.containsKey("--seed") ? parseLong(flags, "--seed", 0) : System.nanoTime();
      long messages = parseLong(flags, "--messages", 1_000_000);
      int kills = (int) parseLong(flags, "--kills", 20);
      int postgresRestarts = (int) parseLong(flags, "--postgres-restarts", 1);
      int brokerRestarts = (int) parseLong(flags, "--broker-restarts", 1);
      int rate = (int) parseLong(flags, "--rate", 0);
      Path jar = Path.of(flags.getOrDefault("--jar", "loom-consumer/target/loom.jar")).toAbsolutePath();
      Path work = Path.of(flags.getOrDefault("--work-dir", "loom-system-tests/target/fault-injection"))
          .toAbsolutePath();
      results = Path.of(flags.getOrDefault("--results", "loom-system-tests/results/fault-injection.md"));
      String command = "scripts/fault-injection --messages " + messages + " --kills " + kills
          + (postgresRestarts == 1 ? "" : " --postgres-restarts " + postgresRestarts)
          + (brokerRestarts == 1 ? "" : " --broker-restarts " + brokerRestarts)
          + (rate == 0 ? "" : " --rate " + rate) + " --seed " + seed;
      options = new Options(messages, kills, postgresRestarts, brokerRestarts, seed, rate, jar, work, command);
    } catch (IllegalArgumentException e) {
      System.err.println("fault-injection: " + e.getMessage());
      System.exit(2);
      return;
    }
    Report report;
    try {
      report = run(options, System.out);
    } catch (RuntimeException e) {
      System.err.println("fault-injection: " + e.getMessage());
      System.exit(1);
      return;
    }
    System.out.println();
    System.out.print(report.summary());
    try {
      if (results.getParent() != null) {
        Files.createDirectories(results.getParent());
      }
      Files.writeString(results, report.markdown());
      System.out.println("Results written to " + results);
    } catch (IOException e) {
      System.err.println("fault-injection: cannot write " + results + ": " + e.getMessage());
      System.exit(1);
    }
    System.exit(report.passed() ? 0 : 1);
  }

  private static Map<String, String> flags(String[] args) {
    List<String> known = List.of("--messages", "--kills", "--postgres-restarts", "--broker-restarts", "--seed",
        "--rate", "--jar", "--work-dir", "--results");
    Map<String, String> flags = new TreeMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!known.contains(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException("unknown argument '" + args[i] + "'; expected " + String.join(" N, ", known)
            + " N");
      }
      flags.put(args[i], args[++i]);
    }
    return flags;
  }

  private static long parseLong(Map<String, String> flags, String name, long fallback) {
    String value = flags.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value.replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " was '" + value + "' but it must be a whole number");
    }
  }

  /** One run: the state shared by its steps. */
  private static final class Scenario {
    private final Options options;
    private final PrintStream out;
    private final TestPostgres postgres;
    private final TestKafka kafka;
    private final PGSimpleDataSource dataSource;
    private final Random random;
    private final List<String> events = new ArrayList<>();
    private long startedNanos;
    private int kills;
    private int postgresRestarts;
    private int brokerRestarts;
    private int unexpectedExits;

    Scenario(Options options, PrintStream out, TestPostgres postgres, TestKafka kafka) {
      this.options = options;
      this.out = out;
      this.postgres = postgres;
      this.kafka = kafka;
      this.random = new Random(options.seed());
      postgres.createDatabase(DATABASE);
      this.dataSource = postgres.dataSource(DATABASE);
      dataSource.setConnectTimeout(5);
      dataSource.setSocketTimeout(120);
    }

    Report run() {
      prepare();
      List<Fault> faults = plan();
      Path log = options.workDirectory().resolve("loom.log");
      out.println("The service's output goes to " + log);
      String error = null;
      Duration elapsed = Duration.ZERO;
      long step = step(faults.size());
      // Batches small against a fault interval, so that the moments fall between and inside many commits;
      // the default (5000) from 20,000 rows per interval on.
      long batchRows = Math.max(100, Math.min(5000, step / 4));
      out.printf(Locale.ROOT, "%d faults, one every ~%,d rows; the service writes batches of at most %,d rows%n",
          faults.size(), step, batchRows);
      try (TelemetryProducer producer = new TelemetryProducer(kafka.producerProperties(), TOPIC, options.messages(),
          options.rate());
          LoomProcess loom = new LoomProcess(options.loomJar(), log, Map.of(
              "LOOM_BATCH_MAX_ROWS", Long.toString(batchRows),
              "LOOM_DATABASE_URL", postgres.postgresqlUrl(DATABASE),
              "LOOM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
              "KAFKA_GROUP_ID", GROUP,
              "USE_DATABASE_CONFIG", "true",
              "LOOM_RETRY_INITIAL_BACKOFF", "200ms",
              "LOOM_RETRY_MAX_BACKOFF", "2s",
              // A killed instance leaves the group after 6 s instead of 45 s.
              "LOOM_KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000",
              "LOOM_KAFKA_CLIENT_HEARTBEAT_INTERVAL_MS", "1000"))) {
        startedNanos = System.nanoTime();
        producer.allowUpTo(faults.isEmpty() ? options.messages() : step);
        loom.start();
        producer.start();
        try {
          long base = 0;
          for (Fault fault : faults) {
            awaitProgress(loom, base + fault.rowsInto(), "the " + ordinal() + " fault (" + fault.kind().text + ")");
            inject(fault, loom, producer, step);
            // The next interval starts now that rows flow again, with one interval of new messages.
            base = Math.max(0, committed());
            producer.allowUpTo(base + step);
          }
          producer.allowUpTo(options.messages());
          producer.await(Duration.ofMinutes(30));
          Map<TopicPartition, Long> ends = endOffsets();
          long total = ends.values().stream().mapToLong(Long::longValue).sum();
          awaitProgress(loom, total, "the last message");
          awaitCaughtUp(loom, ends);
          elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
          event("all " + String.format(Locale.ROOT, "%,d", total) + " messages committed");
          int status = loom.stop(60);
          out.println("Service stopped with SIGTERM, exit status " + status + " (143 is the JVM's status after"
              + " SIGTERM)");
        } catch (RuntimeException e) {
          elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
          error = e.getMessage();
          out.println("Run failed: " + error);
        }
        return verify(producer, elapsed, error);
      }
    }

    private void prepare() {
      Migrator.Result migrated = Migrator.migrate(dataSource);
      Sql.sql(dataSource, TelemetryMessages.createTable(TABLE));
      ConfigSnapshot snapshot = new ConfigSnapshot(List.of(TelemetryMessages.topic(TOPIC, PARTITIONS)), List.of(),
          List.of(TelemetryMessages.mapping(TOPIC, TABLE)), List.of());
      new JdbcConfigWriter(dataSource).apply(snapshot);
      kafka.createTopic(TOPIC, PARTITIONS);
      out.printf(Locale.ROOT, "PostgreSQL on port %d (schema version %d), Kafka on %s, topic %s (%d partitions) ->"
          + " table %s (no unique key)%n", postgres.port(), migrated.version(), kafka.bootstrapServers(), TOPIC,
          PARTITIONS, TABLE);
    }

    /**
     * The faults in a seeded random order, each striking after a seeded random number of rows (a quarter to
     * three quarters of an interval) past the moment rows flowed again after the previous one. The producer
     * is held one interval ahead, so a fault strikes while a backlog is being ingested and new work follows.
     */
    private List<Fault> plan() {
      List<FaultKind> kinds = new ArrayList<>();
      kinds.addAll(Collections.nCopies(options.kills(), FaultKind.KILL));
      kinds.addAll(Collections.nCopies(options.postgresRestarts(), FaultKind.POSTGRES));
      kinds.addAll(Collections.nCopies(options.brokerRestarts(), FaultKind.BROKER));
      Collections.shuffle(kinds, random);
      long step = step(kinds.size());
      List<Fault> faults = new ArrayList<>();
      for (FaultKind kind : kinds) {
        faults.add(new Fault(kind, Math.max(1, step / 4 + (long) (random.nextDouble() * (step / 2)))));
      }
      return faults;
    }

    /**
     * Rows per fault interval. Each fault releases at most two intervals of messages (one when it is over,
     * one when rows flow again), so {@code 2 * faults + 2} intervals leave messages to release after the last.
     */
    private long step(int faults) {
      return Math.max(1, options.messages() / (2L * faults + 2));
    }

    private String ordinal() {
      int n = kills + postgresRestarts + brokerRestarts + 1;
      return n + (n % 10 == 1 && n % 100 != 11 ? "st" : n % 10 == 2 && n % 100 != 12 ? "nd"
          : n % 10 == 3 && n % 100 != 13 ? "rd" : "th");
    }

    /**
     * Injects one fault, then lets the producer go on one interval beyond what is committed once the fault is
     * over and waits until more rows are committed.
     */
    private void inject(Fault fault, LoomProcess loom, TelemetryProducer producer, long step) {
      long before = committed();
      switch (fault.kind()) {
        case KILL -> {
          long pid = loom.pid();
          loom.kill();
          kills++;
          event("kill -9 of the service (pid " + pid + ") at " + count(before) + " rows with "
              + count(Math.max(0, producer.allowed() - before)) + " released messages not yet committed");
          pause(random.nextInt(1000));
          loom.start();
        }
        case POSTGRES -> {
          postgres.stop();
          event("PostgreSQL stopped at " + count(before) + " rows");
          pause(1000 + random.nextInt(3000));
          postgres.start();
          postgresRestarts++;
          event("PostgreSQL started again");
        }
        case BROKER -> {
          kafka.stop();
          event("Kafka broker stopped at " + count(before) + " rows");
          pause(1000 + random.nextInt(3000));
          kafka.start();
          brokerRestarts++;
          event("Kafka broker started again");
        }
      }
      long after = Math.max(before, committed());
      producer.allowUpTo(after + step);
      awaitProgress(loom, after + 1, "recovery after the " + fault.kind().text);
      event("ingesting again: " + count(committed()) + " rows");
    }

    /** Waits until at least {@code target} rows are committed; fails if nothing moves for a while. */
    private void awaitProgress(LoomProcess loom, long target, String what) {
      long last = committed();
      long lastChange = System.nanoTime();
      while (last < target) {
        if (!loom.isAlive()) {
          unexpectedExits++;
          int status = loom.exitStatus();
          loom.start();
          event("the service exited by itself with status " + status + "; started again");
        }
        if (System.nanoTime() - lastChange > STALL_TIMEOUT.toNanos()) {
          throw new IllegalStateException("ingestion did not resume: " + count(Math.max(last, 0))
              + " rows committed, no progress for " + STALL_TIMEOUT.toSeconds() + " s while waiting for " + what
              + " (" + count(target) + " rows); see " + loom.logFile());
        }
        pause(POLL_MILLIS);
        long now = committed();
        if (now > last) {
          last = now;
          lastChange = System.nanoTime();
        }
      }
    }

    /** Waits until the stored offset of every partition is the broker's end offset. */
    private void awaitCaughtUp(LoomProcess loom, Map<TopicPartition, Long> ends) {
      long deadline = System.nanoTime() + STALL_TIMEOUT.toNanos();
      while (true) {
        Map<Integer, Long> stored = storedOffsets();
        boolean done = ends.entrySet().stream()
            .allMatch(e -> stored.getOrDefault(e.getKey().partition(), -1L).equals(e.getValue()));
        if (done) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("stored offsets " + stored + " never reached the end offsets " + ends);
        }
        if (!loom.isAlive()) {
          unexpectedExits++;
          int status = loom.exitStatus();
          loom.start();
          event("the service exited by itself with status " + status + "; started again");
        }
        pause(POLL_MILLIS);
      }
    }

    /** Rows committed so far: the sum of the service's stored offsets (written with the rows), -1 if unknown. */
    private long committed() {
      Map<Integer, Long> stored = storedOffsets();
      return stored == null ? -1 : stored.values().stream().mapToLong(Long::longValue).sum();
    }

    private Map<Integer, Long> storedOffsets() {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement(
              "SELECT kafka_partition, next_offset FROM loom_offsets WHERE consumer_group = ? AND topic = ?")) {
        ps.setString(1, GROUP);
        ps.setString(2, TOPIC);
        Map<Integer, Long> offsets = new TreeMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            offsets.put(rs.getInt(1), rs.getLong(2));
          }
        }
        return offsets;
      } catch (SQLException e) {
        return null; // PostgreSQL is down or restarting: unknown for now
      }
    }

    private Map<TopicPartition, Long> endOffsets() {
      Map<TopicPartition, OffsetSpec> request = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
      for (int p = 0; p < PARTITIONS; p++) {
        request.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
      }
      try (Admin admin = Admin.create(kafka.adminProperties())) {
        Map<TopicPartition, Long> ends = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
        admin.listOffsets(request).all().get(60, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("cannot read the end offsets of " + TOPIC + ": " + e, e);
      }
    }

    private Report verify(TelemetryProducer producer, Duration elapsed, String error) {
      postgres.start(); // in case the run failed while it was stopped
      kafka.start();
      Map<TopicPartition, Long> ends = endOffsets();
      long produced = ends.values().stream().mapToLong(Long::longValue).sum();
      Map<Integer, Long> endByPartition = new TreeMap<>();
      ends.forEach((tp, end) -> endByPartition.put(tp.partition(), end));
      TableCheck.Result table = TableCheck.check(dataSource, TABLE, endByPartition);
      return new Report(options, produced, producer.failures(), kills, postgresRestarts, brokerRestarts,
          unexpectedExits, elapsed, table.rows(), table.distinctOffsets(), table.distinctMessages(),
          table.duplicates(), table.gaps(), table.partitions(), events,
          error == null && producer.firstFailure() != null ? "producer: " + producer.firstFailure() : error,
          Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    private void event(String text) {
      String line = String.format(Locale.ROOT, "%6.1f s  %s", (System.nanoTime() - startedNanos) / 1e9, text);
      events.add(line.trim());
      out.println(line);
    }

    private static String count(long n) {
      return String.format(Locale.ROOT, "%,d", n);
    }

    private static void pause(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
