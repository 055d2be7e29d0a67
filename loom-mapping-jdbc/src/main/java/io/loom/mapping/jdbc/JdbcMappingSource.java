package io.loom.mapping.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import io.loom.mapping.jdbc.internal.ChangeWatcher;
import io.loom.mapping.jdbc.internal.ConfigRows;
import io.loom.mapping.jdbc.internal.SnapshotAssembler;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MappingSource} over the seven configuration tables, with a cache kept fresh by change
 * notification.
 *
 * <p><b>Loading.</b> The whole configuration is read with one query per table (plus the revision counter)
 * in one read-only REPEATABLE READ transaction, so it is one consistent state whatever is written
 * meanwhile. Texts the model cannot hold (an unknown {@code data_type}, {@code transformation},
 * {@code timestamp_format}), a field mapping whose {@code table_name} differs from its topic's
 * {@code topic_table_configs} row and field mappings without a table configuration are reported with
 * their row, e.g. {@code topic_field_mappings(id=17, topic_name=device.sensor.gps.raw, target_column=lat)},
 * together with every problem {@link io.loom.mapping.ConfigValidator} finds, located the same way.
 *
 * <p><b>Inactive topics.</b> A topic whose {@code kafka_topics.is_active} is false is not consumed: its
 * mapping is left out of {@link #load()} (its registry entry stays, marked inactive, for lineage). To read
 * everything, for example to export the tables, build the source with
 * {@link Builder#includeInactiveTopics(boolean) includeInactiveTopics(true)}.
 *
 * <p><b>Caching and reload.</b> The loaded snapshot is held in a Caffeine cache. {@link #load()} returns
 * it, reading the tables only the first time. A change to any configuration table (every transaction
 * bumps {@code loom_config_revision} and sends one notification on {@code loom_config_changed}) makes a
 * background thread, after a quiet period ({@link Builder#debounce}, 250 ms), refresh the cache and then
 * tell the {@linkplain #subscribe subscribers}. While a refresh runs, {@link #load()} keeps returning the
 * previous snapshot; if the refresh fails (invalid configuration, database down) the previous snapshot
 * stays, the failure is logged with its problems, and subscribers are told so that they can surface it
 * through {@link #reload()}. {@link #reload()} always reads the tables and throws if that fails, leaving
 * the cache as it was.
 *
 * <p><b>Notifications.</b> LISTEN runs on a dedicated connection, never one of the pool. When that
 * connection cannot be made (database down, a pooler without LISTEN) the revision counter is polled every
 * {@link Builder#pollInterval} (5 s) instead, and the connection is retried with backoff; an outage is
 * logged once when it starts and once when it ends. The poll also catches changes whose notification was
 * lost while the connection was down. Watching starts with the first {@link #load()} or
 * {@link #subscribe}.
 *
 * <p>Thread-safe. {@link #close()} stops the watcher and closes its connection, and closes the data source
 * if the source created it ({@link #open(String, java.util.Map)}); it is idempotent.
 *
 * <pre>{@code
 * try (JdbcMappingSource source = JdbcMappingSource.builder(dataSource).build()) {
 *   ConfigSnapshot snapshot = source.load();
 *   source.subscribe(() -> executor.execute(this::applyNewConfiguration));
 * }
 * }</pre>
 */
public final class JdbcMappingSource implements MappingSource {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcMappingSource.class);
  private static final String KEY = "configuration";

  /** Opens the dedicated LISTEN connection. */
  @FunctionalInterface
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  /**
   * What the source is doing, for {@code /status}.
   *
   * @param watching {@code LISTENING}, {@code POLLING} or {@code STOPPED}
   * @param revision the revision of the served snapshot, or -1 before the first load
   * @param fingerprint the served snapshot's fingerprint, or {@code null} before the first load
   * @param loadedAt when the served snapshot was read, or {@code null}
   * @param loads successful reads of the tables
   * @param failedLoads failed reads (the cache kept its value)
   * @param notifications change notifications received
   * @param lastError the last failure's message, or {@code null}
   */
  public record Status(
      String watching,
      long revision,
      String fingerprint,
      Instant loadedAt,
      long loads,
      long failedLoads,
      long notifications,
      String lastError) {}

  private record Loaded(ConfigSnapshot snapshot, long revision, Instant loadedAt) {}

  private final DataSource dataSource;
  private final AutoCloseable ownedResource;
  private final String description;
  private final boolean includeInactiveTopics;
  private final ConnectionFactory listenConnections;
  private final boolean listen;
  private final Duration debounce;
  private final Duration pollInterval;
  private final Duration maxBackoff;
  private final boolean watch;

  private final ExecutorService refreshExecutor;
  private final Cache<String, Loaded> cache;
  private final CopyOnWriteArrayList<Runnable> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong failedLoads = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final AtomicBoolean watcherStarted = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  /** The revision when watching started, for changes made before anything was loaded; -1 if unknown. */
  private volatile long watchedFromRevision = -1;
  private final Object watcherLock = new Object();
  private volatile ChangeWatcher watcher;
  private volatile List<String> lastInactive = List.of();

  private JdbcMappingSource(Builder b) {
    this.dataSource = b.dataSource;
    this.ownedResource = b.ownedResource;
    this.description = b.description != null ? b.description : describe(b.dataSource);
    this.includeInactiveTopics = b.includeInactiveTopics;
    this.listen = b.listen;
    this.listenConnections = b.listenConnections != null ? b.listenConnections : defaultListenConnections(b.dataSource);
    this.debounce = b.debounce;
    this.pollInterval = b.pollInterval;
    this.maxBackoff = b.maxBackoff;
    this.watch = b.watch;
    this.refreshExecutor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "loom-config-refresh");
      t.setDaemon(true);
      return t;
    });
    this.cache = Caffeine.newBuilder().maximumSize(1).build();
  }

  /** A builder over a data source that the caller owns (and closes after this source). */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * Opens a source on a database URL ({@code postgresql://user:pass@host:5432/db} or
   * {@code jdbc:postgresql://...}) with a small HikariCP pool that the source owns and closes.
   *
   * @param settings see {@link JdbcMappingSourceProvider} for the keys
   * @throws LoomException if the URL or a setting is invalid, naming it
   */
  public static JdbcMappingSource open(String url, java.util.Map<String, String> settings) {
    return JdbcMappingSourceProvider.openSource(url, settings);
  }

  /**
   * The current snapshot. The first call reads the tables (and starts watching for changes); later calls
   * return the cached snapshot, which the watcher keeps fresh.
   *
   * @throws InvalidConfigurationException listing every problem, each with its table row
   * @throws LoomException if the tables cannot be read (database down, schema not migrated)
   */
  @Override
  public ConfigSnapshot load() {
    requireOpen();
    startWatching();
    return cache.get(KEY, key -> readCounted()).snapshot();
  }

  /**
   * Reads the tables now, bypassing the cache, and serves the result from then on.
   *
   * @throws InvalidConfigurationException or {@link LoomException} if that read fails; the cache then keeps
   *     serving its previous snapshot
   */
  @Override
  public ConfigSnapshot reload() {
    requireOpen();
    startWatching();
    Loaded fresh = readCounted();
    store(fresh);
    return fresh.snapshot();
  }

  /**
   * Calls {@code listener} (from a background thread) after each refresh that changed the snapshot or
   * failed. Listeners should only schedule work; one that throws is logged and the others are still called.
   */
  @Override
  public Subscription subscribe(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    requireOpen();
    subscribers.add(listener);
    startWatching();
    return () -> subscribers.remove(listener);
  }

  /** {@code postgresql://app@host:5432/db}, or what {@link Builder#description} set: never a password. */
  @Override
  public String describe() {
    return description;
  }

  /** What the source is doing now. */
  public Status status() {
    Loaded current = cache.getIfPresent(KEY);
    ChangeWatcher w = watcher;
    return new Status(
        w == null ? ChangeWatcher.Mode.STOPPED.name() : w.mode().name(),
        current == null ? -1 : current.revision(),
        current == null ? null : current.snapshot().fingerprint(),
        current == null ? null : current.loadedAt(),
        loads.get(),
        failedLoads.get(),
        w == null ? 0 : w.notifications(),
        lastError.get());
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (watcherLock) {
      if (watcher != null) {
        watcher.close();
      }
    }
    refreshExecutor.shutdownNow();
    subscribers.clear();
    if (ownedResource != null) {
      try {
        ownedResource.close();
      } catch (Exception e) {
        LOG.warn("closing the connection pool of {} failed: {}", description, e.toString());
      }
    }
    LOG.debug("closed configuration source {}", description);
  }

  @Override
  public String toString() {
    return "JdbcMappingSource[" + description + "]";
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("configuration source " + description + " is closed");
    }
  }

  private void startWatching() {
    if (!watch || watcherStarted.get()) {
      return;
    }
    synchronized (watcherLock) {
      if (watcherStarted.get() || closed.get()) {
        return;
      }
      watchedFromRevision = readRevisionQuietly();
      ChangeWatcher.ConnectionFactory factory = listen ? listenConnections::open : null;
      watcher = new ChangeWatcher(factory, dataSource, debounce, debounce.multipliedBy(20), pollInterval, maxBackoff,
          this::loadedRevision, this::refreshInBackground, description);
      watcher.start();
      watcherStarted.set(true);
    }
  }

  /** The revision of the served snapshot or, before one is loaded, the revision when watching started. */
  private long loadedRevision() {
    Loaded current = cache.getIfPresent(KEY);
    return current == null ? watchedFromRevision : current.revision();
  }

  private long readRevisionQuietly() {
    try (Connection c = dataSource.getConnection()) {
      return ConfigRows.readRevision(c);
    } catch (SQLException | RuntimeException e) {
      LOG.debug("cannot read the configuration revision of {} yet: {}", description, e.getMessage());
      return -1;
    }
  }

  /**
   * Called by the watcher: refresh in the background, then tell the subscribers. Requests made while a
   * refresh is queued but not started yet are merged into it; a request made while one runs queues one more,
   * which reads what the running one may have missed.
   */
  private void refreshInBackground() {
    if (closed.get() || !refreshQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      refreshExecutor.execute(() -> {
        refreshQueued.set(false);
        refreshNow();
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      refreshQueued.set(false); // closed meanwhile
    }
  }

  private void refreshNow() {
    if (closed.get()) {
      return;
    }
    Loaded before = cache.getIfPresent(KEY);
    if (before == null) {
      // Nothing loaded yet (or the first load failed): the next load() reads the tables anyway.
      notifySubscribers();
      return;
    }
    try {
      Loaded after = store(readCounted());
      if (!after.snapshot().fingerprint().equals(before.snapshot().fingerprint())) {
        notifySubscribers();
      }
    } catch (InvalidConfigurationException e) {
      LOG.warn("the changed configuration of {} is invalid; keeping revision {} (fingerprint {}):\n{}", description,
          before.revision(), before.snapshot().fingerprint(), e.problems().stream().map(ConfigProblem::toString)
              .map(p -> "  - " + p).collect(Collectors.joining("\n")));
      notifySubscribers();
    } catch (RuntimeException e) {
      LOG.warn("refreshing the configuration of {} failed; keeping revision {} (fingerprint {}): {}", description,
          before.revision(), before.snapshot().fingerprint(), e.getMessage());
      notifySubscribers();
    }
  }

  /** Serves {@code fresh} unless a newer revision is already served; returns what is served. */
  private Loaded store(Loaded fresh) {
    return cache.asMap().merge(KEY, fresh, (old, neu) -> neu.revision() >= old.revision() ? neu : old);
  }

  private void notifySubscribers() {
    for (Runnable listener : subscribers) {
      try {
        listener.run();
      } catch (RuntimeException e) {
        LOG.warn("a configuration change listener of {} failed", description, e);
      }
    }
  }

  private Loaded readCounted() {
    try {
      Loaded loaded = read();
      loads.incrementAndGet();
      lastError.set(null);
      return loaded;
    } catch (RuntimeException e) {
      failedLoads.incrementAndGet();
      lastError.set(e.getMessage());
      throw e;
    }
  }

  private Loaded read() {
    long started = System.nanoTime();
    ConfigRows rows;
    try (Connection c = dataSource.getConnection()) {
      rows = readConsistently(c);
    } catch (SQLException e) {
      throw new LoomException("cannot read the configuration tables of " + description + ": " + Migrator.describe(e)
          + hint(e), e);
    }
    SnapshotAssembler.Result result = SnapshotAssembler.assemble(rows, includeInactiveTopics);
    if (!result.problems().isEmpty()) {
      throw new InvalidConfigurationException(description, result.problems());
    }
    if (!result.inactiveMappings().equals(lastInactive)) {
      lastInactive = result.inactiveMappings();
      if (!lastInactive.isEmpty()) {
        LOG.info("{} mapping(s) of inactive topics are not consumed: {}", lastInactive.size(),
            String.join(", ", lastInactive));
      }
    }
    ConfigSnapshot snapshot = result.snapshot();
    LOG.info("loaded configuration revision {} from {} in {} ms: {} topics, {} mappings, {} field mappings, {} flows"
        + " (fingerprint {})", rows.revision(), description,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), snapshot.topics().size(),
        snapshot.mappings().size(), snapshot.mappings().stream().mapToInt(m -> m.fields().size()).sum(),
        snapshot.flows().size(), snapshot.fingerprint());
    return new Loaded(snapshot, rows.revision(), Instant.now());
  }

  private static ConfigRows readConsistently(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    boolean readOnly = c.isReadOnly();
    int isolation = c.getTransactionIsolation();
    try {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      ConfigRows rows = ConfigRows.read(c, false);
      c.commit();
      return rows;
    } catch (SQLException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      try {
        c.setReadOnly(readOnly);
        c.setTransactionIsolation(isolation);
        c.setAutoCommit(autoCommit);
      } catch (SQLException e) {
        LOG.debug("cannot restore connection settings: {}", e.getMessage());
      }
    }
  }

  private static String hint(SQLException e) {
    String state = e.getSQLState();
    if ("42P01".equals(state) || "42703".equals(state)) {
      return "; the configuration schema is missing or out of date: run Migrator.migrate(dataSource)"
          + " (or open the source with migrate=true)";
    }
    return "";
  }

  private static String describe(DataSource dataSource) {
    if (dataSource instanceof HikariDataSource h && h.getJdbcUrl() != null) {
      return describe(h.getJdbcUrl(), h.getUsername());
    }
    if (dataSource instanceof org.postgresql.ds.common.BaseDataSource pg) {
      return describe(pg.getUrl(), pg.getUser());
    }
    return "jdbc:" + dataSource.getClass().getSimpleName();
  }

  private static String describe(String url, String user) {
    try {
      return DatabaseUrl.parse(url).withCredentials(user, null).describe();
    } catch (LoomException e) {
      String masked = DatabaseUrl.mask(url);
      int q = masked.indexOf('?');
      return q < 0 ? masked : masked.substring(0, q);
    }
  }

  /**
   * A LISTEN connection that does not come out of a pool: a new driver connection for a HikariCP pool
   * configured by URL, the pool's underlying data source if it has one, otherwise a connection of the
   * given data source itself (which, for a non-pooling data source such as pgjdbc's, is a new connection).
   */
  private static ConnectionFactory defaultListenConnections(DataSource dataSource) {
    if (dataSource instanceof HikariDataSource h) {
      if (h.getJdbcUrl() != null) {
        return () -> {
          Properties props = new Properties();
          props.putAll(h.getDataSourceProperties());
          if (h.getUsername() != null) {
            props.setProperty("user", h.getUsername());
          }
          if (h.getPassword() != null) {
            props.setProperty("password", h.getPassword());
          }
          props.putIfAbsent("ApplicationName", "loom-config-listener");
          props.putIfAbsent("tcpKeepAlive", "true");
          props.putIfAbsent("socketTimeout", "60");
          return DriverManager.getConnection(h.getJdbcUrl(), props);
        };
      }
      if (h.getDataSource() != null) {
        DataSource underlying = h.getDataSource();
        return underlying::getConnection;
      }
    }
    return dataSource::getConnection;
  }

  /**
   * Settings of a {@link JdbcMappingSource}. Not thread-safe; build once.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private AutoCloseable ownedResource;
    private String description;
    private boolean includeInactiveTopics;
    private boolean listen = true;
    private boolean watch = true;
    private ConnectionFactory listenConnections;
    private Duration debounce = Duration.ofMillis(250);
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private boolean migrate;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The text {@link JdbcMappingSource#describe()} returns; it must not contain secrets. */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /** Also load mappings of inactive topics (default false: they are not consumed). */
    public Builder includeInactiveTopics(boolean include) {
      this.includeInactiveTopics = include;
      return this;
    }

    /** Whether to LISTEN for notifications (default true); without it the revision is only polled. */
    public Builder listen(boolean listen) {
      this.listen = listen;
      return this;
    }

    /**
     * Whether to watch for changes at all (default true). Without it the snapshot changes only through
     * {@link JdbcMappingSource#reload()}: for one-off reads such as an export.
     */
    public Builder watch(boolean watch) {
      this.watch = watch;
      return this;
    }

    /**
     * How to open the dedicated LISTEN connection. By default: a new driver connection with the settings
     * of a HikariCP pool, or a connection of the data source itself (right for a non-pooling data source;
     * with another pool, that connection is held for the life of the source).
     */
    public Builder listenConnections(ConnectionFactory factory) {
      this.listenConnections = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** The quiet period after a notification before refreshing (default 250 ms). */
    public Builder debounce(Duration debounce) {
      this.debounce = positive("debounce", debounce);
      return this;
    }

    /** How often the revision counter is read (default 5 s). */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive("pollInterval", pollInterval);
      return this;
    }

    /** The longest wait between attempts to re-establish the LISTEN connection (default 30 s). */
    public Builder maxReconnectBackoff(Duration maxBackoff) {
      this.maxBackoff = positive("maxReconnectBackoff", maxBackoff);
      return this;
    }

    /** Run {@link Migrator#migrate} when the source is built (default false). */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /** Something the source closes when it is closed (the pool it was given), or {@code null}. */
    Builder owning(AutoCloseable resource) {
      this.ownedResource = resource;
      return this;
    }

    /**
     * Builds the source; with {@link #migrate(boolean) migrate(true)} the schema is migrated first.
     *
     * @throws LoomException if the migration fails
     */
    public JdbcMappingSource build() {
      if (migrate) {
        Migrator.migrate(dataSource);
      }
      return new JdbcMappingSource(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " was " + value + " but it must be positive");
      }
      return value;
    }
  }
}
