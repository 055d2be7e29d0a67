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

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.admin.RunState;
import io.loom.testsupport.TestPostgres;
import java.time.Duration;
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
}
