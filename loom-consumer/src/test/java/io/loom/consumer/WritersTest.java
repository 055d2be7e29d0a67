package io.loom.consumer;

import static io.loom.consumer.Fixtures.consumer;
import static io.loom.consumer.Fixtures.count;
import static io.loom.consumer.Fixtures.kafka;
import static io.loom.consumer.Fixtures.postgres;
import static io.loom.consumer.Fixtures.produce;
import static io.loom.consumer.Fixtures.readings;
import static io.loom.consumer.Fixtures.readingsTable;
import static io.loom.consumer.Fixtures.snapshot;
import static io.loom.consumer.Fixtures.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batches written by several writers in parallel, each owning a share of the partitions. */
class WritersTest {
  private static HikariDataSource db;

  @BeforeAll
  static void database() {
    db = Fixtures.pool(postgres(), postgres().createDatabase("engine_writers"));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void aBlockedWriter_doesNotHoldUpThePartitionsOfTheOther_andNothingIsLostOrDoubled() throws Exception {
    String topic = kafka().createTopic(kafka().uniqueTopic("writers"), 2);
    sql(db, readingsTable("writers_blocked", false),
        "CREATE TABLE IF NOT EXISTS loom_offsets (consumer_group text NOT NULL, topic text NOT NULL,"
            + " kafka_partition integer NOT NULL, next_offset bigint NOT NULL, updated_at timestamptz NOT NULL"
            + " DEFAULT now(), PRIMARY KEY (consumer_group, topic, kafka_partition))",
        "INSERT INTO loom_offsets (consumer_group, topic, kafka_partition, next_offset) VALUES"
            + " ('writers-group', '" + topic + "', 0, 0), ('writers-group', '" + topic + "', 1, 0)");
    produce(topic, 0, 400);
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, "writers_blocked", false)));

    try (Connection holder = db.getConnection()) {
      holder.setAutoCommit(false);
      try (Statement st = holder.createStatement()) {
        // Partition 0's writer waits for this lock in its transaction; partition 1 has its own writer.
        st.execute("SELECT * FROM loom_offsets WHERE consumer_group = 'writers-group' AND kafka_partition = 0"
            + " FOR UPDATE");
      }
      try (LoomConsumer consumer = consumer(source, db, "writers-group").writers(2).maxBatchRows(50).build()) {
        consumer.start();
        await().atMost(Fixtures.minutes(1)).until(
            () -> count(db, "SELECT count(*) FROM writers_blocked WHERE kafka_partition = 1") > 0);
        assertThat(count(db, "SELECT count(*) FROM writers_blocked WHERE kafka_partition = 0")).isZero();

        holder.rollback();
        await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM writers_blocked") == 400
            && count(db, "SELECT sum(next_offset) FROM loom_offsets WHERE consumer_group = 'writers-group'") == 400);
        assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM writers_blocked"))
            .isEqualTo(400);
        assertThat(count(db, "SELECT count(*) FROM writers_blocked WHERE kafka_partition = 0")).isPositive();
      }
    }
  }

  @Test
  void oneWriter_andMoreWritersThanPartitions_storeEveryMessageOnce() {
    for (int writers : new int[] {1, 4}) {
      String topic = kafka().createTopic(kafka().uniqueTopic("writers" + writers), 3);
      String table = "writers_" + writers;
      sql(db, readingsTable(table, true));
      produce(topic, 0, 1000);
      Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, table, true)));
      String group = "writers-" + writers;
      try (LoomConsumer consumer = consumer(source, db, group).writers(writers).maxBatchRows(64).build()) {
        consumer.start();
        await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM " + table) == 1000
            && count(db, "SELECT sum(next_offset) FROM loom_offsets WHERE consumer_group = '" + group + "'") == 1000);
        produce(topic, 1000, 1500);
        await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM " + table) == 1500
            && count(db, "SELECT sum(next_offset) FROM loom_offsets WHERE consumer_group = '" + group + "'") == 1500);
      }
      assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM " + table)).isEqualTo(1500);
    }
  }

  @Test
  void writers_belowOne_isRefused() {
    assertThatThrownBy(() -> LoomConsumer.builder().writers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("writers was 0 but it must be at least 1");
  }
}
