package io.loom.consumer;

import io.loom.consumer.admin.AdminBackend;
import io.loom.consumer.admin.ConfigIssue;
import io.loom.consumer.admin.HealthView;
import io.loom.consumer.admin.ReloadResult;
import io.loom.consumer.admin.RunState;
import io.loom.consumer.admin.StatusView;
import io.loom.consumer.admin.TopicView;
import io.loom.consumer.admin.ValidationReport;
import io.loom.consumer.internal.ActiveConfig;
import io.loom.consumer.internal.Backoff;
import io.loom.consumer.internal.ConsumerLoop;
import io.loom.consumer.internal.DeadLetterPublisher;
import io.loom.consumer.internal.EngineMetrics;
import io.loom.consumer.internal.EngineState;
import io.loom.consumer.internal.Route;
import io.loom.consumer.internal.SchemaChecks;
import io.loom.consumer.internal.SchemaCoverage;
import io.loom.consumer.internal.TopicAdmin;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConfigValidator;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import io.loom.mapping.internal.Redaction;
import io.loom.mapping.jdbc.MapperCache;
import io.loom.sink.JdbcSink;
import io.loom.sink.SinkException;
import io.loom.sink.SinkOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves JSON events from Kafka topics into PostgreSQL tables, as a {@link MappingSource} says: the
 * class applications embed. One thread polls the mapped topics, maps each message with the compiled
 * mapper of its topic and writes batches through a {@link JdbcSink}: the rows and the consumed offsets
 * in one transaction, so that after any crash, restart or rebalance every message is in its table
 * exactly once (also in tables without a unique key). Messages that cannot be mapped or stored go to a
 * dead-letter topic with the reason in {@code loom.*} headers: those that failed mapping are published
 * and acknowledged just before the transaction that moves their offsets past them, rows PostgreSQL
 * refuses are published and acknowledged inside that transaction, before it commits. Either way a dead
 * letter is published at least once: if the transaction does not commit, the messages are read again
 * and their dead letters published again.
 *
 * <pre>{@code
 * try (LoomConsumer consumer = LoomConsumer.builder()
 *     .mappingSource(MappingSources.open("yaml:config/topic_mappings.yml"))
 *     .dataSource(dataSource)
 *     .bootstrapServers("localhost:9092")
 *     .groupId("ingest")
 *     .meterRegistry(registry)
 *     .build()) {
 *   consumer.start();
 *   ...
 * }
 * }</pre>
 *
 * <p><b>Delivery.</b> Positions come from the offsets stored in PostgreSQL ({@code loom_offsets}); a
 * partition with no stored offset starts per {@code auto.offset.reset} (default {@code earliest};
 * {@code earliest} and {@code latest} are applied whatever the group committed to Kafka, other policies
 * are left to the Kafka consumer). The stored offsets are also committed to Kafka, asynchronously and
 * for lag tools only: at most once a second, and when partitions are revoked and at shutdown. When the
 * database cannot be written, every partition is paused (the failing lane's batch being filled is dropped,
 * to be read again) and the failed batch is retried with capped exponential backoff while the consumer keeps
 * polling (so it stays in its group); when a dead-letter topic cannot be written, only the partitions
 * whose messages go there stop (retried with backoff) and the others go on. Memory is bounded by {@link
 * Builder#maxBatchBytes} (the service's {@code loom.batch.max-bytes}) across all the batches held: each
 * writer lane holds one batch being filled and one being written.
 *
 * <p><b>Live configuration.</b> {@link #reloadConfig()}, a change notification of the source and the
 * optional periodic poll ({@link Builder#configPollInterval}) load the configuration, validate it,
 * compile it aside and swap it in between two batches; an invalid configuration is refused with its
 * problems (shown by {@link #status()}) and the one in force keeps running. Topics added are
 * subscribed, topics removed are flushed and dropped, without a restart.
 *
 * <p><b>Thread safety.</b> All methods may be called from any thread. {@link #start()} is called once;
 * {@link #stop()} and {@link #close()} are idempotent. The {@link AdminBackend} views answer from state
 * the poll loop publishes and never wait for it.
 */
public final class LoomConsumer implements AdminBackend, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoomConsumer.class);

  /** The group of the seed's deployments. */
  public static final String DEFAULT_GROUP_ID = "generic-kafka-to-db-consumer";

  /** The consumer's {@code max.poll.records} unless a Kafka property sets it. */
  public static final int DEFAULT_MAX_POLL_RECORDS = 5000;

  /** Rejected messages of topic T go to T + this, unless the mapping or the pipeline names another topic. */
  public static final String DEFAULT_DEAD_LETTER_SUFFIX = ".dlq";

  private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final Duration STUCK_AFTER = Duration.ofMinutes(10);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final MappingSource source;
  private final JdbcSink sink;
  private final boolean ownsSink;
  private final Map<String, Object> consumerProperties;
  private final String groupId;
  private final String deadLetterSuffix;
  private final boolean createDeadLetterTopics;
  private final Duration configPollInterval;
  private final Duration shutdownTimeout;
  private final Duration swapTimeout;
  private final Clock clock;
  private final ConsumerLoop.Settings loopSettings;
  private final MapperCache mappers = new MapperCache();
  private final SchemaChecks schemaChecks = new SchemaChecks();
  private final EngineMetrics metrics;
  private final EngineState state;
  private final DeadLetterPublisher deadLetters;
  private final TopicAdmin topicAdmin;
  private final String clientId;

  private final Object lifecycle = new Object();
  private final Object reloadLock = new Object();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicBoolean reloadQueued = new AtomicBoolean();
  private volatile ActiveConfig accepted;
  private volatile StatusView.RefusedReload lastRefused;
  private volatile Instant startedAt;
  private ConsumerLoop loop;
  private Thread thread;
  private ScheduledExecutorService reloader;
  private MappingSource.Subscription subscription;
  private boolean started;
  private boolean stopped;
  private boolean closed;

  private LoomConsumer(Builder b) {
    this.source = b.source;
    this.groupId = b.groupId;
    this.deadLetterSuffix = b.deadLetterSuffix;
    this.createDeadLetterTopics = b.createDeadLetterTopics;
    this.configPollInterval = b.configPollInterval;
    this.shutdownTimeout = b.shutdownTimeout;
    this.clock = b.clock;
    this.clientId = "loom-" + groupId + "-" + INSTANCES.incrementAndGet();
    this.consumerProperties = consumerProperties(b, clientId);
    if (b.sink != null) {
      this.sink = b.sink;
      this.ownsSink = false;
      if (b.sink.options().maxAttempts() == 0) {
        LOG.warn("the sink retries a failed write without limit (maxAttempts 0): while the database is down the poll"
            + " loop cannot call poll() and the consumer may be removed from its group; use a bounded maxAttempts");
      }
    } else {
      this.sink = new JdbcSink(b.dataSource, b.sinkOptions);
      this.ownsSink = true;
    }
    Map<String, Object> clientProps = new HashMap<>(b.kafkaProperties);
    clientProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, consumerProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
    this.deadLetters = new DeadLetterPublisher(clientProps, b.deadLetterTimeout, clientId + "-dead-letters");
    this.topicAdmin = new TopicAdmin(clientProps, b.adminTimeout, clientId + "-admin");
    this.metrics = new EngineMetrics(b.meterRegistry != null ? b.meterRegistry : new SimpleMeterRegistry(), clock);
    this.state = new EngineState(clock);
    this.loopSettings = new ConsumerLoop.Settings(groupId, b.maxBatchRows, b.maxBatchBytes, b.linger, b.pollTimeout,
        new Backoff(b.retryInitialBackoff, b.retryMaxBackoff),
        String.valueOf(consumerProperties.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)), clock, b.writers);
    this.swapTimeout = b.pollTimeout.plus(b.linger).plus(Duration.ofSeconds(60));
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------------------------------------
  // Life cycle

  /**
   * Loads and validates the configuration, checks its tables against the live database ({@link
   * JdbcSink#check}; left out with a warning if the database cannot be reached), creates missing
   * dead-letter topics and starts the poll loop on its own thread; returns once the loop runs.
   *
   * @throws InvalidConfigurationException if the configuration is invalid, listing every problem
   * @throws LoomException if the configuration cannot be read
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("the consumer of group '" + groupId + "' is closed");
      }
      if (started) {
        throw new IllegalStateException("the consumer of group '" + groupId + "' was already started");
      }
      started = true;
    }
    startedAt = clock.instant();
    LOG.info("starting consumer group {} with configuration from {}", groupId, source.describe());
    ActiveConfig initial;
    try {
      ConfigSnapshot snapshot = source.load();
      List<ConfigProblem> problems = ConfigValidator.validate(snapshot);
      if (!problems.isEmpty()) {
        throw new InvalidConfigurationException(source.describe(), problems);
      }
      initial = ActiveConfig.prepare(snapshot, mappers, schemaChecks, deadLetterSuffix, clock.instant());
      List<ConfigProblem> tableProblems = tableProblems(initial, null);
      if (!tableProblems.isEmpty()) {
        throw new InvalidConfigurationException(source.describe(), tableProblems);
      }
    } catch (RuntimeException e) {
      metrics.reload(e instanceof InvalidConfigurationException ? "refused" : "failed");
      state.fatal(e);
      state.runState(RunState.FAILED);
      terminated.countDown();
      throw e;
    }
    accepted = initial;
    metrics.reload("applied");
    ensureDeadLetterTopics(initial, null);
    synchronized (lifecycle) {
      if (stopped) {
        terminated.countDown();
        return;
      }
      loop = new ConsumerLoop(loopSettings, () -> new KafkaConsumer<byte[], byte[]>(consumerProperties), sink,
          deadLetters, metrics, state, initial);
      ConsumerLoop l = loop;
      thread = new Thread(() -> {
        try {
          l.run();
        } finally {
          terminated.countDown();
        }
      }, "loom-consumer-" + groupId);
      thread.setDaemon(true);
      thread.start();
      reloader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loom-config-reload-" + groupId);
        t.setDaemon(true);
        return t;
      });
      subscription = source.subscribe(this::scheduleReload);
      if (!configPollInterval.isZero()) {
        reloader.scheduleWithFixedDelay(() -> reloadQuietly("periodic check", false), configPollInterval.toMillis(),
            configPollInterval.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    LOG.info("consumer group {} started: configuration {} maps {} topics", groupId, initial.fingerprint(),
        initial.topics().size());
  }

  /**
   * Stops gracefully: the poll loop writes the batch in hand (if it cannot, the batch is dropped
   * unwritten and read again on the next start) and closes the Kafka consumer. Waits up to the shutdown
   * timeout. Idempotent; safe before {@link #start()}.
   */
  public void stop() {
    ConsumerLoop l;
    Thread t;
    synchronized (lifecycle) {
      if (stopped) {
        l = null;
        t = null;
      } else {
        stopped = true;
        l = loop;
        t = thread;
        stopReloads();
      }
    }
    if (l == null) {
      if (!started) {
        state.runState(RunState.STOPPED);
        terminated.countDown();
      }
      awaitQuietly(t);
      return;
    }
    LOG.info("stopping consumer group {}", groupId);
    l.stop();
    awaitQuietly(t);
  }

  /** Stops (see {@link #stop()}) and releases the Kafka clients, and the sink if the builder made it. Idempotent. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
    }
    stop();
    deadLetters.close();
    topicAdmin.close();
    if (ownsSink) {
      sink.close();
    }
  }

  /**
   * Blocks until the poll loop has ended: returns normally after {@link #stop()} or {@link #close()}.
   *
   * @throws LoomException carrying the cause if the loop stopped by itself on an error it cannot recover from
   */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
    Throwable fatal = state.fatal();
    if (fatal != null) {
      throw new LoomException("consumer group " + groupId + " stopped on an error: " + fatal.getMessage(), fatal);
    }
  }

  /** Like {@link #awaitTermination()}, waiting at most {@code timeout}; false if the loop still runs. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    if (!terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return false;
    }
    awaitTermination();
    return true;
  }

  /**
   * Simulates a crash (kill -9) for tests: the poll loop ends without writing, flushing or committing
   * anything, abandoning its batch, and closes its consumer without running the rebalance listener.
   */
  void crashForTest() throws InterruptedException {
    ConsumerLoop l;
    Thread t;
    synchronized (lifecycle) {
      stopped = true;
      l = loop;
      t = thread;
      stopReloads();
    }
    if (l != null) {
      l.crash();
    }
    if (t != null) {
      t.join();
    }
  }

  private void stopReloads() {
    if (subscription != null) {
      subscription.close();
    }
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }

  private void awaitQuietly(Thread t) {
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    try {
      t.join(shutdownTimeout.toMillis());
      if (t.isAlive()) {
        LOG.warn("consumer group {} did not stop within {}; its last batch, if any, is not committed and will be read"
            + " again on the next start", groupId, shutdownTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration

  /** The configuration in force, or {@code null} before {@link #start()}. */
  public ConfigSnapshot configuration() {
    ActiveConfig c = shownConfig();
    return c == null ? null : c.snapshot();
  }

  /** The life-cycle state. */
  public RunState state() {
    return state.runState();
  }

  /** The consumer group. */
  public String groupId() {
    return groupId;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Mappings the reload adds or changes are checked against the live database like {@link
   * #validateConfig()} does (the table and columns exist, the upsert key has a unique index); a problem
   * there refuses the reload.
   *
   * <p>Blocks until the new configuration is in force (the poll loop swaps it in at its next batch
   * boundary) or, if the loop is busy retrying a write for longer than about a minute, until it is queued.
   */
  @Override
  public ReloadResult reloadConfig() {
    return reload("reload request", true);
  }

  private void scheduleReload() {
    ScheduledExecutorService r = reloader;
    if (r != null && reloadQueued.compareAndSet(false, true)) {
      try {
        r.execute(() -> {
          reloadQueued.set(false);
          reloadQuietly("change notification", true);
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        reloadQueued.set(false);
      }
    }
  }

  private void reloadQuietly(String trigger, boolean fresh) {
    try {
      reload(trigger, fresh);
    } catch (RuntimeException e) {
      LOG.warn("configuration reload after {} failed: {}", trigger, e.toString());
    }
  }

  /**
   * @param fresh read the source bypassing its cache ({@link MappingSource#reload()}); the periodic check
   *     uses {@link MappingSource#load()}, which a caching source answers from its cache kept fresh by its watcher
   */
  private ReloadResult reload(String trigger, boolean fresh) {
    synchronized (reloadLock) {
      ActiveConfig current = accepted;
      ConfigSnapshot currentSnapshot = current == null ? null : current.snapshot();
      String sourceName = source.describe();
      ConfigSnapshot snapshot;
      try {
        snapshot = fresh ? source.reload() : source.load();
      } catch (InvalidConfigurationException e) {
        return refused(trigger, null, e.problems(), currentSnapshot);
      } catch (RuntimeException e) {
        metrics.reload("failed");
        LOG.warn("configuration reload ({}) could not read {}: {}; configuration {} stays in force", trigger, sourceName,
            Redaction.mask(e.getMessage()), current == null ? "(none)" : current.fingerprint());
        lastRefused = new StatusView.RefusedReload(clock.instant(), null, List.of(new ConfigIssue(null, "source",
            "the configuration cannot be read: " + Redaction.mask(String.valueOf(e.getMessage())))));
        return ReloadResult.failed(sourceName, currentSnapshot, e);
      }
      List<ConfigProblem> problems = ConfigValidator.validate(snapshot);
      if (!problems.isEmpty()) {
        return refused(trigger, snapshot.fingerprint(), problems, currentSnapshot);
      }
      if (current != null && current.fingerprint().equals(snapshot.fingerprint())) {
        lastRefused = null;
        metrics.reload("unchanged");
        LOG.debug("configuration reload ({}): {} is unchanged", trigger, current.fingerprint());
        return ReloadResult.unchanged(sourceName, currentSnapshot);
      }
      ActiveConfig next;
      try {
        next = ActiveConfig.prepare(snapshot, mappers, schemaChecks, deadLetterSuffix, clock.instant());
      } catch (InvalidConfigurationException e) {
        return refused(trigger, snapshot.fingerprint(), e.problems(), currentSnapshot);
      }
      List<ConfigProblem> tableProblems = tableProblems(next, current);
      if (!tableProblems.isEmpty()) {
        return refused(trigger, snapshot.fingerprint(), tableProblems, currentSnapshot);
      }
      ensureDeadLetterTopics(next, current);
      accepted = next;
      lastRefused = null;
      ReloadResult result = ReloadResult.applied(sourceName, currentSnapshot, snapshot);
      ConsumerLoop l;
      synchronized (lifecycle) {
        l = loop;
      }
      if (l != null && l.isRunning()) {
        CompletableFuture<ActiveConfig> swapped = l.requestSwap(next);
        try {
          swapped.get(swapTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          result = new ReloadResult(result.outcome(), result.source(), result.previousFingerprint(), result.fingerprint(),
              result.addedTopics(), result.removedTopics(), List.of(), "configuration " + next.fingerprint()
                  + " accepted; the consumer is busy retrying a write and swaps it in at its next batch boundary");
        } catch (ExecutionException e) {
          LOG.info("configuration {} accepted; the consumer stopped before it was swapped in", next.fingerprint());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      metrics.reload("applied");
      LOG.info("configuration {} applied after {} from {}: {} topics mapped, added {}, removed {}", next.fingerprint(),
          trigger, sourceName, next.topics().size(), result.addedTopics(), result.removedTopics());
      return result;
    }
  }

  /**
   * The live-database problems ({@link JdbcSink#check}) of the mappings that {@code next} adds or changes
   * against {@code previous}: a missing table or column, a type that cannot be written, an upsert key
   * without a unique index. A database that cannot be reached is not a problem of the configuration: the
   * check is left out with a warning, and the writes wait for the database as usual.
   */
  private List<ConfigProblem> tableProblems(ActiveConfig next, ActiveConfig previous) {
    List<ConfigProblem> problems = new ArrayList<>();
    for (Route route : next.routes().values()) {
      Route before = previous == null ? null : previous.route(route.mapping().topic());
      if (before != null && before.mapping().equals(route.mapping())) {
        continue;
      }
      try {
        problems.addAll(sink.check(route.mapping(), route.mapper().columns()));
      } catch (SinkException e) {
        LOG.warn("the tables of configuration {} cannot be checked: {}; its mappings are used unchecked",
            next.fingerprint(), Redaction.mask(e.getMessage()));
        break;
      }
    }
    return problems;
  }

  private ReloadResult refused(String trigger, String fingerprint, List<ConfigProblem> problems, ConfigSnapshot current) {
    metrics.reload("refused");
    StatusView.RefusedReload refusal = new StatusView.RefusedReload(clock.instant(), fingerprint,
        problems.stream().map(ConfigIssue::of).toList());
    StatusView.RefusedReload previous = lastRefused;
    lastRefused = refusal;
    String list = problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
    if (previous != null && previous.problems().equals(refusal.problems())) {
      LOG.debug("configuration from {} still refused after {}", source.describe(), trigger);
    } else {
      LOG.warn("configuration from {} refused after {} ({} problem{}); {} stays in force:\n{}", source.describe(),
          trigger, problems.size(), problems.size() == 1 ? "" : "s",
          current == null ? "no configuration" : "configuration " + current.fingerprint(), list);
    }
    return ReloadResult.refused(source.describe(), current, problems);
  }

  private void ensureDeadLetterTopics(ActiveConfig next, ActiveConfig previous) {
    if (!createDeadLetterTopics) {
      return;
    }
    Set<String> known = new TreeSet<>();
    if (previous != null) {
      previous.routes().values().forEach(r -> known.add(r.deadLetterTopic()));
    }
    Map<String, String> wanted = new LinkedHashMap<>();
    for (Route route : next.routes().values()) {
      if (!known.contains(route.deadLetterTopic())) {
        wanted.putIfAbsent(route.deadLetterTopic(), route.topic());
      }
    }
    topicAdmin.ensureDeadLetterTopics(wanted);
  }

  private ActiveConfig shownConfig() {
    ActiveConfig applied = state.applied();
    return applied != null ? applied : accepted;
  }

  // ---------------------------------------------------------------------------------------------
  // Admin views

  @Override
  public StatusView status() {
    ActiveConfig shown = shownConfig();
    StatusView.ConfigStatus config = new StatusView.ConfigStatus(
        source.describe(),
        shown == null ? null : shown.fingerprint(),
        shown == null ? null : shown.loadedAt(),
        shown == null ? 0 : shown.topics().size(),
        lastRefused);
    return new StatusView(
        state.runState(),
        startedAt,
        groupId,
        List.copyOf(new TreeSet<>(state.subscribed())),
        state.partitions(),
        metrics.rowsTotal(),
        metrics.rowsPerSecond(),
        metrics.deadLettersTotal(),
        state.lastError(),
        config,
        Map.of());
  }

  @Override
  public List<TopicView> topics() {
    ActiveConfig shown = shownConfig();
    if (shown == null) {
      return List.of();
    }
    Set<String> consuming = state.subscribed();
    List<TopicView> views = new ArrayList<>();
    for (String topic : shown.topics()) {
      Route route = shown.route(topic);
      views.add(TopicView.of(route.mapping(), route.deadLetterTopic(), consuming.contains(topic)));
    }
    return views;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Besides the validator's rules, every mapping is compiled and checked against the live database
   * ({@link JdbcSink#check}: the table and columns exist, the types can be written, the upsert key has a
   * unique index). Mapped topics that do not exist on the Kafka cluster are reported as warnings, and so
   * are mappings that disagree with their topic's current JSON Schema (a source path the schema does not
   * describe, a required field the schema does not require).
   */
  @Override
  public ValidationReport validateConfig() {
    String sourceName = source.describe();
    ConfigSnapshot snapshot;
    try {
      snapshot = source.reload();
    } catch (InvalidConfigurationException e) {
      return ValidationReport.of(sourceName, null, e.problems(), List.of());
    } catch (RuntimeException e) {
      return new ValidationReport(false, sourceName, null, List.of(new ConfigIssue(null, "source",
          "the configuration cannot be read: " + Redaction.mask(String.valueOf(e.getMessage())))), List.of());
    }
    List<ConfigProblem> errors = new ArrayList<>(ConfigValidator.validate(snapshot));
    List<ConfigProblem> warnings = new ArrayList<>();
    if (errors.isEmpty()) {
      warnings.addAll(SchemaCoverage.warnings(snapshot));
      Map<String, Route> routes = Map.of();
      try {
        routes = ActiveConfig.prepare(snapshot, mappers, schemaChecks, deadLetterSuffix, clock.instant()).routes();
      } catch (InvalidConfigurationException e) {
        errors.addAll(e.problems());
      }
      for (Route route : routes.values()) {
        try {
          errors.addAll(sink.check(route.mapping(), route.mapper().columns()));
        } catch (SinkException e) {
          errors.add(new ConfigProblem(null, "database", "the database cannot be reached to check the tables: "
              + Redaction.mask(e.getMessage())));
          break;
        }
      }
      try {
        Set<String> existing = topicAdmin.topicNames();
        for (String topic : snapshot.mappedTopics()) {
          if (!existing.contains(topic)) {
            warnings.add(new ConfigProblem(null, "mappings[" + topic + "].topic", "topic '" + topic
                + "' does not exist on the Kafka cluster; it is consumed once it is created"));
          }
        }
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        warnings.add(new ConfigProblem(null, "kafka", "the Kafka cluster cannot be reached to check the topics: "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
      }
    }
    return ValidationReport.of(sourceName, errors.isEmpty() ? snapshot.fingerprint() : null, errors, warnings);
  }

  /** Down when the poll loop died on an error or has not gone round for ten minutes. */
  @Override
  public HealthView liveness() {
    RunState s = state.runState();
    if (s == RunState.FAILED) {
      return HealthView.of(HealthView.Check.failed("consumer", "the poll loop stopped on an error: "
          + (state.lastError() == null ? "unknown" : state.lastError().message())));
    }
    long idleMillis = clock.millis() - state.lastLoopMillis();
    if ((s == RunState.RUNNING || s == RunState.RETRYING) && idleMillis > STUCK_AFTER.toMillis()) {
      return HealthView.of(HealthView.Check.failed("consumer", "the poll loop has not gone round for "
          + Duration.ofMillis(idleMillis).toSeconds() + " s"));
    }
    return HealthView.of(HealthView.Check.ok("consumer", "poll loop " + s));
  }

  /** Up when a configuration is in force, the last database round trip succeeded and the loop runs normally. */
  @Override
  public HealthView readiness() {
    ActiveConfig shown = shownConfig();
    HealthView.Check configuration = shown == null
        ? HealthView.Check.failed("configuration", "no configuration loaded yet")
        : HealthView.Check.ok("configuration", "configuration " + shown.fingerprint() + ", " + shown.topics().size()
            + " topics");
    HealthView.Check database = state.databaseOk()
        ? HealthView.Check.ok("database", state.databaseDetail())
        : HealthView.Check.failed("database", Redaction.mask(state.databaseDetail()));
    RunState s = state.runState();
    HealthView.Check consumer = s == RunState.RUNNING
        ? HealthView.Check.ok("consumer", "running; " + state.partitions().size() + " partitions assigned")
        : HealthView.Check.failed("consumer", s + (state.lastError() == null ? "" : ": " + state.lastError().message()));
    return HealthView.of(configuration, database, consumer);
  }

  @Override
  public String toString() {
    return "LoomConsumer[group=" + groupId + ", source=" + source.describe() + ", state=" + state.runState() + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Builder

  private static Map<String, Object> consumerProperties(Builder b, String clientId) {
    Map<String, Object> props = new HashMap<>();
    b.kafkaProperties.forEach((k, v) -> {
      if (ConsumerConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.put(ConsumerConfig.GROUP_ID_CONFIG, b.groupId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putIfAbsent(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 30_000);
    // Polls of the size of half a batch rather than Kafka's 500: fewer polls per transaction.
    props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, DEFAULT_MAX_POLL_RECORDS);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    Object protocol = props.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    if (protocol == null || "classic".equalsIgnoreCase(protocol.toString())) {
      props.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    }
    if (!props.containsKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("no Kafka bootstrap servers: set bootstrapServers(...) or the Kafka property "
          + ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }
    return Map.copyOf(props);
  }

  /**
   * Configures a {@link LoomConsumer}. Every setter checks its value and names it when it refuses it;
   * {@link #build()} checks that a mapping source, a sink (or data source) and the bootstrap servers are
   * given. Not thread-safe.
   */
  public static final class Builder {
    private static final Set<String> RESERVED = Set.of(
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "key.serializer", "value.serializer");

    private MappingSource source;
    private JdbcSink sink;
    private DataSource dataSource;
    private SinkOptions sinkOptions;
    private final Map<String, Object> kafkaProperties = new LinkedHashMap<>();
    private String groupId = DEFAULT_GROUP_ID;
    private int maxBatchRows = 10_000;
    private int writers = 2;
    private long maxBatchBytes = 32L << 20;
    private Duration linger = Duration.ofMillis(200);
    private Duration pollTimeout = Duration.ofMillis(500);
    private Duration retryInitialBackoff = Duration.ofSeconds(1);
    private Duration retryMaxBackoff = Duration.ofMinutes(1);
    private MeterRegistry meterRegistry;
    private String deadLetterSuffix = DEFAULT_DEAD_LETTER_SUFFIX;
    private boolean createDeadLetterTopics = true;
    private Duration deadLetterTimeout = Duration.ofSeconds(30);
    private Duration adminTimeout = Duration.ofSeconds(15);
    private Duration configPollInterval = Duration.ZERO;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Where the configuration comes from (required). The consumer does not close it. */
    public Builder mappingSource(MappingSource source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * The sink to write through; the consumer does not close it. Give it a bounded {@link
     * SinkOptions#maxAttempts()} so that the poll loop regains control between attempts. Either this or
     * {@link #dataSource(DataSource)}.
     */
    public Builder sink(JdbcSink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * The database to write to; the consumer makes (and closes) a {@link JdbcSink} over it with {@link
     * #sinkOptions}, but does not close the data source. Either this or {@link #sink(JdbcSink)}.
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Options of the sink made from {@link #dataSource}. Default: 3 attempts per write with 200 ms to
     * 2 s backoff between them; the consumer's own backoff ({@link #retryBackoff}) applies between writes.
     */
    public Builder sinkOptions(SinkOptions options) {
      this.sinkOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** The Kafka brokers, {@code host:port[,host:port...]} (required here or as a Kafka property). */
    public Builder bootstrapServers(String servers) {
      if (servers == null || servers.isBlank()) {
        throw new IllegalArgumentException("bootstrapServers was '" + servers + "' but it must name host:port");
      }
      kafkaProperties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
      return this;
    }

    /**
     * A Kafka client property for the consumer, the dead-letter producer and the admin client (each takes
     * the ones it knows): security, SASL, timeouts, {@code auto.offset.reset}, {@code max.poll.records}
     * (default {@value LoomConsumer#DEFAULT_MAX_POLL_RECORDS}).
     *
     * @throws IllegalArgumentException for properties the consumer sets itself (auto commit, deserializers)
     */
    public Builder kafkaProperty(String key, Object value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value of Kafka property " + key);
      if (RESERVED.contains(key)) {
        throw new IllegalArgumentException("Kafka property '" + key + "' is set by Loom itself (offsets are stored in"
            + " the database, payloads are read as raw bytes); remove it");
      }
      if (ConsumerConfig.GROUP_ID_CONFIG.equals(key)) {
        return groupId(value.toString());
      }
      kafkaProperties.put(key, value);
      return this;
    }

    /** Several Kafka client properties; see {@link #kafkaProperty}. */
    public Builder kafkaProperties(Map<String, ?> properties) {
      properties.forEach(this::kafkaProperty);
      return this;
    }

    /** The consumer group, also the key of the stored offsets; default {@value LoomConsumer#DEFAULT_GROUP_ID}. */
    public Builder groupId(String groupId) {
      if (groupId == null || groupId.isBlank()) {
        throw new IllegalArgumentException("groupId was '" + groupId + "' but it must not be blank");
      }
      this.groupId = groupId;
      return this;
    }

    /**
     * How many writers store batches in parallel, each through its own connection of the sink's pool
     * (so at most the pool's size); default 2. Each assigned partition belongs to one writer, which
     * stores its rows and offsets in order, one transaction per batch, while the poll loop reads and maps
     * the next batches.
     */
    public Builder writers(int writers) {
      if (writers < 1) {
        throw new IllegalArgumentException("writers was " + writers + " but it must be at least 1");
      }
      this.writers = writers;
      return this;
    }

    /** A batch (one transaction of one writer) is written once it holds this many rows; default 10,000. */
    public Builder maxBatchRows(int rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("maxBatchRows was " + rows + " but it must be at least 1");
      }
      this.maxBatchRows = rows;
      return this;
    }

    /**
     * The batches are written once the encoded rows plus the raw messages (kept for dead letters) of all
     * batches held, being filled or being written by any writer, reach this many bytes; default 32 MiB.
     * Bounds memory whatever the input rate.
     */
    public Builder maxBatchBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxBatchBytes was " + bytes + " but it must be at least 1024");
      }
      this.maxBatchBytes = bytes;
      return this;
    }

    /** How long a partly filled batch waits for more messages; zero writes after every poll. Default 200 ms. */
    public Builder linger(Duration linger) {
      this.linger = nonNegative("linger", linger);
      return this;
    }

    /** How long one poll waits for messages; default 500 ms. */
    public Builder pollTimeout(Duration timeout) {
      this.pollTimeout = positive("pollTimeout", timeout);
      return this;
    }

    /** The first and the longest wait between retries of a failed write; default 1 s and 1 min. */
    public Builder retryBackoff(Duration initial, Duration max) {
      positive("retryBackoff initial", initial);
      positive("retryBackoff max", max);
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("retryBackoff max was " + max + " but it must be at least the initial " + initial);
      }
      this.retryInitialBackoff = initial;
      this.retryMaxBackoff = max;
      return this;
    }

    /** Where the meters go (see the list on {@code EngineMetrics}); default a private simple registry. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The dead-letter topic of T is T + suffix unless configured otherwise; default {@code .dlq}. */
    public Builder deadLetterSuffix(String suffix) {
      if (suffix == null || !TOPIC_CHARS.matcher(suffix).matches()) {
        throw new IllegalArgumentException("deadLetterSuffix was '" + suffix
            + "' but it must be made of the characters Kafka allows in topic names: a-z A-Z 0-9 . _ -");
      }
      this.deadLetterSuffix = suffix;
      return this;
    }

    /** Whether missing dead-letter topics are created when a configuration is applied; default true. */
    public Builder createDeadLetterTopics(boolean create) {
      this.createDeadLetterTopics = create;
      return this;
    }

    /** How long publishing one batch's dead letters may take before the write is rolled back; default 30 s. */
    public Builder deadLetterTimeout(Duration timeout) {
      this.deadLetterTimeout = positive("deadLetterTimeout", timeout);
      return this;
    }

    /** How long a topic check or creation may take; default 15 s. */
    public Builder adminTimeout(Duration timeout) {
      this.adminTimeout = positive("adminTimeout", timeout);
      return this;
    }

    /** How often the configuration is re-read, in addition to the source's change notifications; zero (default) for never. */
    public Builder configPollInterval(Duration interval) {
      this.configPollInterval = nonNegative("configPollInterval", interval);
      return this;
    }

    /** How long {@link LoomConsumer#stop()} waits for the last batch to be written; default 30 s. */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = positive("shutdownTimeout", timeout);
      return this;
    }

    /** The clock for linger, backoff and status times; default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the consumer; nothing is connected until {@link LoomConsumer#start()}.
     *
     * @throws IllegalStateException if the mapping source or the sink is missing, or both a sink and a data source are given
     * @throws IllegalArgumentException if no bootstrap servers are given
     */
    public LoomConsumer build() {
      if (source == null) {
        throw new IllegalStateException("no mapping source: call mappingSource(...)");
      }
      if (sink == null && dataSource == null) {
        throw new IllegalStateException("no sink: call sink(...) or dataSource(...)");
      }
      if (sink != null && dataSource != null) {
        throw new IllegalStateException("both sink(...) and dataSource(...) were given; give one");
      }
      if (sink != null && sinkOptions != null) {
        throw new IllegalStateException("sinkOptions(...) applies to the sink made from dataSource(...); configure the"
            + " given sink instead");
      }
      if (sinkOptions == null) {
        sinkOptions = SinkOptions.builder()
            .maxAttempts(3)
            .initialBackoff(Duration.ofMillis(200))
            .maxBackoff(Duration.ofSeconds(2))
            .build();
      }
      return new LoomConsumer(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " was " + value + " but it must be positive");
      }
      return value;
    }

    private static Duration nonNegative(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " was " + value + " but it must not be negative");
      }
      return value;
    }
  }
}
