package io.loom.mapping.jdbc;

import static io.loom.mapping.jdbc.Db.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.internal.CanonicalJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The configuration schema as users meet it: the seed's own SQL, the views, the functions, the constraints. */
class ConfigurationSchemaTest {
  private static Db db;

  @BeforeAll
  static void createDatabase() {
    db = Db.migrated("config_schema");
    // Rows the seed's queries look at, written as a deployment would.
    db.exec(
        "INSERT INTO kafka_topics (topic_name, category, source, datatype, description) VALUES"
            + " ('device.network.wifi.raw', 'device', 'network', 'wifi', 'Wi-Fi scans'),"
            + " ('device.audio.raw', 'device', 'audio', 'raw', 'Raw audio chunks'),"
            + " ('media.audio.transcribed', 'media', 'audio', 'transcribed', 'Transcripts'),"
            + " ('media.audio.vad', 'media', 'audio', 'vad', 'Voice activity'),"
            + " ('device.audio.errors', 'device', 'audio', 'errors', 'Failed chunks')",
        "INSERT INTO kafka_topics (topic_name, category, source, datatype, description, is_active)"
            + " VALUES ('device.legacy.gps.raw', 'device', 'legacy', 'gps', 'Retired', false)",
        "INSERT INTO topic_table_configs (topic_name, table_name) VALUES ('device.network.wifi.raw', 'device_network_wifi_raw')",
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type, is_required)"
            + " VALUES ('device.network.wifi.raw', 'device_network_wifi_raw', 'data.ssid', 'ssid', 'string', false),"
            + " ('device.network.wifi.raw', 'device_network_wifi_raw', 'device_id', 'device_id', 'string', true),"
            + " ('device.network.wifi.raw', 'device_network_wifi_raw', 'data.rssi', 'rssi', 'integer', false),"
            + " ('device.network.wifi.raw', 'device_network_wifi_raw', 'timestamp', 'timestamp', 'timestamp', true)",
        "INSERT INTO kafka_topic_schemas (topic_name, version, schema_json, is_current) VALUES"
            + " ('device.audio.raw', 'v1', '{\"type\": \"object\", \"required\": [\"device_id\"]}', false),"
            + " ('device.audio.raw', 'v2', '{\"type\": \"object\", \"required\": [\"device_id\", \"chunk\"]}', true)",
        "INSERT INTO pipeline_flows (flow_name, description, priority, expected_events_per_second)"
            + " VALUES ('audio-processing', 'Speech to text', 'high', 50)",
        "INSERT INTO pipeline_stages (flow_name, stage_name, stage_order, service_name, replicas, configuration,"
            + " error_rate_threshold) VALUES"
            + " ('audio-processing', 'vad', 1, 'silero-vad', 2, '{\"threshold\": 0.5}', 0.05),"
            + " ('audio-processing', 'transcribe', 2, 'whisper', 1, NULL, NULL)",
        "INSERT INTO pipeline_stage_topics (stage_id, topic_name, topic_role)"
            + " SELECT id, 'device.audio.raw', 'input' FROM pipeline_stages WHERE stage_name = 'vad'"
            + " UNION ALL SELECT id, 'media.audio.vad', 'output' FROM pipeline_stages WHERE stage_name = 'vad'"
            + " UNION ALL SELECT id, 'device.audio.errors', 'error' FROM pipeline_stages WHERE stage_name = 'vad'"
            + " UNION ALL SELECT id, 'device.audio.raw', 'input' FROM pipeline_stages WHERE stage_name = 'transcribe'"
            + " UNION ALL SELECT id, 'media.audio.transcribed', 'output' FROM pipeline_stages WHERE stage_name = 'transcribe'");
  }

  @Test
  void seedUsageExamples_runVerbatimAndReturnTheRightRows() throws Exception {
    List<String> adding = statements("adding-a-new-topic.sql");
    List<String> querying = statements("querying-configuration.sql");
    assertThat(adding).hasSize(3);
    assertThat(querying).hasSize(3);

    List<Integer> counts = new ArrayList<>();
    try (Connection c = db.dataSource.getConnection(); Statement st = c.createStatement()) {
      for (String sql : adding) {
        counts.add(st.executeUpdate(sql));
      }
    }
    assertThat(counts).containsExactly(1, 1, 3);

    List<Map<String, Object>> activeTopics = select(querying.get(0));
    assertThat(activeTopics).extracting(r -> r.get("topic_name")).containsExactly("device.audio.errors",
        "device.audio.raw", "device.network.wifi.raw", "device.sensor.new.raw", "media.audio.transcribed",
        "media.audio.vad");
    Map<String, Object> added = activeTopics.get(3);
    assertThat(added).containsEntry("category", "device").containsEntry("source", "sensor")
        .containsEntry("datatype", "new").containsEntry("description", "New sensor type")
        .containsEntry("retention_days", 30).containsEntry("partitions", 3).containsEntry("compression_type", "lz4")
        .containsEntry("table_name", "device_sensor_new_raw").containsEntry("upsert_key", "device_id, timestamp")
        .containsEntry("conflict_strategy", "ignore").containsEntry("schema_version", null);
    assertThat(activeTopics.get(1)).containsEntry("schema_version", "v2");
    assertThat(CanonicalJson.canonical((String) activeTopics.get(1).get("schema_json")))
        .isEqualTo("{\"required\":[\"device_id\",\"chunk\"],\"type\":\"object\"}");

    assertThat(select(querying.get(1)))
        .extracting(r -> r.get("target_column") + ":" + r.get("is_required"))
        .containsExactly("device_id:true", "timestamp:true", "rssi:false", "ssid:false");

    assertThat(select(querying.get(2))).containsExactly(
        row("source_topic", "device.audio.raw", "target_topic", "media.audio.vad", "processing_service", "silero-vad",
            "flow_name", "audio-processing", "stage_name", "vad", "stage_order", 1, "flow_description", "Speech to text",
            "source_description", "Raw audio chunks", "target_description", "Voice activity"),
        row("source_topic", "device.audio.raw", "target_topic", "media.audio.transcribed", "processing_service",
            "whisper", "flow_name", "audio-processing", "stage_name", "transcribe", "stage_order", 2, "flow_description",
            "Speech to text", "source_description", "Raw audio chunks", "target_description", "Transcripts"));

    // What the seed's INSERTs wrote is a valid mapping for Loom.
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      ConfigSnapshot snapshot = source.load();
      assertThat(snapshot.mapping("device.sensor.new.raw").orElseThrow().fields()).containsExactly(
          FieldMapping.of("device_id", "device_id", DataType.STRING),
          FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP),
          FieldMapping.of("value", "sensor_value", DataType.FLOAT));
    }
  }

  @Test
  void pipelineOverview_listsEachStageWithItsTopicsByRole() {
    assertThat(db.query("SELECT flow_name, stage_name, stage_order, service_name, replicas, input_topics,"
        + " output_topics, error_topics FROM v_pipeline_overview ORDER BY flow_name, stage_order")).containsExactly(
        row("flow_name", "audio-processing", "stage_name", "vad", "stage_order", 1, "service_name", "silero-vad",
            "replicas", 2, "input_topics", List.of("device.audio.raw"), "output_topics", List.of("media.audio.vad"),
            "error_topics", List.of("device.audio.errors")),
        row("flow_name", "audio-processing", "stage_name", "transcribe", "stage_order", 2, "service_name", "whisper",
            "replicas", 1, "input_topics", List.of("device.audio.raw"), "output_topics",
            List.of("media.audio.transcribed"), "error_topics", List.of()));
  }

  @Test
  void getTopicSchema_returnsTheCurrentOrTheNamedVersion() {
    assertThat(json("SELECT get_topic_schema('device.audio.raw')"))
        .isEqualTo("{\"required\":[\"device_id\",\"chunk\"],\"type\":\"object\"}");
    assertThat(json("SELECT get_topic_schema('device.audio.raw', 'v1')"))
        .isEqualTo("{\"required\":[\"device_id\"],\"type\":\"object\"}");
    assertThat(db.value("SELECT get_topic_schema('device.audio.raw', 'v9')")).isNull();
    assertThat(db.value("SELECT get_topic_schema('no.such.topic')")).isNull();
  }

  @Test
  void getPipelineConfig_returnsTheFlowWithItsStagesInOrder() {
    assertThat(json("SELECT get_pipeline_config('audio-processing')")).isEqualTo(CanonicalJson.canonical("""
        {"flow_name": "audio-processing", "description": "Speech to text", "priority": "high",
         "expected_events_per_second": 50, "average_event_size_bytes": null, "peak_multiplier": 3, "is_active": true,
         "stages": [
           {"stage_name": "vad", "stage_order": 1, "service_name": "silero-vad", "service_image": null, "replicas": 2,
            "configuration": {"threshold": 0.5}, "processing_timeout_seconds": null, "retry_max_attempts": 3,
            "retry_backoff_seconds": 1, "sla_seconds": null, "error_rate_threshold": 0.05,
            "input_topics": ["device.audio.raw"], "output_topics": ["media.audio.vad"],
            "error_topics": ["device.audio.errors"]},
           {"stage_name": "transcribe", "stage_order": 2, "service_name": "whisper", "service_image": null,
            "replicas": 1, "configuration": null, "processing_timeout_seconds": null, "retry_max_attempts": 3,
            "retry_backoff_seconds": 1, "sla_seconds": null, "error_rate_threshold": null,
            "input_topics": ["device.audio.raw"], "output_topics": ["media.audio.transcribed"], "error_topics": []}]}
        """));
    assertThat(db.value("SELECT get_pipeline_config('no-such-flow')")).isNull();
  }

  @Test
  void validateTopicName_followsTheNamingRule() {
    assertThat(db.query("SELECT n, validate_topic_name(n) AS ok FROM (VALUES ('device.sensor.gps.raw'),"
        + " ('device.audio.raw'), ('a1.b2.c3'), ('Device.audio.raw'), ('device.audio'), ('device.audio.raw.x.y'),"
        + " ('device-x.audio.raw'), ('device..raw')) AS t(n)"))
        .extracting(r -> r.get("n") + "=" + r.get("ok"))
        .containsExactly("device.sensor.gps.raw=true", "device.audio.raw=true", "a1.b2.c3=true",
            "Device.audio.raw=false", "device.audio=false", "device.audio.raw.x.y=false", "device-x.audio.raw=false",
            "device..raw=false");
  }

  @Test
  void updatedAt_followsEveryUpdate() {
    db.exec("INSERT INTO kafka_topics (topic_name) VALUES ('test.updated.at')",
        "UPDATE kafka_topics SET created_at = now() - interval '1 day', updated_at = now() - interval '1 day'"
            + " WHERE topic_name = 'test.updated.at'");
    db.exec("UPDATE kafka_topics SET retention_days = 9 WHERE topic_name = 'test.updated.at'");

    assertThat(db.value("SELECT updated_at > created_at + interval '23 hours' FROM kafka_topics"
        + " WHERE topic_name = 'test.updated.at'")).isEqualTo(true);
  }

  @Test
  void constraints_refuseWhatTheSchemaForbids() {
    db.exec("INSERT INTO kafka_topics (topic_name) VALUES ('test.constraints.raw')");

    assertThatThrownBy(() -> db.exec("INSERT INTO kafka_topics (topic_name) VALUES ('Bad.Name')"))
        .hasMessageContaining("kafka_topics_topic_name_check");
    assertThatThrownBy(() -> db.exec("INSERT INTO kafka_topics (topic_name, compression_type) VALUES ('a.b.c', 'brotli')"))
        .hasMessageContaining("kafka_topics_compression_type_check");
    assertThatThrownBy(() -> db.exec("INSERT INTO pipeline_flows (flow_name, priority) VALUES ('f', 'urgent')"))
        .hasMessageContaining("pipeline_flows_priority_check");
    assertThatThrownBy(() -> db.exec("INSERT INTO topic_table_configs (topic_name, table_name, conflict_strategy)"
        + " VALUES ('test.constraints.raw', 't', 'merge')"))
        .hasMessageContaining("topic_table_configs_conflict_strategy_check");
    assertThatThrownBy(() -> db.exec("INSERT INTO pipeline_stage_topics (stage_id, topic_name, topic_role)"
        + " SELECT id, 'test.constraints.raw', 'sidecar' FROM pipeline_stages LIMIT 1"))
        .hasMessageContaining("pipeline_stage_topics_topic_role_check");
    assertThatThrownBy(() -> db.exec("INSERT INTO pipeline_stages (flow_name, stage_name, stage_order, replicas)"
        + " VALUES ('audio-processing', 'zero', 3, 0)"))
        .hasMessageContaining("pipeline_stages_replicas_check");
    assertThatThrownBy(() -> db.exec("INSERT INTO pipeline_stages (flow_name, stage_name, stage_order,"
        + " error_rate_threshold) VALUES ('audio-processing', 'rate', 3, 1.5)"))
        .hasMessageContaining("pipeline_stages_error_rate_threshold_check");
    assertThatThrownBy(() -> db.exec("INSERT INTO kafka_topic_schemas (topic_name, version, schema_json)"
        + " VALUES ('device.audio.raw', 'v3', '{}')"))
        .hasMessageContaining("kafka_topic_schemas_one_current_idx");
    assertThatThrownBy(() -> db.exec("INSERT INTO topic_table_configs (topic_name, table_name)"
        + " VALUES ('not.registered.raw', 't')"))
        .hasMessageContaining("topic_table_configs_topic_name_fkey");
    // data_type and transformation are free text: Loom reports unknown values with their row.
    db.exec("INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type,"
        + " transformation) VALUES ('test.constraints.raw', 't', 'x', 'x', 'strng', 'rot13')");
  }

  @Test
  void deletingATopic_removesItsMappingsSchemasAndStageTopics() {
    db.exec("INSERT INTO kafka_topics (topic_name) VALUES ('test.cascade.raw')",
        "INSERT INTO topic_table_configs (topic_name, table_name) VALUES ('test.cascade.raw', 't')",
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column)"
            + " VALUES ('test.cascade.raw', 't', 'a', 'a')",
        "INSERT INTO kafka_topic_schemas (topic_name, version, schema_json) VALUES ('test.cascade.raw', 'v1', '{}')",
        "INSERT INTO pipeline_stage_topics (stage_id, topic_name, topic_role)"
            + " SELECT id, 'test.cascade.raw', 'output' FROM pipeline_stages WHERE stage_name = 'vad'");

    db.exec("DELETE FROM kafka_topics WHERE topic_name = 'test.cascade.raw'");

    assertThat(db.value("SELECT (SELECT count(*) FROM topic_table_configs WHERE topic_name = 'test.cascade.raw')"
        + " + (SELECT count(*) FROM topic_field_mappings WHERE topic_name = 'test.cascade.raw')"
        + " + (SELECT count(*) FROM kafka_topic_schemas WHERE topic_name = 'test.cascade.raw')"
        + " + (SELECT count(*) FROM pipeline_stage_topics WHERE topic_name = 'test.cascade.raw')")).isEqualTo(0L);
  }

  private static String json(String sql) {
    return CanonicalJson.canonical((String) db.value(sql));
  }

  private static List<String> statements(String resource) throws IOException {
    String text;
    try (InputStream in = ConfigurationSchemaTest.class.getResourceAsStream("/seed/" + resource)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> statements = new ArrayList<>();
    for (String part : text.split(";\\s*\\n")) {
      if (!part.isBlank()) {
        statements.add(part);
      }
    }
    return statements;
  }

  private static List<Map<String, Object>> select(String sql) throws SQLException {
    try (Connection c = db.dataSource.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<Map<String, Object>> rows = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          r.put(md.getColumnLabel(i), v instanceof org.postgresql.util.PGobject pg ? pg.getValue() : v);
        }
        rows.add(r);
      }
      return rows;
    }
  }
}
