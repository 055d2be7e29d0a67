package io.loom.consumer.internal;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.LoomConsumer;
import io.loom.consumer.admin.HealthView;
import io.loom.consumer.admin.LoomService;
import io.loom.consumer.admin.ReloadResult;
import io.loom.consumer.admin.ServiceContext;
import io.loom.consumer.admin.StatusView;
import io.loom.consumer.admin.TopicView;
import io.loom.consumer.admin.ValidationReport;
import io.loom.consumer.settings.LoomSettings;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import io.loom.mapping.MappingSources;
import io.loom.mapping.jdbc.DatabaseUrl;
import io.loom.mapping.jdbc.JdbcMappingSource;
import io.loom.mapping.jdbc.Migrator;
import io.loom.sink.JdbcSink;
import io.loom.sink.SinkOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone service: one HikariCP pool shared by the configuration source, the sink and the
 * offsets; the YAML or database configuration source as {@code USE_DATABASE_CONFIG} says; and a
 * {@link LoomConsumer} behind the admin views. Design note: {@link #create} only builds (the pool
 * connects lazily); migrations, the first configuration load and the consumer start in {@link #start()},
 * so that the admin API already answers while they run. Thread-safe as {@link LoomService} requires.
 */
public final class EngineService implements LoomService {
  private static final Logger LOG = LoggerFactory.getLogger(EngineService.class);

  private final LoomSettings settings;
  private final DatabaseUrl url;
  private final HikariDataSource pool;
  private final MappingSource source;
  private final JdbcSink sink;
  private final LoomConsumer consumer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EngineService(LoomSettings settings, DatabaseUrl url, HikariDataSource pool, MappingSource source,
      JdbcSink sink, LoomConsumer consumer) {
    this.settings = settings;
    this.url = url;
    this.pool = pool;
    this.source = source;
    this.sink = sink;
    this.consumer = consumer;
  }

  /**
   * Builds the service from its settings; connects to nothing yet.
   *
   * @throws LoomException if a setting cannot be used (no database URL, a malformed URL)
   */
  public static EngineService create(ServiceContext context) {
    LoomSettings settings = context.settings();
    DatabaseUrl url = DatabaseUrl.parse(settings.requireDatabaseUrl("loom run"))
        .withCredentials(settings.databaseUser().orElse(null), settings.databasePassword().orElse(null));
    List<AutoCloseable> created = new ArrayList<>();
    try {
      HikariDataSource pool = url.newPool("loom", settings.databasePoolSize());
      created.add(pool);
      MappingSource source = settings.useDatabaseConfig()
          ? JdbcMappingSource.builder(pool).description(url.describe()).build()
          : MappingSources.open("yaml:" + settings.yamlFile());
      created.add(0, source);
      JdbcSink sink = new JdbcSink(pool, SinkOptions.builder()
          .maxAttempts(3)
          .initialBackoff(Duration.ofMillis(200))
          .maxBackoff(Duration.ofSeconds(2))
          .createMissingTables(settings.createMissingTables())
          .build());
      created.add(0, sink);
      LoomConsumer consumer = LoomConsumer.builder()
          .mappingSource(source)
          .sink(sink)
          .bootstrapServers(String.join(",", settings.kafkaBootstrapServers()))
          .kafkaProperties(settings.kafkaClientProperties())
          .kafkaProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords())
          .groupId(settings.groupId())
          .pollTimeout(settings.pollTimeout())
          .maxBatchRows(settings.batchMaxRows())
          .writers(settings.batchWriters())
          .maxBatchBytes(settings.batchMaxBytes())
          .linger(settings.batchLinger())
          .deadLetterSuffix(settings.deadLetterSuffix())
          .retryBackoff(settings.retryInitialBackoff(), settings.retryMaxBackoff())
          .configPollInterval(settings.configPollInterval())
          .shutdownTimeout(settings.shutdownTimeout())
          .meterRegistry(context.meterRegistry())
          .build();
      return new EngineService(settings, url, pool, source, sink, consumer);
    } catch (RuntimeException e) {
      for (AutoCloseable c : created) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * Migrates Loom's tables if {@code LOOM_DATABASE_AUTO_MIGRATE} is on, then starts the consumer.
   *
   * @throws LoomException if the migration fails or the configuration cannot be loaded or is invalid
   */
  @Override
  public void start() {
    LOG.info("database {}, configuration from {}", url.describe(), source.describe());
    if (settings.autoMigrate()) {
      Migrator.Result result = Migrator.migrate(pool);
      LOG.info("database schema at version {}{}", result.version(),
          result.changed() ? " (" + result.applied().size() + " migration(s) applied)" : "");
    }
    consumer.start();
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    consumer.awaitTermination();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    consumer.close();
    sink.close();
    source.close();
    pool.close();
  }

  @Override
  public StatusView status() {
    StatusView s = consumer.status();
    return new StatusView(s.state(), s.startedAt(), s.groupId(), s.topics(), s.partitions(), s.rowsTotal(),
        s.rowsPerSecond(), s.deadLettersTotal(), s.lastError(), s.config(), settings.describe());
  }

  @Override
  public List<TopicView> topics() {
    return consumer.topics();
  }

  @Override
  public ValidationReport validateConfig() {
    return consumer.validateConfig();
  }

  @Override
  public ReloadResult reloadConfig() {
    return consumer.reloadConfig();
  }

  @Override
  public HealthView liveness() {
    return consumer.liveness();
  }

  @Override
  public HealthView readiness() {
    return consumer.readiness();
  }

  /** The consumer inside, for tests. */
  public LoomConsumer consumer() {
    return consumer;
  }

  @Override
  public String toString() {
    return "EngineService[" + url.describe() + ", " + source.describe() + "]";
  }
}
