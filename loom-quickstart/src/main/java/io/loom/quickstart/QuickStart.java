package io.loom.quickstart;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.admin.AdminServer;
import io.loom.consumer.admin.LoomService;
import io.loom.consumer.admin.LoomServiceFactory;
import io.loom.consumer.admin.RunState;
import io.loom.consumer.admin.ServiceContext;
import io.loom.consumer.admin.StatusView;
import io.loom.consumer.settings.LoomSettings;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.LoomException;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.jdbc.DatabaseUrl;
import io.loom.mapping.jdbc.JdbcConfigWriter;
import io.loom.mapping.jdbc.Migrator;
import io.loom.mapping.yaml.SampleConfiguration;
import io.loom.testsupport.TestKafka;
import io.loom.testsupport.TestPostgres;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Loom on a laptop, with nothing but a JDK: starts an embedded PostgreSQL and an in-process Kafka
 * broker, migrates the database, imports the sample configuration into its configuration tables,
 * creates the tables and topics, produces realistic events (and a few bad ones) to the ten sample
 * topics, and runs the real consumer service with its admin API, printing progress until Ctrl-C.
 *
 * <pre>{@code
 * ./quickstart                      # or: java -jar loom-quickstart/target/loom-quickstart.jar
 * ./quickstart --port 9001 --rate 1000
 * }</pre>
 *
 * <p>{@link #start(Options)} does the work and returns a running instance; {@link #close()} stops
 * everything it started, in reverse order. Thread-safe; {@link #close()} is idempotent.
 */
public final class QuickStart implements AutoCloseable {
  /** The admin API's usual port. */
  public static final int DEFAULT_PORT = 8001;
  /** Events produced per second by default. */
  public static final int DEFAULT_RATE = 200;
  /** The consumer group of the quick start. */
  public static final String GROUP = "loom-quickstart";

  /**
   * What to run.
   *
   * @param adminPort the admin API's port; if it is taken another free port is used (and said so); 0 for any
   * @param eventsPerSecond how many sample events to produce per second, 1 or more
   * @param workDirectory where the database and the broker keep their files (deleted on close)
   */
  public record Options(int adminPort, int eventsPerSecond, Path workDirectory) {
    public Options {
      if (adminPort < 0 || adminPort > 65535) {
        throw new IllegalArgumentException("--port was " + adminPort + " but it must be from 0 to 65535");
      }
      if (eventsPerSecond < 1) {
        throw new IllegalArgumentException("--rate was " + eventsPerSecond + " but it must be at least 1");
      }
      Objects.requireNonNull(workDirectory, "workDirectory");
    }

    /** Port 8001, 200 events per second, files under the system's temporary directory. */
    public static Options defaults() {
      return new Options(DEFAULT_PORT, DEFAULT_RATE, Path.of(System.getProperty("java.io.tmpdir"), "loom-quickstart"));
    }

    /** Parses {@code --port N}, {@code --rate N} and {@code --dir PATH}. */
    public static Options parse(String... args) {
      Options o = defaults();
      int port = o.adminPort();
      int rate = o.eventsPerSecond();
      Path dir = o.workDirectory();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (i + 1 >= args.length || !List.of("--port", "--rate", "--dir").contains(arg)) {
          throw new IllegalArgumentException("unknown argument '" + arg + "'; expected --port N, --rate N or --dir PATH");
        }
        String value = args[++i];
        switch (arg) {
          case "--port" -> port = number(arg, value);
          case "--rate" -> rate = number(arg, value);
          default -> dir = Path.of(value);
        }
      }
      return new Options(port, rate, dir);
    }

    private static int number(String name, String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " was '" + value + "' but it must be a whole number");
      }
    }
  }

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Object lock = new Object();
  private TestPostgres postgres;
  private TestKafka kafka;
  private HikariDataSource pool;
  private PrometheusMeterRegistry registry;
  private LoomService service;
  private AdminServer admin;
  private EventProducer producer;
  private String portNotice;
  private int eventsPerSecond;
  private long startedNanos;
  private long lastRows;
  private long lastNanos;
  private boolean closed;

  private QuickStart() {}

  /**
   * Starts everything and returns once the consumer runs and events flow.
   *
   * @throws LoomException naming the step that failed; whatever was started is stopped again
   */
  public static QuickStart start(Options options, PrintStream out) {
    QuickStart qs = new QuickStart();
    try {
      qs.run(options, out);
      return qs;
    } catch (RuntimeException e) {
      qs.close();
      throw e;
    }
  }

  private void run(Options options, PrintStream out) {
    startedNanos = System.nanoTime();
    eventsPerSecond = options.eventsPerSecond();
    out.println("Starting an embedded PostgreSQL and an in-process Kafka broker in " + options.workDirectory() + " ...");
    CompletableFuture<TestPostgres> pg = CompletableFuture.supplyAsync(
        () -> TestPostgres.builder().baseDirectory(options.workDirectory()).shutdownHook(false).start());
    CompletableFuture<TestKafka> broker = CompletableFuture.supplyAsync(
        () -> TestKafka.builder().baseDirectory(options.workDirectory()).shutdownHook(false).start());
    LoomException failure = null;
    try {
      postgres = join(pg, "the embedded PostgreSQL");
      started.push(postgres);
    } catch (LoomException e) {
      failure = e;
    }
    try {
      kafka = join(broker, "the in-process Kafka broker");
      started.push(kafka);
    } catch (LoomException e) {
      failure = failure == null ? e : failure;
    }
    if (failure != null) {
      throw failure;
    }

    String database = postgres.createDatabase("loom");
    String url = postgres.postgresqlUrl(database);
    pool = DatabaseUrl.parse(url).newPool("loom-quickstart", 2);
    started.push(pool);
    Migrator.Result migrated = Migrator.migrate(pool);
    ConfigSnapshot sample = SampleConfiguration.load();
    new JdbcConfigWriter(pool).apply(sample);
    List<String> tables;
    try {
      tables = SampleTables.create(pool, sample);
    } catch (java.sql.SQLException e) {
      throw new LoomException("cannot create the sample tables: " + e.getMessage(), e);
    }
    for (TopicDefinition topic : sample.topics()) {
      kafka.createTopic(topic.topicName(), topic.partitions());
    }
    out.printf(Locale.ROOT, "Database migrated to version %d; sample configuration %s imported: %d topics, %d mappings,"
        + " %d tables, %d pipeline flows.%n", migrated.version(), sample.fingerprint(), sample.topics().size(),
        sample.mappings().size(), tables.size(), sample.flows().size());

    int port = options.adminPort();
    if (port != 0 && !isFree(port)) {
      portNotice = "port " + port + " is taken, so the admin API listens on a free port instead";
      port = 0;
    }
    LoomSettings settings = LoomSettings.builder().environment(Map.of(
        "USE_DATABASE_CONFIG", "true",
        "LOOM_DATABASE_URL", url,
        "LOOM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "KAFKA_GROUP_ID", GROUP,
        "LOOM_ADMIN_PORT", Integer.toString(port),
        "LOOM_ADMIN_BIND_ADDRESS", "localhost",
        "LOOM_CONFIG_POLL_INTERVAL", "30s")).build();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    started.push(registry::close);
    LoomServiceFactory factory = LoomServiceFactory.find()
        .orElseThrow(() -> new LoomException("no consumer engine on the class path"));
    service = factory.create(new ServiceContext(settings, registry));
    started.push(service);
    try {
      admin = AdminServer.start(settings, service, registry);
    } catch (LoomException e) {
      if (port == 0) {
        throw e;
      }
      portNotice = "port " + port + " is taken, so the admin API listens on a free port instead";
      admin = AdminServer.builder(service).port(0).bindAddresses(List.of("localhost")).metrics(registry).start();
    }
    started.push(admin);
    service.start();
    producer = new EventProducer(kafka.producerProperties(), options.eventsPerSecond());
    started.push(producer);
    producer.start();
    lastNanos = System.nanoTime();
  }

  private static <T> T join(CompletableFuture<T> future, String what) {
    try {
      return future.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new LoomException("cannot start " + what + ": " + cause.getMessage(), cause);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The admin API, {@code http://localhost:<port>}. */
  public URI adminUri() {
    return URI.create("http://localhost:" + admin.port());
  }

  /** Why the admin API is not on the port asked for, or {@code null}. */
  public String portNotice() {
    return portNotice;
  }

  /** The running service (its admin views). */
  public LoomService service() {
    return service;
  }

  /** The rows committed per table so far, by table name. */
  public Map<String, Long> rowsByTable() {
    Map<String, Long> rows = new TreeMap<>();
    for (Counter c : registry.find("loom.rows.written").counters()) {
      rows.merge(c.getId().getTag("table"), (long) c.count(), Long::sum);
    }
    return rows;
  }

  /** Dead letters so far, by kind. */
  public Map<String, Long> deadLettersByKind() {
    Map<String, Long> byKind = new TreeMap<>();
    for (Counter c : registry.find("loom.messages.dead_lettered").counters()) {
      byKind.merge(c.getId().getTag("kind"), (long) c.count(), Long::sum);
    }
    return byKind;
  }

  /** Prints what to try. */
  public void printWelcome(PrintStream out) {
    String base = adminUri().toString();
    out.println();
    out.println("Loom quick start is running.");
    if (portNotice != null) {
      out.println("  Note: " + portNotice + ".");
    }
    out.println("  Admin API   " + base);
    out.println("  PostgreSQL  psql " + postgres.postgresqlUrl("loom")
        + "   (a throwaway local database; try: SELECT * FROM device_sensor_telemetry_raw LIMIT 5;)");
    out.println("  Kafka       " + kafka.bootstrapServers() + "   (e.g. kcat -b " + kafka.bootstrapServers()
        + " -t device.sensor.telemetry.raw.dlq -C -J)");
    out.println();
    out.println("Try:");
    out.println("  curl -s " + base + "/status | jq .");
    out.println("  curl -s " + base + "/topics | jq '.[].topic'");
    out.println("  curl -s " + base + "/validate-config | jq .");
    out.println("  curl -s -X POST " + base + "/reload-config | jq .");
    out.println("  curl -s " + base + "/metrics | grep '^loom_'");
    out.println();
    out.println("The configuration lives in the database: change it with SQL and it applies at once, e.g.");
    out.println("  UPDATE topic_table_configs SET conflict_strategy = 'update' WHERE topic_name = 'device.sensor.telemetry.raw';");
    out.println();
    out.println("Producing about " + eventsPerSecond + " events per second (about 1 in " + SampleEvents.BAD_EVERY
        + " is bad and goes to a dead-letter topic). Press Ctrl-C to stop.");
    out.println();
  }

  /** Prints one progress report: rows per table, the write rate, dead letters. */
  public void printProgress(PrintStream out) {
    Map<String, Long> rows = rowsByTable();
    long total = rows.values().stream().mapToLong(Long::longValue).sum();
    long now = System.nanoTime();
    double seconds = Math.max(0.001, (now - lastNanos) / 1e9);
    double rate = (total - lastRows) / seconds;
    lastRows = total;
    lastNanos = now;
    StatusView status = service.status();
    long elapsed = TimeUnit.NANOSECONDS.toSeconds(now - startedNanos);
    Map<String, Long> dead = deadLettersByKind();
    out.printf(Locale.ROOT, "[%02d:%02d] %s: %,d rows in %d tables, %,.0f rows/s now, %,d events produced, %,d dead"
            + " letters%s%n", elapsed / 60, elapsed % 60, status.state(), total, rows.size(), rate,
        producer.sent(), status.deadLettersTotal(), dead.isEmpty() ? "" : " " + dead);
    List<String> cells = new ArrayList<>();
    rows.forEach((table, n) -> cells.add(String.format(Locale.ROOT, "%-34s %,9d", table, n)));
    for (int i = 0; i < cells.size(); i += 2) {
      out.println("    " + cells.get(i) + (i + 1 < cells.size() ? "    " + cells.get(i + 1) : ""));
    }
    if (status.lastError() != null && status.state() != RunState.RUNNING) {
      out.println("    last error: " + status.lastError().message());
    }
  }

  /** Stops the producer, the service, the admin API, the broker and the database, in that order. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      while (!started.isEmpty()) {
        AutoCloseable c = started.pop();
        try {
          c.close();
        } catch (Exception e) {
          System.err.println("stopping " + c + " failed: " + e);
        }
      }
    }
  }

  /** Runs the quick start until Ctrl-C. */
  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    PrintStream out = System.out;
    QuickStart qs;
    try {
      qs = start(options, out);
    } catch (RuntimeException e) {
      System.err.println("The quick start could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println();
      out.println("Stopping: the consumer writes its last batch, then the broker and the database stop ...");
      qs.close();
      out.println("Loom quick start stopped; its database and broker files are deleted (the unpacked PostgreSQL"
          + " binaries stay in " + options.workDirectory() + " for the next start).");
      stopped.countDown();
    }, "loom-quickstart-shutdown"));
    qs.printWelcome(out);
    while (!stopped.await(5, TimeUnit.SECONDS)) {
      try {
        qs.printProgress(out);
      } catch (RuntimeException e) {
        if (stopped.getCount() > 0) {
          System.err.println("progress report failed: " + e);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "QuickStart[" + (admin == null ? "starting" : adminUri()) + "]";
  }
}
