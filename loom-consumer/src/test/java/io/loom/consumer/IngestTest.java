package io.loom.consumer;

import static io.loom.consumer.Fixtures.consumer;
import static io.loom.consumer.Fixtures.kafka;
import static io.loom.consumer.Fixtures.postgres;
import static io.loom.consumer.Fixtures.produce;
import static io.loom.consumer.Fixtures.readings;
import static io.loom.consumer.Fixtures.readingsTable;
import static io.loom.consumer.Fixtures.record;
import static io.loom.consumer.Fixtures.snapshot;
import static io.loom.testsupport.Sql.count;
import static io.loom.testsupport.Sql.rows;
import static io.loom.testsupport.Sql.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.admin.PartitionView;
import io.loom.consumer.admin.RunState;
import io.loom.consumer.admin.StatusView;
import io.loom.consumer.admin.TopicView;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.TopicMapping;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The happy path and the dead-letter path against a real broker and database. */
class IngestTest {
  private static HikariDataSource db;

  @BeforeAll
  static void database() {
    db = Fixtures.pool(postgres(), postgres().createDatabase("engine_ingest"));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void severalTopics_landInTheirTablesExactlyOnce() {
    String gps = kafka().createTopic(kafka().uniqueTopic("gps"), 3);
    String audio = kafka().createTopic(kafka().uniqueTopic("audio"), 2);
    String wifi = kafka().createTopic(kafka().uniqueTopic("wifi"), 1);
    sql(db, readingsTable("gps_keyed", true), readingsTable("audio_append", false), readingsTable("wifi_keyed", true));
    produce(gps, 0, 600);
    produce(audio, 0, 400);
    produce(wifi, 0, 150);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(
        readings(gps, "gps_keyed", true), readings(audio, "audio_append", false), readings(wifi, "wifi_keyed", true)));

    try (LoomConsumer consumer = consumer(source, db, "ingest-several").maxBatchRows(128).meterRegistry(registry).build()) {
      consumer.start();

      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(count(db, "SELECT count(*) FROM gps_keyed")).isEqualTo(600);
        assertThat(count(db, "SELECT count(*) FROM audio_append")).isEqualTo(400);
        assertThat(count(db, "SELECT count(*) FROM wifi_keyed")).isEqualTo(150);
      });
      assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM audio_append")).isEqualTo(400);
      assertThat(rows(db, "SELECT device_id, to_char(\"timestamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'), value"
          + " FROM wifi_keyed WHERE kafka_offset = 7"))
          .containsExactly(List.of("dev-0007", "2026-11-27 10:00:00.007", 7.5));
      assertThat(count(db, "SELECT sum(next_offset) FROM loom_offsets WHERE consumer_group = 'ingest-several'"))
          .isEqualTo(600 + 400 + 150);

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        StatusView status = consumer.status();
        assertThat(status.state()).isEqualTo(RunState.RUNNING);
        assertThat(status.topics()).containsExactlyInAnyOrder(gps, audio, wifi);
        assertThat(status.partitions()).hasSize(6);
        assertThat(status.partitions()).allSatisfy(p -> assertThat(p.lag()).isZero());
        assertThat(status.partitions().stream().mapToLong(PartitionView::committedOffset).sum()).isEqualTo(1150);
        assertThat(status.rowsTotal()).isEqualTo(1150);
        assertThat(status.rowsPerSecond()).isPositive();
        assertThat(status.deadLettersTotal()).isZero();
        assertThat(status.config().source()).isEqualTo("memory:test");
        assertThat(status.config().mappedTopics()).isEqualTo(3);
      });
      assertThat(registry.get("loom.rows.written").tag("table", "gps_keyed").counter().count()).isEqualTo(600);
      assertThat(registry.get("loom.messages.consumed").tag("topic", audio).counter().count()).isEqualTo(400);
      assertThat(registry.get("loom.batch.write").timer().count()).isPositive();
      assertThat(registry.get("loom.partition.lag").tag("topic", wifi).tag("partition", "0").gauge().value()).isZero();
      assertThat(consumer.topics()).extracting(TopicView::topic, TopicView::deadLetterTopic, TopicView::consuming)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(gps, gps + ".dlq", true),
              org.assertj.core.groups.Tuple.tuple(audio, audio + ".dlq", true),
              org.assertj.core.groups.Tuple.tuple(wifi, wifi + ".dlq", true));
    }
  }

  @Test
  void badMessages_goToTheDeadLetterTopicWithTheirReason_goodOnesToTheTable() {
    String topic = kafka().createTopic(kafka().uniqueTopic("bad"), 2);
    sql(db, readingsTable("bad_keyed", true));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, "bad_keyed", true)));
    produce(topic, 0, 10);
    ProducerRecord<byte[], byte[]> malformed = record(topic, "k-malformed", "{\"device_id\": \"dev-x\", ");
    malformed.headers().add("trace-id", "abc-123".getBytes(StandardCharsets.UTF_8));
    kafka().produce(malformed);
    kafka().produce(record(topic, "k-missing", "{\"timestamp\":\"2026-11-27T11:00:00Z\",\"value\":1}"));
    kafka().produce(record(topic, "k-negative",
        "{\"device_id\":\"dev-neg\",\"timestamp\":\"2026-11-27T11:00:00Z\",\"value\":-4}"));
    produce(topic, 10, 20);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (LoomConsumer consumer = consumer(source, db, "ingest-bad").meterRegistry(registry).build()) {
      consumer.start();

      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(count(db, "SELECT count(*) FROM bad_keyed")).isEqualTo(20);
        assertThat(consumer.status().deadLettersTotal()).isEqualTo(3);
      });
      assertThat(count(db, "SELECT count(*) FROM bad_keyed WHERE device_id IN ('dev-x', 'dev-neg')")).isZero();
      String fingerprint = consumer.configuration().fingerprint();

      List<ConsumerRecord<byte[], byte[]>> dead = kafka().consume(topic + ".dlq", 3, Duration.ofSeconds(30));
      assertThat(dead).hasSize(3);
      Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
      dead.forEach(r -> byKey.put(new String(r.key(), StandardCharsets.UTF_8), r));

      ConsumerRecord<byte[], byte[]> m = byKey.get("k-malformed");
      assertThat(new String(m.value(), StandardCharsets.UTF_8)).isEqualTo("{\"device_id\": \"dev-x\", ");
      assertThat(header(m, "trace-id")).isEqualTo("abc-123");
      assertThat(header(m, "loom.error.kind")).isEqualTo("malformed_json");
      assertThat(header(m, "loom.error.reason")).startsWith(topic + "[");
      assertThat(header(m, "loom.source.topic")).isEqualTo(topic);
      assertThat(header(m, "loom.config.fingerprint")).isEqualTo(fingerprint);
      assertThat(header(m, "loom.error.sqlstate")).isNull();

      ConsumerRecord<byte[], byte[]> missing = byKey.get("k-missing");
      assertThat(header(missing, "loom.error.kind")).isEqualTo("missing_required");
      assertThat(header(missing, "loom.error.path")).isEqualTo("device_id");

      ConsumerRecord<byte[], byte[]> negative = byKey.get("k-negative");
      assertThat(header(negative, "loom.error.kind")).isEqualTo("database_rejected");
      assertThat(header(negative, "loom.error.sqlstate")).isEqualTo("23514");
      assertThat(header(negative, "loom.error.reason")).contains("bad_keyed");
      long offset = Long.parseLong(header(negative, "loom.source.offset"));
      int partition = Integer.parseInt(header(negative, "loom.source.partition"));
      List<ConsumerRecord<byte[], byte[]>> source0 = kafka().consume(topic, 23, Duration.ofSeconds(30));
      assertThat(source0).filteredOn(r -> r.partition() == partition && r.offset() == offset)
          .singleElement()
          .satisfies(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("k-negative"));

      assertThat(registry.get("loom.messages.dead_lettered").tags("topic", topic, "kind", "malformed_json")
          .counter().count()).isEqualTo(1);
      assertThat(registry.get("loom.messages.dead_lettered").tags("topic", topic, "kind", "database_rejected")
          .counter().count()).isEqualTo(1);
    }
  }

  @Test
  void mappingsOwnDeadLetterTopic_takesPrecedence() {
    String topic = kafka().createTopic(kafka().uniqueTopic("own"), 1);
    String own = kafka().uniqueTopic("owndead");
    sql(db, "CREATE TABLE own_dead (device_id text)");
    TopicMapping mapping = new TopicMapping(topic, "own_dead", List.of(), ConflictStrategy.IGNORE,
        List.of(FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true)), own, null, null);
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(mapping));
    kafka().produce(topic, "k", "{}");
    kafka().produce(topic, "k", "{\"device_id\":\"a\"}");

    try (LoomConsumer consumer = consumer(source, db, "ingest-own").deadLetterSuffix(".rejected").build()) {
      consumer.start();

      List<ConsumerRecord<byte[], byte[]>> dead = kafka().consume(own, 1, Duration.ofSeconds(30));
      assertThat(header(dead.get(0), "loom.error.kind")).isEqualTo("missing_required");
      await().atMost(Duration.ofSeconds(30)).until(() -> count(db, "SELECT count(*) FROM own_dead") == 1);
      assertThat(consumer.topics()).singleElement().extracting(TopicView::deadLetterTopic).isEqualTo(own);
    }
  }

  @Test
  void partitionsWithoutStoredOffsets_startPerAutoOffsetReset_whateverTheGroupCommittedToKafka() {
    String topic = kafka().createTopic(kafka().uniqueTopic("reset"), 1);
    sql(db, readingsTable("reset_earliest", true), readingsTable("reset_latest", true));
    produce(topic, 0, 10);
    try (KafkaConsumer<byte[], byte[]> other = new KafkaConsumer<>(kafka().consumerProperties("reset-earliest"))) {
      other.assign(List.of(new TopicPartition(topic, 0)));
      other.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(7)));
    }

    try (LoomConsumer earliest = consumer(new Fixtures.MemorySource(snapshot(readings(topic, "reset_earliest", true))),
            db, "reset-earliest").build();
        LoomConsumer latest = consumer(new Fixtures.MemorySource(snapshot(readings(topic, "reset_latest", true))),
            db, "reset-latest").kafkaProperty("auto.offset.reset", "latest").build()) {
      earliest.start();
      latest.start();
      await().atMost(Fixtures.minutes(1)).until(() -> latest.status().partitions().size() == 1
          && latest.status().partitions().get(0).position() != null);
      produce(topic, 10, 15);

      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM reset_earliest") == 15
          && count(db, "SELECT count(*) FROM reset_latest") == 5);
      assertThat(count(db, "SELECT min(kafka_offset) FROM reset_latest")).isEqualTo(10);
    }
  }

  @Test
  void storedOffsets_reachKafkaAsAdvisoryCommits_forLagTools() throws Exception {
    String topic = kafka().createTopic(kafka().uniqueTopic("advisory"), 2);
    sql(db, readingsTable("advisory", false));
    produce(topic, 0, 300);

    try (LoomConsumer consumer = consumer(new Fixtures.MemorySource(snapshot(readings(topic, "advisory", false))),
            db, "advisory-group").maxBatchRows(40).build();
        Admin admin = Admin.create(kafka().adminProperties())) {
      consumer.start();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM advisory") == 300);
      Map<Long, Long> stored = new HashMap<>();
      for (List<Object> row : rows(db, "SELECT kafka_partition, next_offset FROM loom_offsets"
          + " WHERE consumer_group = 'advisory-group' ORDER BY kafka_partition")) {
        stored.put(((Number) row.get(0)).longValue(), ((Number) row.get(1)).longValue());
      }
      assertThat(stored.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(300);

      // With nothing more to read, the last stored offsets still reach Kafka within the commit interval.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets("advisory-group").partitionsToOffsetAndMetadata().get();
        Map<Long, Long> inKafka = new HashMap<>();
        committed.forEach((tp, o) -> inKafka.put((long) tp.partition(), o.offset()));
        assertThat(inKafka).isEqualTo(stored);
      });
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
