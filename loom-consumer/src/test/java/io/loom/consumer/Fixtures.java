package io.loom.consumer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.MappingSource;
import io.loom.mapping.TopicMapping;
import io.loom.testsupport.TestKafka;
import io.loom.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** What the engine's integration tests share: pools, tables, mappings, messages. */
final class Fixtures {
  private Fixtures() {}

  static TestPostgres postgres() {
    return TestPostgres.shared();
  }

  static TestKafka kafka() {
    return TestKafka.shared();
  }

  /** A small pool that gives up on a down database after two seconds. */
  static HikariDataSource pool(TestPostgres postgres, String database) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.jdbcUrl(database));
    config.setUsername(postgres.user());
    config.setPassword(postgres.password());
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(2000);
    config.setValidationTimeout(1000);
    config.setInitializationFailTimeout(-1);
    config.setPoolName("test-" + database);
    return new HikariDataSource(config);
  }

  /** Rows of the readings table a test can count exactly: one per message, with its partition and offset. */
  static String readingsTable(String table, boolean keyed) {
    return "CREATE TABLE " + table + " (device_id text NOT NULL, \"timestamp\" timestamptz NOT NULL,"
        + " value double precision CHECK (value IS NULL OR value >= 0), kafka_partition int NOT NULL,"
        + " kafka_offset bigint NOT NULL" + (keyed ? ", PRIMARY KEY (device_id, \"timestamp\")" : "") + ")";
  }

  /**
   * Statements that create {@code loom_offsets} (as the sink does) and store offset 0 for partitions
   * {@code 0..partitions-1} of {@code topic}, so that a test can lock those rows before a consumer writes.
   */
  static String[] storedOffsets(String group, String topic, int partitions) {
    StringBuilder insert = new StringBuilder("INSERT INTO loom_offsets (consumer_group, topic, kafka_partition,"
        + " next_offset) VALUES");
    for (int p = 0; p < partitions; p++) {
      insert.append(p == 0 ? " " : ", ").append("('").append(group).append("', '").append(topic).append("', ")
          .append(p).append(", 0)");
    }
    return new String[] {io.loom.sink.internal.OffsetStore.CREATE_TABLE, insert.toString()};
  }

  /** {@code device_id}, {@code timestamp} (required), {@code value}, partition and offset. */
  static TopicMapping readings(String topic, String table, boolean keyed) {
    return new TopicMapping(topic, table, keyed ? TopicMapping.DEFAULT_UPSERT_KEY : List.of(),
        ConflictStrategy.IGNORE, List.of(
            FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
            FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP).withRequired(true),
            FieldMapping.of("value", "value", DataType.FLOAT),
            FieldMapping.of("$kafka.partition", "kafka_partition", DataType.INTEGER),
            FieldMapping.of("$kafka.offset", "kafka_offset", DataType.INTEGER)));
  }

  static ConfigSnapshot snapshot(TopicMapping... mappings) {
    return ConfigSnapshot.ofMappings(List.of(mappings));
  }

  /** Message {@code i}: a unique (device, timestamp) pair and a value. */
  static String reading(int i) {
    return String.format(Locale.ROOT, "{\"device_id\":\"dev-%04d\",\"timestamp\":\"2026-11-27T10:%02d:%02d.%03dZ\","
        + "\"value\":%d.5}", i % 100, (i / 60000) % 60, (i / 1000) % 60, i % 1000, i % 50);
  }

  /**
   * Produces messages {@code from .. to-1} with {@link #reading}, keyed by device, and waits for all acks.
   * One request in flight: a fresh topic's first requests may meet a leader not yet in place, and the
   * retries must not reorder or duplicate messages whose count a test checks exactly.
   */
  static void produce(String topic, int from, int to) {
    java.util.Properties props = kafka().producerProperties();
    props.put("max.in.flight.requests.per.connection", "1");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = from; i < to; i++) {
        acks.add(producer.send(record(topic, "dev-" + (i % 100), reading(i))));
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("producing to " + topic + " failed: " + e, e);
    }
  }

  static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
    return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  /** A consumer tuned for tests: short polls, lingers and backoffs. */
  static LoomConsumer.Builder consumer(MappingSource source, DataSource dataSource, String group) {
    return LoomConsumer.builder()
        .mappingSource(source)
        .dataSource(dataSource)
        .bootstrapServers(kafka().bootstrapServers())
        .groupId(group)
        .linger(Duration.ofMillis(50))
        .pollTimeout(Duration.ofMillis(100))
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
        .kafkaProperty("session.timeout.ms", 10_000)
        .kafkaProperty("heartbeat.interval.ms", 1000);
  }

  /** A {@link MappingSource} whose snapshot a test sets; {@link #changed()} notifies the subscribers. */
  static final class MemorySource implements MappingSource {
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile ConfigSnapshot snapshot;
    private volatile RuntimeException failure;

    MemorySource(ConfigSnapshot snapshot) {
      this.snapshot = snapshot;
    }

    void set(ConfigSnapshot snapshot) {
      this.snapshot = snapshot;
      this.failure = null;
    }

    void fail(RuntimeException failure) {
      this.failure = failure;
    }

    void changed() {
      listeners.forEach(Runnable::run);
    }

    @Override
    public ConfigSnapshot load() {
      RuntimeException f = failure;
      if (f != null) {
        throw f;
      }
      return snapshot;
    }

    @Override
    public Subscription subscribe(Runnable listener) {
      listeners.add(listener);
      return () -> listeners.remove(listener);
    }

    @Override
    public String describe() {
      return "memory:test";
    }

    @Override
    public void close() {
      listeners.clear();
    }
  }

  static Duration minutes(int n) {
    return Duration.ofMinutes(n);
  }
}
