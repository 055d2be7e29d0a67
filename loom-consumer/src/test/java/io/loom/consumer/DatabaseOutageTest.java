package io.loom.consumer;

import static io.loom.consumer.Fixtures.consumer;
import static io.loom.consumer.Fixtures.kafka;
import static io.loom.consumer.Fixtures.produce;
import static io.loom.consumer.Fixtures.readings;
import static io.loom.consumer.Fixtures.readingsTable;
import static io.loom.consumer.Fixtures.snapshot;
import static io.loom.testsupport.Sql.count;
import static io.loom.testsupport.Sql.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.admin.PartitionView;
import io.loom.consumer.admin.RunState;
import io.loom.sink.SinkOptions;
import io.loom.testsupport.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The database goes away while messages keep coming, and comes back. Uses a private server it can stop. */
class DatabaseOutageTest {
  private static TestPostgres postgres;
  private static HikariDataSource db;

  @BeforeAll
  static void database() {
    postgres = TestPostgres.startNew();
    db = Fixtures.pool(postgres, postgres.createDatabase("engine_outage"));
  }

  @AfterAll
  static void close() {
    db.close();
    postgres.close();
  }

  @Test
  void databaseDownAndBack_pausesRetriesAndResumesWithNothingLostOrDoubled() {
    String topic = kafka().createTopic(kafka().uniqueTopic("outage"), 2);
    sql(db, readingsTable("outage_append", false));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, "outage_append", false)));
    produce(topic, 0, 500);

    try (LoomConsumer consumer = consumer(source, db, "outage-group").maxBatchRows(100)
        .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)).build()) {
      consumer.start();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM outage_append") == 500);

      postgres.stop();
      produce(topic, 500, 1500);
      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(consumer.state()).isEqualTo(RunState.RETRYING);
        assertThat(consumer.readiness().up()).isFalse();
        assertThat(consumer.status().lastError()).isNotNull();
      });
      assertThat(consumer.liveness().up()).isTrue();

      postgres.start();
      await().atMost(Fixtures.minutes(2)).ignoreExceptions().untilAsserted(() -> {
        assertThat(count(db, "SELECT count(*) FROM outage_append")).isEqualTo(1500);
        assertThat(consumer.state()).isEqualTo(RunState.RUNNING);
      });
      assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM outage_append")).isEqualTo(1500);
      assertThat(count(db, "SELECT sum(next_offset) FROM loom_offsets WHERE consumer_group = 'outage-group'"))
          .isEqualTo(1500);
      await().atMost(Duration.ofSeconds(10)).until(() -> consumer.readiness().up());
    }
  }

  /**
   * While writes fail, the partitions are paused: each one's position stays within one batch of its
   * stored offset (the kept batch; the one being filled was dropped and sought back) instead of running
   * through the thousands of messages that arrive meanwhile and holding them in memory. Writes fail
   * fast here (one attempt, a short connection timeout), so the loop polls many times between retries.
   */
  @Test
  void databaseDown_pausesThePartitions_insteadOfReadingAheadThroughTheTopic() {
    String topic = kafka().createTopic(kafka().uniqueTopic("paused"), 2);
    sql(db, readingsTable("paused_append", false));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(topic, "paused_append", false)));
    produce(topic, 0, 200);
    int maxBatchRows = 50;

    try (HikariDataSource failFast = failFastPool();
        LoomConsumer consumer = consumer(source, failFast, "paused-group").maxBatchRows(maxBatchRows)
            .sinkOptions(SinkOptions.builder().maxAttempts(1).build())
            .retryBackoff(Duration.ofMillis(200), Duration.ofMillis(500)).build()) {
      consumer.start();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM paused_append") == 200
          && storedSum(consumer.status().partitions()) == 200);

      postgres.stop();
      try {
        produce(topic, 200, 4200);
        await().atMost(Fixtures.minutes(1)).until(() -> consumer.state() == RunState.RETRYING);
        // Many retry rounds and polls go by (backoff at most 500 ms) while the polls return nothing.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          List<PartitionView> views = consumer.status().partitions();
          assertThat(views).hasSize(2);
          assertThat(storedSum(views)).isEqualTo(200);
          for (PartitionView p : views) {
            assertThat(p.position()).as("position of partition %d", p.partition())
                .isNotNull().isBetween(p.committedOffset(), p.committedOffset() + maxBatchRows);
          }
        });
        assertThat(consumer.state()).isEqualTo(RunState.RETRYING);
      } finally {
        postgres.start();
      }
      await().atMost(Fixtures.minutes(2)).ignoreExceptions().untilAsserted(() -> {
        assertThat(count(db, "SELECT count(*) FROM paused_append")).isEqualTo(4200);
        assertThat(consumer.state()).isEqualTo(RunState.RUNNING);
      });
      assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM paused_append")).isEqualTo(4200);
      assertThat(count(db, "SELECT sum(next_offset) FROM loom_offsets WHERE consumer_group = 'paused-group'"))
          .isEqualTo(4200);
    }
  }

  /** Like the class's pool, but a connection attempt to the stopped server gives up after 250 ms. */
  private static HikariDataSource failFastPool() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.jdbcUrl("engine_outage"));
    config.setUsername(postgres.user());
    config.setPassword(postgres.password());
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(250);
    config.setValidationTimeout(250);
    config.setInitializationFailTimeout(-1);
    config.setPoolName("test-engine-outage-fail-fast");
    return new HikariDataSource(config);
  }

  private static long storedSum(List<PartitionView> views) {
    return views.stream().mapToLong(p -> p.committedOffset() == null ? 0 : p.committedOffset()).sum();
  }
}
