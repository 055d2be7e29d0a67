package io.loom.mapping.jdbc;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.MappingSource;
import io.loom.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JdbcMappingSourceReloadTest {
  private static final String TOPIC = "device.sensor.gps.raw";

  @Test
  void transactionOf300Inserts_givesOneNotificationAndOneReload() {
    Db db = database("reload_300_inserts");
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).pollInterval(ofSeconds(60)).build()) {
      source.load();
      AtomicInteger calls = new AtomicInteger();
      source.subscribe(calls::incrementAndGet);
      awaitListening(db);
      long loads = source.status().loads();
      long notifications = source.status().notifications();

      List<String> inserts = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        inserts.add("INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column,"
            + " data_type, field_order) VALUES ('" + TOPIC + "', 'gps', 'data.f" + i + "', 'f" + i + "', 'float', "
            + (i + 2) + ")");
      }
      db.inTransaction(inserts.toArray(String[]::new));

      await().atMost(ofSeconds(10)).until(() -> fieldCount(source) == 302);
      await().during(ofMillis(1500)).atMost(ofSeconds(5)).until(() -> calls.get() == 1);
      assertThat(source.status().loads()).isEqualTo(loads + 1);
      assertThat(source.status().notifications()).isEqualTo(notifications + 1);
      assertThat(source.status().revision()).isEqualTo(db.revision());
    }
  }

  @Test
  void burstOfTransactions_isDebouncedIntoOneReload() {
    Db db = database("reload_burst");
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).debounce(ofMillis(1500))
        .pollInterval(ofSeconds(60)).build()) {
      source.load();
      AtomicInteger calls = new AtomicInteger();
      source.subscribe(calls::incrementAndGet);
      awaitListening(db);
      long loads = source.status().loads();
      long notifications = source.status().notifications();

      String[] updates = new String[20];
      for (int i = 0; i < updates.length; i++) {
        updates[i] = "UPDATE kafka_topics SET retention_days = " + (10 + i) + " WHERE topic_name = '" + TOPIC + "'";
      }
      db.exec(updates);

      await().atMost(ofSeconds(10)).until(() -> source.load().topic(TOPIC).orElseThrow().retentionDays() == 29);
      await().during(ofMillis(1500)).atMost(ofSeconds(5)).until(() -> calls.get() == 1);
      assertThat(source.status().notifications()).isEqualTo(notifications + 20);
      assertThat(source.status().loads()).isEqualTo(loads + 1);
    }
  }

  @Test
  void subscriber_whenCalled_alreadyGetsTheNewSnapshotFromLoad() {
    Db db = database("reload_subscriber_sees_new");
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).debounce(ofMillis(10)).build()) {
      source.load();
      List<Integer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      source.subscribe(() -> seen.add(source.load().topic(TOPIC).orElseThrow().retentionDays()));
      awaitListening(db);

      for (int days = 20; days < 25; days++) {
        db.exec("UPDATE kafka_topics SET retention_days = " + days);
        int expected = days;
        await().atMost(ofSeconds(10)).until(() -> seen.contains(expected));
      }

      assertThat(seen).containsExactly(20, 21, 22, 23, 24);
    }
  }

  @Test
  void changeBeforeListenIsUp_withNothingLoadedYet_isStillNotified() {
    Db db = database("reload_change_before_listen");
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource)
        .listenConnections(() -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return db.dataSource.getConnection();
        })
        .pollInterval(ofSeconds(60))
        .build()) {
      AtomicInteger calls = new AtomicInteger();
      source.subscribe(calls::incrementAndGet);

      db.exec("UPDATE kafka_topics SET retention_days = 17");
      release.countDown();

      await().atMost(ofSeconds(10)).until(() -> calls.get() == 1);
      assertThat(source.load().topic(TOPIC).orElseThrow().retentionDays()).isEqualTo(17);
    }
  }

  @Test
  void load_whileARefreshIsReading_servesThePreviousSnapshot() throws SQLException {
    Db db = database("reload_serves_old");
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).build();
        Connection blocker = db.dataSource.getConnection()) {
      ConfigSnapshot before = source.load();
      awaitListening(db);
      blocker.setAutoCommit(false);
      try (Statement st = blocker.createStatement()) {
        st.execute("LOCK TABLE topic_field_mappings IN ACCESS EXCLUSIVE MODE");
      }

      db.exec("UPDATE kafka_topics SET description = 'changed' WHERE topic_name = '" + TOPIC + "'");
      await().atMost(ofSeconds(10)).until(() -> ((Number) db.value("SELECT count(*) FROM pg_stat_activity"
          + " WHERE datname = current_database() AND wait_event_type = 'Lock'"
          + " AND query LIKE '%FROM topic_field_mappings%'")).longValue() == 1);

      long started = System.nanoTime();
      ConfigSnapshot during = source.load();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(ofMillis(500));
      assertThat(during).isSameAs(before);

      blocker.rollback();
      await().atMost(ofSeconds(10)).until(() -> "changed".equals(source.load().topic(TOPIC).orElseThrow().description()));
    }
  }

  @Test
  void reload_whenTheTablesAreInvalid_throwsAndKeepsServingThePreviousSnapshot() {
    Db db = database("reload_invalid");
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      ConfigSnapshot before = source.load();
      db.exec("UPDATE topic_field_mappings SET data_type = 'strng' WHERE target_column = 'device_id'");

      assertThatThrownBy(source::reload)
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("mappings[" + TOPIC + "].fields[0].data_type: data type 'strng' is unknown");

      assertThat(source.load()).isSameAs(before);
      assertThat(source.status().failedLoads()).isEqualTo(1);
      assertThat(source.status().lastError()).contains("data type 'strng' is unknown");
      assertThat(source.status().fingerprint()).isEqualTo(before.fingerprint());
    }
  }

  @Test
  void backgroundRefresh_whenTheTablesBecomeInvalid_keepsThePreviousSnapshotAndTellsSubscribers() {
    Db db = database("reload_invalid_background");
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).debounce(ofMillis(50)).build()) {
      ConfigSnapshot before = source.load();
      AtomicInteger calls = new AtomicInteger();
      source.subscribe(calls::incrementAndGet);
      awaitListening(db);

      db.exec("UPDATE topic_field_mappings SET data_type = 'strng' WHERE target_column = 'device_id'");
      await().atMost(ofSeconds(10)).until(() -> calls.get() == 1);
      assertThat(source.load()).isSameAs(before);
      assertThat(source.status().failedLoads()).isEqualTo(1);
      assertThatThrownBy(source::reload).isInstanceOf(InvalidConfigurationException.class);

      db.exec("UPDATE topic_field_mappings SET data_type = 'string', is_required = true"
          + " WHERE target_column = 'device_id'");
      await().atMost(ofSeconds(10)).until(() -> calls.get() == 2);
      assertThat(source.load().mapping(TOPIC).orElseThrow().fields().get(0).required()).isTrue();
      assertThat(source.status().lastError()).isNull();
    }
  }

  @Test
  void unsubscribedListener_isNotCalledAgain() {
    Db db = database("reload_unsubscribe");
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).debounce(ofMillis(50)).build()) {
      source.load();
      AtomicInteger kept = new AtomicInteger();
      AtomicInteger dropped = new AtomicInteger();
      source.subscribe(kept::incrementAndGet);
      MappingSource.Subscription subscription = source.subscribe(dropped::incrementAndGet);
      source.subscribe(() -> {
        throw new IllegalStateException("a failing listener does not stop the others");
      });
      awaitListening(db);
      subscription.close();
      subscription.close();

      db.exec("UPDATE kafka_topics SET retention_days = 12");
      await().atMost(ofSeconds(10)).until(() -> kept.get() == 1);
      assertThat(dropped.get()).isZero();
    }
  }

  @Test
  void withoutListen_pollsTheRevision() {
    Db db = database("reload_poll_only");
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).listen(false)
        .pollInterval(ofMillis(200)).build()) {
      source.load();
      assertThat(source.status().watching()).isEqualTo("POLLING");

      db.exec("UPDATE kafka_topics SET retention_days = 14");

      await().atMost(ofSeconds(10)).until(() -> source.load().topic(TOPIC).orElseThrow().retentionDays() == 14);
      assertThat(source.status().notifications()).isZero();
      assertThat(listeners(db)).isZero();
    }
  }

  @Test
  void whenTheListenConnectionCannotBeMade_pollsAndKeepsRetrying() {
    Db db = database("reload_listen_refused");
    AtomicInteger attempts = new AtomicInteger();
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource)
        .listenConnections(() -> {
          attempts.incrementAndGet();
          throw new SQLException("LISTEN is not supported by this pooler", "0A000");
        })
        .pollInterval(ofMillis(200))
        .maxReconnectBackoff(ofMillis(200))
        .build()) {
      source.load();
      await().atMost(ofSeconds(5)).until(() -> source.status().watching().equals("POLLING"));

      db.exec("UPDATE kafka_topics SET retention_days = 15");

      await().atMost(ofSeconds(10)).until(() -> source.load().topic(TOPIC).orElseThrow().retentionDays() == 15);
      await().atMost(ofSeconds(10)).until(() -> attempts.get() >= 3);
    }
  }

  @Test
  void afterADatabaseRestart_listensAgainAndPicksUpChanges() {
    try (TestPostgres postgres = TestPostgres.startNew()) {
      Db db = Db.fresh(postgres, "reload_restart");
      Migrator.migrate(db.dataSource);
      insertBaseConfig(db);
      try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).debounce(ofMillis(50))
          .pollInterval(ofMillis(500)).maxReconnectBackoff(ofMillis(500)).build()) {
        source.load();
        awaitListening(db);
        long notifications = source.status().notifications();

        postgres.restart();

        // The watcher sees its connection die, polls through the outage and LISTENs again.
        awaitListening(db);
        await().atMost(ofSeconds(10)).until(() -> source.status().watching().equals("LISTENING"));
        db.exec("UPDATE kafka_topics SET retention_days = 16");
        await().atMost(ofSeconds(10)).until(() -> source.load().topic(TOPIC).orElseThrow().retentionDays() == 16);
        await().atMost(ofSeconds(10)).until(() -> source.status().notifications() > notifications);
      }
    }
  }

  @Test
  void close_stopsWatchingAndClosesTheListenConnection() {
    Db db = database("reload_close");
    JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).build();
    source.load();
    awaitListening(db);

    source.close();
    source.close();

    await().atMost(ofSeconds(10)).until(() -> listeners(db) == 0);
    assertThat(source.status().watching()).isEqualTo("STOPPED");
    assertThatThrownBy(source::load)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("configuration source " + source.describe() + " is closed");
  }

  private static Db database(String name) {
    Db db = Db.migrated(name);
    insertBaseConfig(db);
    return db;
  }

  private static void insertBaseConfig(Db db) {
    db.exec("INSERT INTO kafka_topics (topic_name) VALUES ('" + TOPIC + "')",
        "INSERT INTO topic_table_configs (topic_name, table_name) VALUES ('" + TOPIC + "', 'gps')",
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type,"
            + " field_order) VALUES ('" + TOPIC + "', 'gps', 'device_id', 'device_id', 'string', 0),"
            + " ('" + TOPIC + "', 'gps', 'timestamp', 'timestamp', 'timestamp', 1)");
  }

  private static int fieldCount(JdbcMappingSource source) {
    return source.load().mapping(TOPIC).orElseThrow().fields().size();
  }

  private static void awaitListening(Db db) {
    await().atMost(ofSeconds(20)).ignoreExceptions().until(() -> listeners(db) == 1);
  }

  private static long listeners(Db db) {
    return ((Number) db.value("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND application_name = 'loom-config-listener'")).longValue();
  }
}
