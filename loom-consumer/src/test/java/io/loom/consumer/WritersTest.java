package io.loom.consumer;

import static io.loom.consumer.Fixtures.consumer;
import static io.loom.consumer.Fixtures.kafka;
import static io.loom.consumer.Fixtures.postgres;
import static io.loom.consumer.Fixtures.produce;
import static io.loom.consumer.Fixtures.readings;
import static io.loom.consumer.Fixtures.readingsTable;
import static io.loom.consumer.Fixtures.snapshot;
import static io.loom.testsupport.Sql.count;
import static io.loom.testsupport.Sql.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.admin.PartitionView;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;
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
    sql(db, readingsTable("writers_blocked", false));
    sql(db, Fixtures.storedOffsets("writers-group", topic, 2));
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
  void aBatchLingeringWhileItsLaneWrites_waitsForTheWriteWithoutSpinningThePollLoop() throws Exception {
    String topic = kafka().createTopic(kafka().uniqueTopic("lingering"), 1);
    sql(db, readingsTable("writers_lingering", false));
    sql(db, Fixtures.storedOffsets("lingering-group", topic, 1));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, "writers_lingering", false)));
    CountingClock clock = new CountingClock();

    try (Connection holder = db.getConnection()) {
      holder.setAutoCommit(false);
      try (Statement st = holder.createStatement()) {
        st.execute("SELECT * FROM loom_offsets WHERE consumer_group = 'lingering-group' FOR UPDATE");
      }
      try (LoomConsumer consumer = consumer(source, db, "lingering-group").writers(1).clock(clock).build()) {
        consumer.start();
        produce(topic, 0, 10);
        // The first batch lingers, goes to the writer and waits for the lock in its transaction ...
        await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND wait_event_type = 'Lock'") == 1);
        // ... while the next messages fill the lane's next batch, which lingers behind that write.
        produce(topic, 10, 20);
        await().atMost(Fixtures.minutes(1)).until(() -> {
          PartitionView view = consumer.status().partitions().isEmpty() ? null : consumer.status().partitions().get(0);
          return view != null && view.position() != null && view.position() == 20;
        });

        long before = clock.reads.get();
        Thread.sleep(1000); // a window to measure in, not a wait for a condition
        long reads = clock.reads.get() - before;
        assertThat(count(db, "SELECT count(*) FROM writers_lingering")).isZero();

        holder.rollback();
        await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM writers_lingering") == 20
            && count(db, "SELECT sum(next_offset) FROM loom_offsets WHERE consumer_group = 'lingering-group'") == 20);
        // A turn of the loop reads the clock a few times and polls for up to 20 ms while a write is in
        // flight: a few hundred reads a second. A loop that polls without waiting makes hundreds of thousands.
        assertThat(reads).isLessThan(2000);
      }
    }
    assertThat(count(db, "SELECT count(DISTINCT kafka_offset) FROM writers_lingering")).isEqualTo(20);
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
  void theByteLimit_writesBatchesLongBeforeTheRowLimitOrTheLinger_andKeepsEachOneSmall() {
    String topic = kafka().createTopic(kafka().uniqueTopic("bytes"), 2);
    // Every row records the transaction that wrote it, so the test can see how batches were cut.
    sql(db, "CREATE TABLE bytes_limited (device_id text NOT NULL, \"timestamp\" timestamptz NOT NULL,"
        + " value double precision, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,"
        + " tx bigint NOT NULL DEFAULT txid_current())");
    produce(topic, 0, 300);
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, "bytes_limited", false)));

    // Neither the row limit nor the linger can cut a batch within the test's patience: only the byte limit.
    try (LoomConsumer consumer = consumer(source, db, "bytes-group").maxBatchRows(100_000).maxBatchBytes(4096)
        .linger(Duration.ofMinutes(5)).build()) {
      consumer.start();
      await().atMost(Duration.ofSeconds(45))
          .until(() -> count(db, "SELECT count(*) FROM bytes_limited") >= 250);
    }
    // A message takes more than 96 bytes of the limit (its raw bytes plus overhead), so no batch can hold
    // 4096 / 96 = 42 of them; the batches being written count towards the limit too.
    assertThat(count(db, "SELECT max(n) FROM (SELECT count(*) AS n FROM bytes_limited GROUP BY tx) b"))
        .isPositive().isLessThanOrEqualTo(42);
    assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM bytes_limited"))
        .isEqualTo(count(db, "SELECT count(*) FROM bytes_limited"));
  }

  @Test
  void writers_belowOne_isRefused() {
    assertThatThrownBy(() -> LoomConsumer.builder().writers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("writers was 0 but it must be at least 1");
  }

  /** The system clock, counting how often it is read. */
  private static final class CountingClock extends Clock {
    final AtomicLong reads = new AtomicLong();

    @Override
    public long millis() {
      reads.incrementAndGet();
      return System.currentTimeMillis();
    }

    @Override
    public Instant instant() {
      reads.incrementAndGet();
      return Instant.now();
    }

    @Override
    public ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
