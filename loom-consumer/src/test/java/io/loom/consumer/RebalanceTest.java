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
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.admin.PartitionView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Partitions moving between the members of one group: what moves, and what fences a member that lags behind. */
class RebalanceTest {
  private static HikariDataSource db;

  @BeforeAll
  static void database() {
    db = Fixtures.pool(postgres(), postgres().createDatabase("engine_rebalance"));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  /**
   * Member A's write waits for a lock on its offset row while A is pushed out of the group and member B
   * takes the partition, reads the (still old) stored offset and writes the same messages. A's write
   * commits first (it queued first); B's must then be refused by the stored offset, dropped and resumed
   * from there.
   */
  @Test
  void aWriteStalledWhileItsPartitionsMove_isFencedByTheStoredOffsets_andEveryMessageIsStoredOnce() throws Exception {
    String topic = kafka().createTopic(kafka().uniqueTopic("fenced"), 1);
    String group = "fenced-group";
    sql(db, readingsTable("fenced_append", false));
    sql(db, Fixtures.storedOffsets(group, topic, 1));
    produce(topic, 0, 400);
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, "fenced_append", false)));
    SimpleMeterRegistry metricsA = new SimpleMeterRegistry();
    SimpleMeterRegistry metricsB = new SimpleMeterRegistry();

    try (Connection holder = db.getConnection();
        HikariDataSource dbB = Fixtures.pool(postgres(), "engine_rebalance")) {
      holder.setAutoCommit(false);
      try (Statement st = holder.createStatement()) {
        st.execute("SELECT * FROM loom_offsets WHERE consumer_group = '" + group + "' FOR UPDATE");
      }
      // A stops polling while its write waits (its poll thread waits for it once the next batch is full),
      // so the broker drops it from the group once its poll interval has passed, and B gets the partition.
      LoomConsumer a = consumer(source, db, group).maxBatchRows(50).meterRegistry(metricsA)
          .kafkaProperty("max.poll.interval.ms", 4000).build();
      LoomConsumer b = consumer(source, dbB, group).maxBatchRows(50).meterRegistry(metricsB).build();
      try {
        a.start();
        await().atMost(Fixtures.minutes(1)).until(() -> lockWaiters() >= 1);
        b.start();
        await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
          assertThat(b.status().partitions()).extracting(PartitionView::partition).containsExactly(0);
          // A's write and B's wait for the lock, A's first.
          assertThat(lockWaiters()).isGreaterThanOrEqualTo(2);
        });
        assertThat(count(db, "SELECT count(*) FROM fenced_append")).isZero();

        holder.rollback();
        await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM fenced_append") >= 400
            && count(db, "SELECT sum(next_offset) FROM loom_offsets WHERE consumer_group = '" + group + "'") == 400);
        assertThat(count(db, "SELECT count(*) FROM fenced_append")).isEqualTo(400);
        assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM fenced_append"))
            .isEqualTo(400);
        assertThat(offsetConflicts(metricsA) + offsetConflicts(metricsB)).isPositive();
      } finally {
        a.close();
        b.close();
      }
    }
    assertThat(count(db, "SELECT count(*) FROM fenced_append")).isEqualTo(400);
  }

  /**
   * With an eager assignor the first member would give up all its partitions when the second joins (and
   * drop its lag gauges for all of them); with the cooperative one it gives up only those that move.
   */
  @Test
  void aSecondMemberJoining_takesOnlyThePartitionsThatMove_andTheFirstKeepsTheOthersThroughout() {
    String topic = kafka().createTopic(kafka().uniqueTopic("cooperative"), 6);
    sql(db, readingsTable("cooperative_append", false));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, "cooperative_append", false)));
    produce(topic, 0, 600);
    SimpleMeterRegistry metricsA = new SimpleMeterRegistry();
    Set<Integer> givenUpByA = new ConcurrentSkipListSet<>();
    metricsA.config().onMeterRemoved(meter -> {
      if (meter.getId().getName().equals("loom.partition.lag")) {
        givenUpByA.add(Integer.valueOf(meter.getId().getTag("partition")));
      }
    });

    LoomConsumer a = consumer(source, db, "cooperative-group").meterRegistry(metricsA).build();
    LoomConsumer b = consumer(source, db, "cooperative-group").build();
    try {
      a.start();
      await().atMost(Fixtures.minutes(1)).until(() -> a.status().partitions().size() == 6
          && count(db, "SELECT count(*) FROM cooperative_append") == 600);
      assertThat(givenUpByA).isEmpty();

      b.start();
      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(partitions(a)).hasSize(3);
        assertThat(partitions(b)).hasSize(3);
      });
      Set<Integer> moved = partitions(b);
      Set<Integer> kept = partitions(a);
      assertThat(kept).doesNotContainAnyElementsOf(moved);
      assertThat(givenUpByA).isEqualTo(moved);

      produce(topic, 600, 1200);
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM cooperative_append") >= 1200);
      assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM cooperative_append"))
          .isEqualTo(count(db, "SELECT count(*) FROM cooperative_append")).isEqualTo(1200);
    } finally {
      a.close();
      b.close();
    }
  }

  private static Set<Integer> partitions(LoomConsumer consumer) {
    return consumer.status().partitions().stream().map(PartitionView::partition)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Sessions of the test's database waiting for a lock. */
  private static long lockWaiters() {
    return count(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND wait_event_type = 'Lock'");
  }

  private static double offsetConflicts(MeterRegistry registry) {
    Counter counter = registry.find("loom.batch.failures").tag("reason", "offset_conflict").counter();
    return counter == null ? 0 : counter.count();
  }
}
