package io.loom.mapping.jdbc;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loom.mapping.jdbc.internal.ChangeWatcher;
import io.loom.mapping.jdbc.internal.ConfigTables;
import io.loom.mapping.jdbc.internal.TableSpec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The change notification of migration V4, table by table and statement by statement: every INSERT,
 * UPDATE, DELETE and TRUNCATE of a configuration table, committed on its own, raises the revision by
 * exactly one and delivers exactly one notification, carrying the new revision, on the channel Loom
 * listens to.
 */
class ConfigChangeNotificationTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static final String GPS = "device.sensor.gps.raw";
  private static final String TEMP = "device.sensor.temp.raw";
  private static final String END_MARKER = "config_notification_test_end";

  enum Operation { INSERT, UPDATE, DELETE, TRUNCATE }

  /** One INSERT and one UPDATE per table, valid against the foreign keys of the rows {@link #seed} writes. */
  private static final Map<String, List<String>> INSERT_AND_UPDATE = Map.of(
      "kafka_topics", List.of(
          "INSERT INTO kafka_topics (topic_name) VALUES ('device.sensor.humidity.raw')",
          "UPDATE kafka_topics SET retention_days = 30"),
      "kafka_topic_schemas", List.of(
          "INSERT INTO kafka_topic_schemas (topic_name, version, schema_json, is_current)"
              + " VALUES ('" + GPS + "', 'v2', '{\"type\": \"object\"}', false)",
          "UPDATE kafka_topic_schemas SET schema_path = 'device/sensor/gps/raw/v1.json'"),
      "pipeline_flows", List.of(
          "INSERT INTO pipeline_flows (flow_name) VALUES ('audio')",
          "UPDATE pipeline_flows SET priority = 'high'"),
      "pipeline_stages", List.of(
          "INSERT INTO pipeline_stages (flow_name, stage_name, stage_order) VALUES ('telemetry', 'store', 2)",
          "UPDATE pipeline_stages SET replicas = 2"),
      "pipeline_stage_topics", List.of(
          "INSERT INTO pipeline_stage_topics (stage_id, topic_name, topic_role)"
              + " SELECT id, '" + TEMP + "', 'output' FROM pipeline_stages WHERE stage_name = 'ingest'",
          "UPDATE pipeline_stage_topics SET topic_role = 'error'"),
      "topic_field_mappings", List.of(
          "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type)"
              + " VALUES ('" + GPS + "', 'gps', 'timestamp', 'timestamp', 'timestamp')",
          "UPDATE topic_field_mappings SET is_required = false"),
      "topic_table_configs", List.of(
          "INSERT INTO topic_table_configs (topic_name, table_name) VALUES ('" + TEMP + "', 'temp')",
          "UPDATE topic_table_configs SET conflict_strategy = 'update'"));

  /** Every configuration table Loom reads, with each of the four statements. */
  static Stream<Arguments> tablesAndOperations() {
    List<String> tables = ConfigTables.INSERT_ORDER.stream().map(TableSpec::table).toList();
    assertThat(tables).containsExactlyInAnyOrderElementsOf(INSERT_AND_UPDATE.keySet());
    return tables.stream().flatMap(t -> Arrays.stream(Operation.values()).map(op -> Arguments.of(t, op)));
  }

  @ParameterizedTest(name = "{1} on {0}")
  @MethodSource("tablesAndOperations")
  void statementOnAConfigurationTable_raisesTheRevisionByOneAndNotifiesOnce(String table, Operation operation)
      throws SQLException {
    Db db = Db.migrated("config_notify_" + DATABASES.incrementAndGet());
    seed(db, table);
    assertThat(count(db, table)).as("rows in %s before the %s", table, operation).isPositive();
    long before = db.revision();

    try (Connection listener = db.dataSource.getConnection()) {
      PGConnection pg = listener.unwrap(PGConnection.class);
      try (Statement st = listener.createStatement()) {
        st.execute("LISTEN " + ChangeWatcher.CHANNEL);
        st.execute("LISTEN " + END_MARKER);
      }
      assertThat(pg.getNotifications()).as("notifications before the %s", operation).isNullOrEmpty();

      int changed = execute(db, statement(table, operation));

      if (operation != Operation.TRUNCATE) {
        assertThat(changed).as("rows the %s changed in %s", operation, table).isPositive();
      }
      if (operation == Operation.DELETE || operation == Operation.TRUNCATE) {
        assertThat(count(db, table)).as("rows in %s after the %s", table, operation).isZero();
      }
      assertThat(db.revision()).as("revision after the %s on %s", operation, table).isEqualTo(before + 1);
      // Notifications arrive in commit order: once the end marker is in, all of the statement's are.
      db.exec("NOTIFY " + END_MARKER);
      List<String> received = new ArrayList<>();
      await().atMost(ofSeconds(10)).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(ofMillis(10))
          .until(() -> {
            PGNotification[] batch = pg.getNotifications(500);
            for (PGNotification n : batch == null ? new PGNotification[0] : batch) {
              received.add(n.getName().equals(END_MARKER) ? END_MARKER : n.getName() + ": " + n.getParameter());
            }
            return received.contains(END_MARKER);
          });
      assertThat(received).containsExactly(ChangeWatcher.CHANNEL + ": " + (before + 1), END_MARKER);
    }
  }

  /**
   * One row in every configuration table (and a second topic without table configuration or stage role),
   * then the triggers of every table but {@code table} disabled: foreign-key cascades (DELETE) and TRUNCATE
   * ... CASCADE reach the referencing tables too, and their triggers must not stand in for a missing one
   * on {@code table}.
   */
  private static void seed(Db db, String table) {
    db.exec(
        "INSERT INTO kafka_topics (topic_name) VALUES ('" + GPS + "'), ('" + TEMP + "')",
        "INSERT INTO kafka_topic_schemas (topic_name, version, schema_json) VALUES ('" + GPS + "', 'v1', '{}')",
        "INSERT INTO pipeline_flows (flow_name) VALUES ('telemetry')",
        "INSERT INTO pipeline_stages (flow_name, stage_name, stage_order) VALUES ('telemetry', 'ingest', 1)",
        "INSERT INTO pipeline_stage_topics (stage_id, topic_name, topic_role)"
            + " SELECT id, '" + GPS + "', 'input' FROM pipeline_stages WHERE stage_name = 'ingest'",
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type,"
            + " is_required) VALUES ('" + GPS + "', 'gps', 'device_id', 'device_id', 'string', true)",
        "INSERT INTO topic_table_configs (topic_name, table_name) VALUES ('" + GPS + "', 'gps')");
    for (String other : INSERT_AND_UPDATE.keySet()) {
      if (!other.equals(table)) {
        db.exec("ALTER TABLE " + other + " DISABLE TRIGGER USER");
      }
    }
  }

  private static String statement(String table, Operation operation) {
    return switch (operation) {
      case INSERT -> INSERT_AND_UPDATE.get(table).get(0);
      case UPDATE -> INSERT_AND_UPDATE.get(table).get(1);
      case DELETE -> "DELETE FROM " + table;
      case TRUNCATE -> "TRUNCATE " + table + " CASCADE";
    };
  }

  /** Runs one statement in its own transaction; the rows it changed. */
  private static int execute(Db db, String sql) throws SQLException {
    try (Connection c = db.dataSource.getConnection(); Statement st = c.createStatement()) {
      return st.executeUpdate(sql);
    }
  }

  private static long count(Db db, String table) {
    return ((Number) db.value("SELECT count(*) FROM " + table)).longValue();
  }
}
