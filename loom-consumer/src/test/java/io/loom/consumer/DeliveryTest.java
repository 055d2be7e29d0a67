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
import static io.loom.testsupport.Sql.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.admin.RunState;
import io.loom.mapping.TopicMapping;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Exactly-once across crashes and rebalances, and dead-letter topics that cannot be written. */
class DeliveryTest {
  private static HikariDataSource db;

  @BeforeAll
  static void database() {
    db = Fixtures.pool(postgres(), postgres().createDatabase("engine_delivery"));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void crashAndRestart_leaveEveryMessageOnceInATableWithoutKey() throws Exception {
    String topic = kafka().createTopic(kafka().uniqueTopic("crash"), 3);
    sql(db, readingsTable("crash_append", false));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, "crash_append", false)));
    produce(topic, 0, 1000);
    CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
      for (int i = 1000; i < 6000; i += 100) {
        produce(topic, i, i + 100);
      }
    });

    LoomConsumer first = consumer(source, db, "crash-group").maxBatchRows(64).build();
    first.start();
    await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM crash_append") >= 500);
    first.crashForTest();
    long atCrash = count(db, "SELECT count(*) FROM crash_append");
    producing.get();
    assertThat(atCrash).isLessThan(6000);

    try (LoomConsumer second = consumer(source, db, "crash-group").maxBatchRows(64).build()) {
      second.start();
      await().atMost(Fixtures.minutes(2))
          .until(() -> count(db, "SELECT count(*) FROM crash_append") >= 6000 && second.status().partitions().stream()
              .allMatch(p -> p.lag() != null && p.lag() == 0));
      assertThat(count(db, "SELECT count(*) FROM crash_append")).isEqualTo(6000);
      assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM crash_append")).isEqualTo(6000);
      assertThat(count(db, "SELECT count(DISTINCT (device_id, \"timestamp\")) FROM crash_append")).isEqualTo(6000);
    } finally {
      first.close();
    }
  }

  @Test
  void twoConsumersInOneGroup_shareThePartitions_andStoreEveryMessageOnce() throws Exception {
    String topic = kafka().createTopic(kafka().uniqueTopic("shared"), 6);
    sql(db, readingsTable("shared_append", false));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, "shared_append", false)));
    produce(topic, 0, 2000);

    LoomConsumer a = consumer(source, db, "shared-group").maxBatchRows(50).build();
    LoomConsumer b = consumer(source, db, "shared-group").maxBatchRows(50).build();
    try {
      a.start();
      b.start();
      CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
        for (int i = 2000; i < 5000; i += 100) {
          produce(topic, i, i + 100);
        }
      });
      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(a.status().partitions()).isNotEmpty();
        assertThat(b.status().partitions()).isNotEmpty();
        assertThat(a.status().partitions().size() + b.status().partitions().size()).isEqualTo(6);
      });
      producing.get();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM shared_append") >= 5000);

      a.close();
      produce(topic, 5000, 6000);
      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(b.status().partitions()).hasSize(6);
        assertThat(count(db, "SELECT count(*) FROM shared_append")).isGreaterThanOrEqualTo(6000);
      });
      assertThat(count(db, "SELECT count(*) FROM shared_append")).isEqualTo(6000);
      assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM shared_append")).isEqualTo(6000);
      // The status counts a batch once the poll loop has taken in the write's outcome, just after the commit.
      await().atMost(Duration.ofSeconds(30)).untilAsserted(
          () -> assertThat(a.status().rowsTotal() + b.status().rowsTotal()).isEqualTo(6000));
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void unwritableDeadLetterTopic_stopsItsPartitionWithoutLoss_othersGoOn_andItResumesOnceWritable() {
    String topic = kafka().createTopic(kafka().uniqueTopic("dlqdown"), 1);
    String other = kafka().createTopic(kafka().uniqueTopic("dlqother"), 2);
    String deadLetters = kafka().uniqueTopic("missingdlq");
    sql(db, readingsTable("dlq_down", true), readingsTable("dlq_other", false));
    TopicMapping base = readings(topic, "dlq_down", true);
    TopicMapping mapping = new TopicMapping(topic, "dlq_down", base.upsertKey(), base.conflictStrategy(), base.fields(),
        deadLetters, null, null);
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(mapping, readings(other, "dlq_other", false)));
    produce(topic, 0, 5);

    try (LoomConsumer consumer = consumer(source, db, "dlq-down").createDeadLetterTopics(false)
        .deadLetterTimeout(Duration.ofSeconds(1)).build()) {
      consumer.start();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM dlq_down") == 5);

      kafka().produce(record(topic, "k-bad", "not json"));
      produce(topic, 5, 10);
      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(consumer.state()).isEqualTo(RunState.RETRYING);
        assertThat(consumer.status().lastError().message()).contains(deadLetters);
        assertThat(consumer.readiness().up()).isFalse();
      });
      produce(other, 0, 300);
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM dlq_other") == 300);
      assertThat(consumer.state()).isEqualTo(RunState.RETRYING);
      assertThat(count(db, "SELECT count(*) FROM dlq_down")).isEqualTo(5);
      assertThat(count(db, "SELECT next_offset FROM loom_offsets WHERE consumer_group = 'dlq-down' AND topic = '" + topic
          + "'")).isEqualTo(5);

      kafka().createTopic(deadLetters, 1);
      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(count(db, "SELECT count(*) FROM dlq_down")).isEqualTo(10);
        assertThat(consumer.state()).isEqualTo(RunState.RUNNING);
      });
      assertThat(count(db, "SELECT next_offset FROM loom_offsets WHERE consumer_group = 'dlq-down' AND topic = '" + topic
          + "'")).isEqualTo(11);
      assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM dlq_other")).isEqualTo(300);
      List<ConsumerRecord<byte[], byte[]>> dead = kafka().consume(deadLetters, 1, Duration.ofSeconds(30));
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(new String(r.headers().lastHeader("loom.source.offset").value(), StandardCharsets.UTF_8))
            .isEqualTo("5");
      });
    }
  }

  /**
   * A row PostgreSQL refuses (a CHECK violation) whose dead letter cannot be published: the write is
   * rolled back, only that partition stops (its stored offset stays before the row), the topic's other
   * partition and the other topic go on, and once the dead-letter topic exists the partition resumes and
   * the row is dead-lettered once.
   */
  @Test
  void unwritableDeadLetterTopic_forARowTheDatabaseRejects_stopsOnlyItsPartition_andItResumesOnceWritable() {
    String topic = kafka().createTopic(kafka().uniqueTopic("rejectdown"), 2);
    String other = kafka().createTopic(kafka().uniqueTopic("rejectother"), 1);
    String deadLetters = kafka().uniqueTopic("missingrejectdlq");
    sql(db, readingsTable("reject_down", false), readingsTable("reject_other", false));
    TopicMapping base = readings(topic, "reject_down", false);
    TopicMapping mapping = new TopicMapping(topic, "reject_down", base.upsertKey(), base.conflictStrategy(),
        base.fields(), deadLetters, null, null);
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(mapping, readings(other, "reject_other", false)));
    for (int i = 0; i < 10; i++) {
      kafka().produce(toPartition(topic, i % 2, Fixtures.reading(i)));
    }
    String poison = "{\"device_id\":\"dev-poison\",\"timestamp\":\"2026-11-27T11:00:00Z\",\"value\":-1.5}";

    try (LoomConsumer consumer = consumer(source, db, "reject-down").createDeadLetterTopics(false)
        .deadLetterTimeout(Duration.ofSeconds(1)).build()) {
      consumer.start();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM reject_down") == 10);

      // Partition 0: offset 5 is the poison row, 6..10 follow it. Partition 1 goes on.
      kafka().produce(toPartition(topic, 0, poison));
      for (int i = 10; i < 20; i++) {
        kafka().produce(toPartition(topic, 0, Fixtures.reading(i)));
      }
      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(consumer.state()).isEqualTo(RunState.RETRYING);
        assertThat(consumer.status().lastError().message()).contains(deadLetters);
      });
      for (int i = 20; i < 220; i++) {
        kafka().produce(toPartition(topic, 1, Fixtures.reading(i)));
      }
      produce(other, 0, 200);
      await().atMost(Fixtures.minutes(1)).until(
          () -> count(db, "SELECT count(*) FROM reject_down WHERE kafka_partition = 1") == 205
              && count(db, "SELECT count(*) FROM reject_other") == 200);
      assertThat(consumer.state()).isEqualTo(RunState.RETRYING);
      assertThat(count(db, "SELECT count(*) FROM reject_down WHERE kafka_partition = 0")).isEqualTo(5);
      assertThat(storedOffset("reject-down", topic, 0)).isEqualTo(5);
      assertThat(storedOffset("reject-down", topic, 1)).isEqualTo(205);

      kafka().createTopic(deadLetters, 1);
      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(storedOffset("reject-down", topic, 0)).isEqualTo(16);
        assertThat(consumer.state()).isEqualTo(RunState.RUNNING);
      });
      assertThat(count(db, "SELECT count(*) FROM reject_down WHERE kafka_partition = 0")).isEqualTo(15);
      assertThat(count(db, "SELECT count(*) FROM reject_down WHERE value < 0")).isZero();
      assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM reject_down")).isEqualTo(220);
      assertThat(count(db, "SELECT count(*) FROM reject_down")).isEqualTo(220);
      assertThat(endOffset(deadLetters)).isEqualTo(1);
      List<ConsumerRecord<byte[], byte[]>> dead = kafka().consume(deadLetters, 1, Duration.ofSeconds(30));
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(poison);
        assertThat(header(r, "loom.error.kind")).isEqualTo("database_rejected");
        assertThat(header(r, "loom.error.sqlstate")).isEqualTo("23514");
        assertThat(header(r, "loom.source.partition")).isEqualTo("0");
        assertThat(header(r, "loom.source.offset")).isEqualTo("5");
      });
    }
  }

  private static ProducerRecord<byte[], byte[]> toPartition(String topic, int partition, String value) {
    return new ProducerRecord<>(topic, partition, null, value.getBytes(StandardCharsets.UTF_8));
  }

  private static long storedOffset(String group, String topic, int partition) {
    return count(db, "SELECT next_offset FROM loom_offsets WHERE consumer_group = '" + group + "' AND topic = '" + topic
        + "' AND kafka_partition = " + partition);
  }

  private static long endOffset(String topic) {
    try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(kafka().consumerProperties("end-offsets"))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      Map<TopicPartition, Long> ends = reader.endOffsets(List.of(tp), Duration.ofSeconds(30));
      return ends.get(tp);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
