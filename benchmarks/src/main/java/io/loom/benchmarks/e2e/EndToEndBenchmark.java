package io.loom.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.benchmarks.TelemetryWorkload;
import io.loom.consumer.LoomConsumer;
import io.loom.consumer.admin.RunState;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.TopicMapping;
import io.loom.testsupport.ReferenceWorkload;
import io.loom.testsupport.TestKafka;
import io.loom.testsupport.TestPostgres;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end throughput harness: the reference telemetry workload (see {@link TelemetryWorkload})
 * produced once into a topic of 4 partitions of an in-process Kafka broker, then consumed into an embedded
 * PostgreSQL by Loom (ignore, append, update) and by a hand-written consumer, next to the database-only
 * ceiling (binary COPY of the same rows from memory, 2 connections). Each run gets a fresh table and, where
 * Kafka is involved, a fresh consumer group; it is timed from the first poll that returns records (a
 * {@link FirstPollInterceptor}) to the moment the last offset is committed (Loom: seen in {@code
 * loom_offsets}, polled every 10 ms; hand-written: its last Kafka commit returned). Every run checks that
 * the table holds exactly one row per message.
 *
 * <p>Run it with {@code benchmarks/run-e2e [options]}; options:
 * <ul>
 *   <li>{@code --messages N} (default 1,000,000), {@code --runs R} measured rounds of all variants (default 2),
 *       after {@code --warmup-runs W} unreported rounds that warm the JIT up (default 2);
 *   <li>{@code --variants a,b} a subset of {@link Variant} names; {@code --output FILE} the Markdown file
 *       whose {@code e2e:start/end} section is rewritten (default {@code benchmarks/results/e2e.md});
 *   <li>{@code --batch-rows N}, {@code --writers N}, {@code --linger-ms N}: Loom's batch settings (default:
 *       the builder's);
 *   <li>{@code --kafka key=value} (repeatable): a consumer property for Loom and the hand-written consumer,
 *       e.g. {@code max.poll.records=5000};
 *   <li>{@code --readme FILE}: also rewrite the summary between {@code <!-- e2e-summary:start -->} and
 *       {@code <!-- e2e-summary:end -->} of this Markdown file (see {@link ReadmeSummary}); a file without
 *       the markers is refused before anything is measured. Default none here ({@code --readme none});
 *       {@code benchmarks/run-e2e} passes {@code --readme README.md} unless {@code --output} is given;
 *   <li>{@code --rewrite-readme-from FILE}: measure nothing, rewrite the {@code --readme} summary from the
 *       results section of FILE (a results file written earlier).
 * </ul>
 *
 * <p>Not thread-safe; one run at a time.
 */
public final class EndToEndBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(EndToEndBenchmark.class);
  private static final String COLUMNS = "device_id, \"timestamp\", data_sensor_type, data_value, data_unit,"
      + " battery_level, tags_site, tags_building, tags_zone, tags_firmware, tags_model, tags_region";
  private static final String DEFINITION = "device_id text NOT NULL, \"timestamp\" timestamptz NOT NULL,"
      + " data_sensor_type text, data_value double precision, data_unit text, battery_level int, tags_site text,"
      + " tags_building text, tags_zone text, tags_firmware text, tags_model text, tags_region text";
  private static final String[] TEXT_FIELDS = {"device_id", null, "data.sensor_type", null, "data.unit", null,
      "tags.site", "tags.building", "tags.zone", "tags.firmware", "tags.model", "tags.region"};

  private final TestPostgres postgres;
  private final TestKafka kafka;
  private final Options options;
  private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
  private String database;
  private String topic;
  private ProcessStats stats;

  /**
   * The harness's settings.
   *
   * @param messages messages produced and rows expected per run
   * @param runs measured rounds of all variants
   * @param warmupRuns rounds run first and not reported, so that measured rounds see compiled code, as a
   *     long-running service does
   * @param variants the variants, run in this order in every round
   * @param batchRows Loom's {@code maxBatchRows}, or 0 for the builder's default
   * @param writers Loom's {@code writers}, or 0 for the builder's default
   * @param lingerMillis Loom's linger, or -1 for the builder's default
   * @param kafkaProperties consumer properties given to Loom and to the hand-written consumer
   * @param output the Markdown file to write, or null to write none
   * @param readme the Markdown file whose {@code e2e-summary} section to rewrite as well, or null for none;
   *     needs {@code output}, which the summary links to
   * @param rewriteReadmeFrom a results file to rewrite the {@code readme} summary from instead of measuring,
   *     or null to measure
   * @param command the command line to quote in the results
   */
  public record Options(long messages, int runs, int warmupRuns, List<Variant> variants, int batchRows, int writers,
      long lingerMillis, Map<String, String> kafkaProperties, Path output, Path readme, Path rewriteReadmeFrom,
      String command) {
    public Options {
      if (messages < 1) {
        throw new IllegalArgumentException("messages was " + messages + " but it must be at least 1");
      }
      if (runs < 1) {
        throw new IllegalArgumentException("runs was " + runs + " but it must be at least 1");
      }
      if (writers < 0) {
        throw new IllegalArgumentException("writers was " + writers + " but it must not be negative");
      }
      if (warmupRuns < 0) {
        throw new IllegalArgumentException("warmupRuns was " + warmupRuns + " but it must not be negative");
      }
      if (readme != null && output == null) {
        throw new IllegalArgumentException("readme " + readme + " needs an output file, which its summary links to");
      }
      if (rewriteReadmeFrom != null && readme == null) {
        throw new IllegalArgumentException("--rewrite-readme-from " + rewriteReadmeFrom
            + " needs --readme FILE, the file whose summary it rewrites");
      }
      variants = List.copyOf(variants);
      kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /**
     * The defaults: 1,000,000 messages, 2 warm-up rounds then 2 rounds of every variant, Loom's default
     * settings, results into {@code benchmarks/results/e2e.md}, no README.
     */
    public static Options defaults() {
      return new Options(1_000_000, 2, 2, List.of(Variant.values()), 0, 0, -1, Map.of(),
          Path.of("benchmarks/results/e2e.md"), null, null, "benchmarks/run-e2e");
    }

    /** Parses the command line (see the class comment); unknown or malformed options name themselves. */
    public static Options parse(String[] args, String command) {
      Options o = defaults();
      long messages = o.messages;
      int runs = o.runs;
      int warmupRuns = o.warmupRuns;
      List<Variant> variants = o.variants;
      int batchRows = o.batchRows;
      int writers = o.writers;
      long linger = o.lingerMillis;
      Map<String, String> kafka = new LinkedHashMap<>();
      Path output = o.output;
      Path readme = o.readme;
      Path rewriteReadmeFrom = o.rewriteReadmeFrom;
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + name + " needs a value");
        }
        String value = args[++i];
        switch (name) {
          case "--messages" -> messages = number(name, value);
          case "--runs" -> runs = (int) number(name, value);
          case "--warmup-runs" -> warmupRuns = (int) number(name, value);
          case "--batch-rows" -> batchRows = (int) number(name, value);
          case "--writers" -> writers = (int) number(name, value);
          case "--linger-ms" -> linger = number(name, value);
          case "--output" -> output = Path.of(value);
          case "--readme" -> readme = value.equals("none") ? null : Path.of(value);
          case "--rewrite-readme-from" -> rewriteReadmeFrom = Path.of(value);
          case "--variants" -> {
            List<Variant> chosen = new ArrayList<>();
            for (String v : value.split(",")) {
              try {
                chosen.add(Variant.valueOf(v.trim().toUpperCase(Locale.ROOT)));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--variants named '" + v + "' but it must be one of "
                    + List.of(Variant.values()));
              }
            }
            variants = chosen;
          }
          case "--kafka" -> {
            int eq = value.indexOf('=');
            if (eq < 1) {
              throw new IllegalArgumentException("--kafka was '" + value + "' but it must be key=value");
            }
            kafka.put(value.substring(0, eq), value.substring(eq + 1));
          }
          default -> throw new IllegalArgumentException("unknown option " + name + "; known: --messages --runs"
              + " --warmup-runs --variants --batch-rows --writers --linger-ms --kafka --output --readme"
              + " --rewrite-readme-from");
        }
      }
      return new Options(messages, runs, warmupRuns, variants, batchRows, writers, linger, kafka, output, readme,
          rewriteReadmeFrom, command);
    }

    private static long number(String name, String value) {
      try {
        return Long.parseLong(value.replace("_", "").replace(",", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " was '" + value + "' but it must be a whole number");
      }
    }
  }

  private EndToEndBenchmark(TestPostgres postgres, TestKafka kafka, Options options) {
    this.postgres = postgres;
    this.kafka = kafka;
    this.options = options;
  }

  /**
   * Starts PostgreSQL and Kafka in process, runs the harness, writes the results file (and the README's
   * summary); or, with {@code --rewrite-readme-from}, only rewrites the README's summary.
   */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args, System.getProperty("e2e.command", "benchmarks/run-e2e " + String.join(" ", args)).trim());
    if (options.rewriteReadmeFrom() != null) {
      ReadmeSummary.rewrite(options.readme(), options.rewriteReadmeFrom());
      LOG.info("summary of {} written to {}", options.rewriteReadmeFrom(), options.readme());
      return;
    }
    if (options.readme() != null) {
      ReadmeSummary.requireMarkers(options.readme()); // before starting the servers, as run() does before measuring
    }
    try (TestPostgres postgres = TestPostgres.startNew(); TestKafka kafka = TestKafka.startNew()) {
      run(postgres, kafka, options);
    }
  }

  /**
   * Runs every variant {@code options.runs()} times against the given servers and writes the results.
   *
   * @return every measurement, in the order run
   * @throws IllegalStateException if a run does not end with exactly one row per message
   * @throws IllegalArgumentException before anything runs, if {@code options.readme()} lacks the summary markers
   */
  public static List<Measurement> run(TestPostgres postgres, TestKafka kafka, Options options) throws Exception {
    if (options.readme() != null) {
      ReadmeSummary.requireMarkers(options.readme());
    }
    return new EndToEndBenchmark(postgres, kafka, options).runAll();
  }

  private List<Measurement> runAll() throws Exception {
    Report report = new Report(options);
    database = postgres.createDatabase("loom_e2e");
    try (Connection c = connect()) {
      stats = new ProcessStats(queryLong(c, "SELECT pg_backend_pid()"));
      report.postgresVersion(queryText(c, "SHOW server_version"));
    }
    topic = kafka.createTopic(kafka.uniqueTopic("e2e-telemetry"), 4);
    produce();
    List<Measurement> measurements = new ArrayList<>();
    for (int round = -options.warmupRuns(); round < options.runs(); round++) {
      for (Variant variant : options.variants()) {
        Measurement m = measure(variant, round);
        if (round < 0) {
          LOG.info("{} (warm-up): {} rows/s, not reported", variant, fmt(m.rowsPerSecond(), 0));
          continue;
        }
        LOG.info("{} (round {}): {} rows in {} s = {} rows/s; JVM CPU {} s, PostgreSQL CPU {} s", variant, round + 1,
            m.rows(), fmt(m.seconds(), 2), fmt(m.rowsPerSecond(), 0), fmt(m.jvmCpuNanos() / 1e9, 1),
            fmt(m.postgresCpuNanos() / 1e9, 1));
        measurements.add(m);
      }
    }
    report.finish(measurements, stats.knowsPostgres());
    return measurements;
  }

  private void produce() throws Exception {
    long started = System.nanoTime();
    Properties props = kafka.producerProperties();
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (long i = 0; i < options.messages() && failure.get() == null; i++) {
        producer.send(new ProducerRecord<>(topic, TelemetryWorkload.deviceId(i).getBytes(StandardCharsets.UTF_8),
            TelemetryWorkload.message(i)), (metadata, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
        if ((i + 1) % 250_000 == 0) {
          LOG.info("produced {} of {} messages", i + 1, options.messages());
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("producing to " + topic + " failed: " + failure.get(), failure.get());
    }
    LOG.info("produced {} messages into {} (4 partitions) in {} s", options.messages(), topic,
        fmt((System.nanoTime() - started) / 1e9, 1));
  }

  private Measurement measure(Variant variant, int round) throws Exception {
    String table = "e2e_" + variant.name().toLowerCase(Locale.ROOT) + "_" + (round < 0 ? "w" + -round : round);
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + table);
      st.execute("CREATE TABLE " + table + " (" + DEFINITION
          + (variant.keyed() ? ", PRIMARY KEY (device_id, \"timestamp\")" : "") + ")");
      st.execute("CHECKPOINT");
    }
    double load = Report.loadAverage();
    ProcessStats.resetJvmPeak();
    Timing timing = switch (variant) {
      case CEILING_KEYED, CEILING_APPEND -> copyCeiling(table);
      case LOOM_IGNORE -> loom(table, List.of("device_id", "timestamp"), ConflictStrategy.IGNORE, variant, round);
      case LOOM_APPEND -> loom(table, List.of(), ConflictStrategy.IGNORE, variant, round);
      case LOOM_UPDATE -> loom(table, List.of("device_id", "timestamp"), ConflictStrategy.UPDATE, variant, round);
      case HAND_WRITTEN -> handWritten(table, variant, round);
    };
    long rows;
    try (Connection c = connect(); Statement st = c.createStatement()) {
      rows = queryLong(c, "SELECT count(*) FROM " + table);
      if (rows != options.messages()) {
        throw new IllegalStateException(variant + " (round " + (round + 1) + "): table " + table + " holds " + rows
            + " rows, expected " + options.messages());
      }
      st.execute("DROP TABLE " + table);
    }
    return new Measurement(variant, round, rows, timing.seconds(), timing.jvmCpu(), timing.loomCpu(), timing.postgresCpu(),
        ProcessStats.jvmPeakRssBytes(), timing.postgresPeakPss(), load);
  }

  /** What a run's clock and counters say. */
  private record Timing(double seconds, long jvmCpu, long loomCpu, long postgresCpu, long postgresPeakPss) {}

  /**
   * CPU counters at the start of a run and the memory samples taken during it. For Kafka runs the clock
   * starts at the interceptor's first-poll time and the CPU counters when the harness next looks (within
   * 10 ms).
   */
  private final class Meter {
    private long startNanos;
    private long jvmCpu;
    private Map<Long, Long> loomCpu;
    private long postgresCpu;
    private long peakPss = -1;
    private long lastSample;

    void start(long nanos) {
      startNanos = nanos;
      jvmCpu = ProcessStats.jvmCpuNanos();
      loomCpu = ProcessStats.loomThreadCpuNanos();
      postgresCpu = stats.postgresCpuNanos();
      sample();
    }

    void sampleNowAndThen() {
      if (System.nanoTime() - lastSample > 200_000_000L) {
        sample();
      }
    }

    void sample() {
      lastSample = System.nanoTime();
      peakPss = Math.max(peakPss, stats.postgresPssBytes());
    }

    Timing stop(long endNanos) {
      long jvm = ProcessStats.jvmCpuNanos() - jvmCpu;
      long loom = 0;
      for (Map.Entry<Long, Long> e : ProcessStats.loomThreadCpuNanos().entrySet()) {
        loom += e.getValue() - loomCpu.getOrDefault(e.getKey(), 0L);
      }
      long pg = postgresCpu < 0 ? -1 : stats.postgresCpuNanos() - postgresCpu;
      sample();
      return new Timing((endNanos - startNanos) / 1e9, jvm, loom, pg, peakPss);
    }
  }

  private Timing copyCeiling(String table) throws Exception {
    long half = options.messages() / 2;
    byte[][] parts = {BinaryCopyRows.encode(0, half), BinaryCopyRows.encode(half, options.messages())};
    long[] expected = {half, options.messages() - half};
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Connection[] connections = {connect(), connect()};
      try {
        Meter meter = new Meter();
        meter.start(System.nanoTime());
        List<Future<Long>> copies = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
          Connection c = connections[p];
          byte[] bytes = parts[p];
          copies.add(threads.submit(() -> {
            c.setAutoCommit(false);
            long n = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + COLUMNS
                + ") FROM STDIN (FORMAT binary)", new ByteArrayInputStream(bytes), 256 * 1024);
            c.commit();
            return n;
          }));
        }
        for (int p = 0; p < 2; p++) {
          while (!copies.get(p).isDone()) {
            meter.sampleNowAndThen();
            Thread.sleep(10);
          }
          long n = copies.get(p).get();
          if (n != expected[p]) {
            throw new IllegalStateException("COPY into " + table + " reported " + n + " rows, expected " + expected[p]);
          }
        }
        return meter.stop(System.nanoTime());
      } finally {
        for (Connection c : connections) {
          c.close();
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private Timing loom(String table, List<String> key, ConflictStrategy strategy, Variant variant, int round)
      throws Exception {
    String group = group(variant, round);
    TopicMapping mapping = new TopicMapping(topic, table, key, strategy, ReferenceWorkload.fields());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.jdbcUrl(database));
    config.setMaximumPoolSize(4);
    config.setPoolName("e2e-" + variant.name().toLowerCase(Locale.ROOT));
    try (HikariDataSource pool = new HikariDataSource(config);
        Connection watch = connect()) {
      LoomConsumer.Builder builder = LoomConsumer.builder()
          .mappingSource(new FixedMappingSource(ConfigSnapshot.ofMappings(List.of(mapping))))
          .dataSource(pool)
          .bootstrapServers(kafka.bootstrapServers())
          .groupId(group)
          .kafkaProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
          .kafkaProperty(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, FirstPollInterceptor.class.getName())
          .kafkaProperties(options.kafkaProperties());
      if (options.batchRows() > 0) {
        builder.maxBatchRows(options.batchRows());
      }
      if (options.writers() > 0) {
        builder.writers(options.writers());
      }
      if (options.lingerMillis() >= 0) {
        builder.linger(Duration.ofMillis(options.lingerMillis()));
      }
      try (LoomConsumer consumer = builder.build();
          PreparedStatement committed = watch.prepareStatement("SELECT coalesce(sum(next_offset), 0) FROM loom_offsets"
              + " WHERE consumer_group = ? AND topic = ?")) {
        committed.setString(1, group);
        committed.setString(2, topic);
        consumer.start();
        Meter meter = new Meter();
        boolean started = false;
        boolean offsetsTable = false;
        long deadline = System.nanoTime() + deadlineNanos();
        while (true) {
          if (!started && FirstPollInterceptor.firstPollNanos(group) != null) {
            meter.start(FirstPollInterceptor.firstPollNanos(group));
            started = true;
          }
          // the sink creates loom_offsets with its first write when the database has none yet
          offsetsTable = offsetsTable || tableExists(watch);
          long offsets = offsetsTable ? queryLong(committed) : 0;
          if (offsets >= options.messages()) {
            long end = System.nanoTime();
            if (!started) {
              meter.start(FirstPollInterceptor.firstPollNanos(group));
            }
            return meter.stop(end);
          }
          RunState state = consumer.state();
          if (state == RunState.FAILED || state == RunState.STOPPED) {
            throw new IllegalStateException(variant + ": Loom " + state + " after committing " + offsets + " of "
                + options.messages() + " offsets: " + consumer.status().lastError());
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(variant + ": only " + offsets + " of " + options.messages()
                + " offsets committed within " + deadlineNanos() / 1_000_000_000L + " s (state " + state + ")");
          }
          if (started) {
            meter.sampleNowAndThen();
          }
          Thread.sleep(10);
        }
      }
    }
  }

  private boolean tableExists(Connection c) throws SQLException {
    return queryLong(c, "SELECT count(*) FROM pg_tables WHERE tablename = 'loom_offsets'") > 0;
  }

  private Timing handWritten(String table, Variant variant, int round) throws Exception {
    String group = group(variant, round);
    Properties props = kafka.consumerProperties(group);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    props.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, FirstPollInterceptor.class.getName());
    props.putAll(options.kafkaProperties());
    ObjectMapper json = new ObjectMapper();
    String[][] paths = new String[TEXT_FIELDS.length][];
    for (int i = 0; i < TEXT_FIELDS.length; i++) {
      paths[i] = TEXT_FIELDS[i] == null ? null : TEXT_FIELDS[i].split("\\.");
    }
    Meter meter = new Meter();
    long total = 0;
    long deadline = System.nanoTime() + deadlineNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        Connection c = DriverManager.getConnection(postgres.jdbcUrl(database) + "&reWriteBatchedInserts=true");
        PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS + ") VALUES"
            + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, \"timestamp\") DO NOTHING")) {
      c.setAutoCommit(false);
      consumer.subscribe(List.of(topic));
      boolean started = false;
      while (total < options.messages()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(variant + ": only " + total + " of " + options.messages()
              + " messages stored within " + deadlineNanos() / 1_000_000_000L + " s");
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          continue;
        }
        if (!started) {
          meter.start(FirstPollInterceptor.firstPollNanos(group));
          started = true;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          JsonNode root = json.readTree(r.value());
          for (int i = 0; i < paths.length; i++) {
            if (paths[i] != null) {
              JsonNode node = root;
              for (String p : paths[i]) {
                node = node.path(p);
              }
              insert.setString(i + 1, node.isMissingNode() || node.isNull() ? null : node.asText());
            }
          }
          insert.setObject(2, OffsetDateTime.ofInstant(Instant.parse(root.path("timestamp").asText()), ZoneOffset.UTC));
          insert.setDouble(4, root.path("data").path("value").asDouble());
          insert.setInt(6, root.path("battery_level").asInt());
          insert.addBatch();
        }
        insert.executeBatch();
        c.commit();
        consumer.commitSync();
        total += records.count();
        meter.sampleNowAndThen();
      }
      return meter.stop(System.nanoTime());
    }
  }

  private String group(Variant variant, int round) {
    return "e2e-" + runId + "-" + variant.name().toLowerCase(Locale.ROOT) + "-" + (round < 0 ? "w" + -round : round);
  }

  /** Generous: a minute plus a millisecond per message (1,000,000 messages: 17 minutes). */
  private long deadlineNanos() {
    return TimeUnit.SECONDS.toNanos(60) + TimeUnit.MILLISECONDS.toNanos(options.messages());
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(postgres.jdbcUrl(database));
  }

  private static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long queryLong(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String queryText(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static String fmt(double value, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }
}
