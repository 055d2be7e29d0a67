package io.loom.mapping.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import io.loom.mapping.MappingSources;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class JdbcMappingSourceLoadTest {

  @Test
  void load_readsEveryColumnIntoTheModel() {
    Db db = Db.migrated("load_every_field");
    db.exec(
        "INSERT INTO kafka_topics (topic_name, category, source, datatype, stage, description, retention_days,"
            + " partitions, replication_factor, compression_type, is_active) VALUES"
            + " ('device.sensor.gps.raw', 'device', 'sensor', 'gps', NULL, 'GPS fixes', 30, 6, 2, 'zstd', true),"
            + " ('device.sensor.gps.clean', 'device', 'sensor', 'gps', 'clean', 'Cleaned fixes', 7, 3, 1, 'lz4', true)",
        "INSERT INTO kafka_topics (topic_name) VALUES ('device.sensor.gps.errors')",
        "INSERT INTO kafka_topic_schemas (topic_name, version, schema_json, schema_path, is_current) VALUES"
            + " ('device.sensor.gps.raw', 'v10', '{\"type\": \"object\", \"title\": \"ten\"}', NULL, false),"
            + " ('device.sensor.gps.raw', 'v2', '{\"type\": \"object\", \"required\": [\"device_id\"]}',"
            + " 'schemas/gps/v2.json', true),"
            + " ('device.sensor.gps.raw', 'v1', '{\"type\": \"object\"}', 'schemas/gps/v1.json', false)",
        "INSERT INTO pipeline_flows (flow_name, description, priority, expected_events_per_second,"
            + " average_event_size_bytes, peak_multiplier, is_active) VALUES"
            + " ('gps-enrichment', 'Cleans GPS fixes', 'critical', 1000, 512, 5, false)",
        "INSERT INTO pipeline_stages (flow_name, stage_name, stage_order, service_name, service_image, replicas,"
            + " configuration, processing_timeout_seconds, retry_max_attempts, retry_backoff_seconds, sla_seconds,"
            + " error_rate_threshold) VALUES"
            + " ('gps-enrichment', 'archive', 2, NULL, NULL, 1, NULL, NULL, 3, 1, NULL, NULL),"
            + " ('gps-enrichment', 'clean', 1, 'gps-cleaner', 'loom/gps-cleaner:1.2', 3,"
            + " '{\"max_speed_kmh\": 300, \"drop\": [\"zero\"]}', 30, 5, 2, 10, 0.01)",
        "INSERT INTO pipeline_stage_topics (stage_id, topic_name, topic_role)"
            + " SELECT id, 'device.sensor.gps.errors', 'error' FROM pipeline_stages WHERE stage_name = 'clean'"
            + " UNION ALL SELECT id, 'device.sensor.gps.raw', 'input' FROM pipeline_stages WHERE stage_name = 'clean'"
            + " UNION ALL SELECT id, 'device.sensor.gps.clean', 'output' FROM pipeline_stages WHERE stage_name = 'clean'"
            + " UNION ALL SELECT id, 'device.sensor.gps.clean', 'input' FROM pipeline_stages WHERE stage_name = 'archive'",
        "INSERT INTO topic_table_configs (topic_name, table_name, upsert_key, conflict_strategy, dead_letter_topic,"
            + " validate_schema, schema_version_field, schema_version_header, hypertable_time_column,"
            + " hypertable_chunk_interval) VALUES"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'device_id, timestamp', 'update', 'device.sensor.gps.dlq',"
            + " true, 'schema_version', 'x-schema', 'timestamp', '1 day'),"
            + " ('device.sensor.gps.clean', 'gps_clean', '', 'ignore', NULL, false, NULL, NULL, NULL, NULL)",
        // Inserted out of order: field_order decides the column order.
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type,"
            + " transformation, is_required, default_value, timestamp_format, field_order) VALUES"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', '$kafka.header.trace-id', 'trace_id', 'string', NULL, false, NULL, NULL, 12),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'data.latitude', 'lat', 'float', NULL, false, NULL, NULL, 2),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'device_id', 'device_id', 'string', NULL, true, NULL, NULL, 0),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'timestamp', 'timestamp', 'timestamp', 'timestamp_parse', true, NULL, 'epoch_millis', 1),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'data.longitude', 'lon', 'float', NULL, false, '0.0', NULL, 3),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'data.accuracy', 'accuracy', 'integer', NULL, false, '5', NULL, 4),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'data.moving', 'moving', 'boolean', NULL, false, 'false', NULL, 5),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'data.tags', 'tags', 'array', NULL, false, NULL, NULL, 6),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'data.samples', 'samples', 'float_array', NULL, false, '[1, 2.5]', NULL, 7),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'data.raw', 'raw', 'json', 'json_stringify', false, NULL, NULL, 8),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'data.blob', 'blob', 'string', 'base64_decode', false, NULL, NULL, 9),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', 'data.items[*].x', 'item_x', 'float', NULL, false, NULL, NULL, 10),"
            + " ('device.sensor.gps.raw', 'telemetry.gps_raw', '$kafka.offset', 'kafka_offset', 'integer', NULL, false, NULL, NULL, 11),"
            + " ('device.sensor.gps.clean', 'gps_clean', 'device_id', 'device_id', 'STRING', '', false, NULL, NULL, NULL),"
            + " ('device.sensor.gps.clean', 'gps_clean', '$kafka.timestamp', 'ts', 'timestamp', NULL, false, NULL, 'iso_8601', NULL)");

    ConfigSnapshot loaded;
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      loaded = source.load();
    }

    ConfigSnapshot expected = TestConfigs.full();
    assertThat(loaded.topics()).isEqualTo(expected.topics());
    assertThat(loaded.schemas()).isEqualTo(expected.schemas());
    assertThat(loaded.mappings()).isEqualTo(expected.mappings());
    assertThat(loaded.flows()).isEqualTo(expected.flows());
    assertThat(loaded).isEqualTo(expected);
    assertThat(loaded.fingerprint()).isEqualTo(expected.fingerprint());
  }

  @Test
  void load_leavesOutMappingsOfInactiveTopicsUnlessAskedFor() {
    Db db = Db.migrated("load_inactive");
    db.exec("INSERT INTO kafka_topics (topic_name, is_active) VALUES ('device.audio.raw', true),"
            + " ('device.legacy.gps.raw', false)",
        "INSERT INTO topic_table_configs (topic_name, table_name, upsert_key) VALUES"
            + " ('device.audio.raw', 'audio', ''), ('device.legacy.gps.raw', 'legacy_gps', '')",
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column) VALUES"
            + " ('device.audio.raw', 'audio', 'chunk', 'chunk'), ('device.legacy.gps.raw', 'legacy_gps', 'lat', 'lat'),"
            // An inactive topic is not checked: it is not consumed.
            + " ('device.legacy.gps.raw', 'legacy_gps', 'lon', 'lon')",
        "UPDATE topic_field_mappings SET data_type = 'strng' WHERE target_column = 'lon'");

    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      ConfigSnapshot snapshot = source.load();
      assertThat(snapshot.mappedTopics()).containsExactly("device.audio.raw");
      assertThat(snapshot.topic("device.legacy.gps.raw").orElseThrow().active()).isFalse();
    }
    try (JdbcMappingSource all = JdbcMappingSource.builder(db.dataSource).watch(false).includeInactiveTopics(true)
        .build()) {
      assertThatThrownBy(all::load).isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("mappings[device.legacy.gps.raw].fields[1].data_type: data type 'strng' is unknown");
      db.exec("UPDATE topic_field_mappings SET data_type = 'float' WHERE target_column = 'lon'");
      assertThat(all.reload().mappedTopics()).containsExactly("device.audio.raw", "device.legacy.gps.raw");
    }
  }

  @Test
  void load_reportsEveryProblemAtItsRow() {
    Db db = Db.migrated("load_problems");
    db.exec(
        "INSERT INTO kafka_topics (topic_name) VALUES ('device.sensor.gps.raw'), ('device.audio.raw'),"
            + " ('device.orphan.fields.raw')",
        "INSERT INTO topic_table_configs (topic_name, table_name, upsert_key, hypertable_chunk_interval) VALUES"
            + " ('device.sensor.gps.raw', 'gps', 'device_id, ts', NULL),"
            + " ('device.audio.raw', 'audio', '', '1 day')",
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type,"
            + " transformation, default_value, timestamp_format, field_order) VALUES"
            + " ('device.sensor.gps.raw', 'gps', 'device_id', 'device_id', 'string', NULL, NULL, NULL, 0),"
            + " ('device.sensor.gps.raw', 'gps', 'data.latitude', 'lat', 'strng', NULL, NULL, NULL, 1),"
            + " ('device.sensor.gps.raw', 'gps', 'data.speed', 'speed', 'float', 'rot13', NULL, NULL, 2),"
            + " ('device.sensor.gps.raw', 'gps', 'data.time', 'time', 'timestamp', NULL, NULL, 'epoch_nanos', 3),"
            + " ('device.sensor.gps.raw', 'gps_old', 'data.alt', 'alt', 'integer', NULL, 'high', NULL, 4),"
            + " ('device.audio.raw', 'audio', 'chunk', 'chunk', 'string', NULL, NULL, NULL, 0),"
            + " ('device.audio.raw', 'audio', 'data.chunk', 'chunk', 'string', NULL, NULL, NULL, 1),"
            + " ('device.orphan.fields.raw', 'orphans', 'x', 'x', 'string', NULL, NULL, NULL, 0)");
    String gpsRow = "topic_field_mappings(id=%d, topic_name=device.sensor.gps.raw, target_column=%s)";
    long latId = id(db, "lat");

    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      assertThatThrownBy(source::load)
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage("invalid configuration from " + source.describe() + " (9 problems):\n"
              + "  - topic_table_configs(topic_name=device.audio.raw): mappings[device.audio.raw].hypertable.chunk_interval:"
              + " hypertable_chunk_interval '1 day' is set but hypertable_time_column is empty; set the time column too,"
              + " or clear the interval\n"
              + "  - " + gpsRow.formatted(latId, "lat") + ": mappings[device.sensor.gps.raw].fields[1].data_type:"
              + " data type 'strng' is unknown; expected one of string, integer, float, boolean, timestamp, array,"
              + " float_array, json\n"
              + "  - " + gpsRow.formatted(id(db, "speed"), "speed") + ": mappings[device.sensor.gps.raw].fields[2]"
              + ".transformation: transformation 'rot13' is unknown; expected one of base64_decode, timestamp_parse,"
              + " json_stringify\n"
              + "  - " + gpsRow.formatted(id(db, "time"), "time") + ": mappings[device.sensor.gps.raw].fields[3]"
              + ".timestamp_format: timestamp format 'epoch_nanos' is unknown; expected one of auto, iso_8601,"
              + " epoch_seconds, epoch_millis, epoch_micros\n"
              + "  - " + gpsRow.formatted(id(db, "alt"), "alt") + ": mappings[device.sensor.gps.raw].fields[4]"
              + ".table_name: table_name 'gps_old' differs from table_name 'gps' of"
              + " topic_table_configs(topic_name=device.sensor.gps.raw); every field mapping of a topic must name its"
              + " topic's table\n"
              + "  - topic_field_mappings(topic_name=device.orphan.fields.raw): mappings[device.orphan.fields.raw]:"
              + " topic 'device.orphan.fields.raw' has 1 field mapping(s) (table 'orphans') but no topic_table_configs"
              + " row; add one naming its table, upsert key and conflict strategy, or delete the field mappings\n"
              + "  - topic_field_mappings(id=" + id(db, "data.chunk", "source_field_path") + ", topic_name=device.audio.raw,"
              + " target_column=chunk): mappings[device.audio.raw].fields[1].target_column: column 'chunk' is mapped"
              + " more than once\n"
              + "  - " + gpsRow.formatted(id(db, "alt"), "alt") + ": mappings[device.sensor.gps.raw].fields[4]"
              + ".default_value: default value 'high' does not fit type integer: expected a whole number between"
              + " -9223372036854775808 and 9223372036854775807\n"
              + "  - topic_table_configs(topic_name=device.sensor.gps.raw): mappings[device.sensor.gps.raw].upsert_key:"
              + " upsert key column 'ts' is not mapped by any field; mapped columns are alt, device_id, lat, speed,"
              + " time");
    }
  }

  @Test
  void load_issuesOneQueryPerTableWhateverTheNumberOfTopics() {
    Db db = Db.migrated("load_query_count");
    AtomicInteger statements = new AtomicInteger();
    DataSource counting = countingStatements(db.dataSource, statements);
    try (JdbcMappingSource source = JdbcMappingSource.builder(counting).watch(false).build()) {
      insertTopics(db, 0, 2);
      source.reload();
      int few = statements.getAndSet(0);
      insertTopics(db, 2, 60);
      assertThat(source.reload().mappings()).hasSize(60);
      int many = statements.get();

      assertThat(few).isEqualTo(8);
      assertThat(many).isEqualTo(few);
    }
  }

  @Test
  void load_unmigratedDatabase_saysHowToMigrate() {
    Db db = Db.fresh("load_unmigrated");
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      assertThatThrownBy(source::load)
          .isInstanceOf(LoomException.class)
          .hasMessageStartingWith("cannot read the configuration tables of " + source.describe() + ": ERROR: relation"
              + " \"loom_config_revision\" does not exist")
          .hasMessageEndingWith("(SQLSTATE 42P01); the configuration schema is missing or out of date: run"
              + " Migrator.migrate(dataSource) (or open the source with migrate=true)");
    }
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).migrate(true).build()) {
      assertThat(source.load()).isEqualTo(ConfigSnapshot.empty());
    }
  }

  @Test
  void describe_namesTheDatabaseWithoutThePassword() {
    Db db = Db.migrated("load_describe");
    PGSimpleDataSource withSecret = db.postgres.dataSource("load_describe");
    withSecret.setUser("app");
    withSecret.setPassword("s3cret-pw");
    try (JdbcMappingSource source = JdbcMappingSource.builder(withSecret).watch(false).build()) {
      assertThat(source.describe()).isEqualTo("postgresql://app@127.0.0.1:" + db.postgres.port() + "/load_describe");
      assertThat(source.toString()).isEqualTo("JdbcMappingSource[" + source.describe() + "]");
      assertThatThrownBy(source::load).hasMessageNotContaining("s3cret-pw");
      assertThat(source.status().lastError()).contains("password authentication failed").doesNotContain("s3cret-pw");
    }
  }

  @Test
  void mappingSources_opensPostgresqlAndJdbcUrls() {
    Db db = Db.migrated("load_provider");
    db.exec("INSERT INTO kafka_topics (topic_name) VALUES ('device.audio.raw')",
        "INSERT INTO topic_table_configs (topic_name, table_name, upsert_key) VALUES ('device.audio.raw', 'audio', '')",
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column)"
            + " VALUES ('device.audio.raw', 'audio', 'chunk', 'chunk')");
    String hostPort = "127.0.0.1:" + db.postgres.port();

    try (MappingSource source = MappingSources.open(db.postgres.postgresqlUrl("load_provider"), Map.of("watch", "false"))) {
      assertThat(source).isInstanceOf(JdbcMappingSource.class);
      assertThat(source.describe()).isEqualTo("postgresql://postgres@" + hostPort + "/load_provider");
      assertThat(source.load().mappedTopics()).containsExactly("device.audio.raw");
    }
    try (MappingSource source = MappingSources.open(db.postgres.jdbcUrl("load_provider"), Map.of("listen", "false"))) {
      assertThat(source.describe()).isEqualTo("postgresql://postgres@" + hostPort + "/load_provider");
      assertThat(source.load().mappedTopics()).containsExactly("device.audio.raw");
    }
    try (MappingSource source = MappingSources.open("jdbc:postgresql://" + hostPort + "/load_provider",
        Map.of("user", "postgres", "password", db.postgres.password(), "pool_size", "1"))) {
      assertThat(source.load().mappedTopics()).containsExactly("device.audio.raw");
    }
  }

  @Test
  void mappingSources_wrongPassword_failsWithoutShowingIt() {
    Db db = Db.migrated("load_wrong_password");
    String url = "postgresql://postgres:Wr0ng%40Secret@127.0.0.1:" + db.postgres.port() + "/load_wrong_password";
    try (MappingSource source = MappingSources.open(url, Map.of("watch", "false", "connection_timeout_ms", "500"))) {
      assertThat(source.describe()).doesNotContain("Wr0ng");
      assertThatThrownBy(source::load)
          .isInstanceOf(LoomException.class)
          .hasMessageContaining("password authentication failed for user \"postgres\"")
          .hasMessageNotContaining("Wr0ng");
    }
  }

  @Test
  void mappingSources_unknownOrBadSetting_isRefusedNamingIt() {
    assertThatThrownBy(() -> MappingSources.open("postgresql://app:secret@127.0.0.1:5432/loom",
        Map.of("poll_ms", "100", "listen", "true")))
        .isInstanceOf(LoomException.class)
        .hasMessage("unknown setting(s) poll_ms for a jdbc mapping source; known: user, password, pool_size, connection_timeout_ms,"
            + " listen, watch, debounce_ms, poll_interval_ms, include_inactive_topics, migrate");
    assertThatThrownBy(() -> MappingSources.open("postgresql://app:secret@127.0.0.1:5432/loom",
        Map.of("listen", "maybe")))
        .isInstanceOf(LoomException.class)
        .hasMessage("setting listen was 'maybe' but it must be true or false");
    assertThatThrownBy(() -> MappingSources.open("postgresql://app:secret@127.0.0.1:5432/loom",
        Map.of("debounce_ms", "0")))
        .isInstanceOf(LoomException.class)
        .hasMessage("setting debounce_ms was '0' but it must be a whole number of at least 1");
  }

  static void insertTopics(Db db, int from, int to) {
    StringBuilder topics = new StringBuilder("INSERT INTO kafka_topics (topic_name) VALUES ");
    StringBuilder configs = new StringBuilder("INSERT INTO topic_table_configs (topic_name, table_name) VALUES ");
    StringBuilder fields = new StringBuilder(
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type) VALUES ");
    for (int i = from; i < to; i++) {
      String topic = "device.load" + i + ".raw";
      String sep = i == from ? "" : ", ";
      topics.append(sep).append("('").append(topic).append("')");
      configs.append(sep).append("('").append(topic).append("', 't").append(i).append("')");
      fields.append(sep).append("('").append(topic).append("', 't").append(i).append("', 'device_id', 'device_id', 'string'),")
          .append("('").append(topic).append("', 't").append(i).append("', 'timestamp', 'timestamp', 'timestamp')");
    }
    db.inTransaction(topics.toString(), configs.toString(), fields.toString());
  }

  private static long id(Db db, String column) {
    return id(db, column, "target_column");
  }

  private static long id(Db db, String value, String column) {
    return ((Number) db.value("SELECT id FROM topic_field_mappings WHERE " + column + " = '" + value + "'")).longValue();
  }

  /** A data source whose connections count the statements they prepare or create. */
  static DataSource countingStatements(DataSource target, AtomicInteger count) {
    InvocationHandler dsHandler = (proxy, method, args) -> {
      Object result = invoke(target, method, args);
      if (result instanceof Connection c) {
        return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
            (p, m, a) -> {
              if (m.getName().equals("prepareStatement") || m.getName().equals("createStatement")) {
                count.incrementAndGet();
              }
              return invoke(c, m, a);
            });
      }
      return result;
    };
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        dsHandler);
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
