package io.loom.mapping.jdbc.internal;

import io.loom.mapping.internal.CanonicalJson;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of the seven configuration tables, as plain values, plus the revision counter.
 *
 * <p>Design note: loading and importing both work on these rows. The loader turns them into a
 * {@code ConfigSnapshot} (checking enum texts and cross-table consistency and remembering each row's
 * id to locate problems); the writer turns a snapshot into the same rows (without ids) and compares
 * them with what {@link #read} found. Text enums (data_type, transformation, ...) stay text here: an
 * unknown value must survive reading so that it can be reported with its row. For comparing, JSON columns
 * are read in canonical form so that equal documents compare equal. {@link #read} issues exactly one query
 * per table, never one per topic.
 */
public record ConfigRows(
    long revision,
    List<TopicRow> topics,
    List<SchemaRow> schemas,
    List<FlowRow> flows,
    List<StageRow> stages,
    List<StageTopicRow> stageTopics,
    List<TableConfigRow> tableConfigs,
    List<FieldRow> fields) {

  /** {@code kafka_topics}. */
  public record TopicRow(
      String topicName,
      String category,
      String source,
      String datatype,
      String stage,
      String description,
      int retentionDays,
      int partitions,
      int replicationFactor,
      String compressionType,
      boolean active) {}

  /** {@code kafka_topic_schemas}; {@code id} is null for rows not (yet) in the database. */
  public record SchemaRow(
      Integer id, String topicName, String version, String schemaJson, String schemaPath, boolean current) {}

  /** {@code pipeline_flows}. */
  public record FlowRow(
      String flowName,
      String description,
      String priority,
      Integer expectedEventsPerSecond,
      Integer averageEventSizeBytes,
      int peakMultiplier,
      boolean active) {}

  /** {@code pipeline_stages}. */
  public record StageRow(
      Integer id,
      String flowName,
      String stageName,
      int stageOrder,
      String serviceName,
      String serviceImage,
      int replicas,
      String configuration,
      Integer processingTimeoutSeconds,
      int retryMaxAttempts,
      int retryBackoffSeconds,
      Integer slaSeconds,
      Double errorRateThreshold) {}

  /** {@code pipeline_stage_topics}, with the flow and stage names of its stage. */
  public record StageTopicRow(
      Integer id, Integer stageId, String flowName, String stageName, String topicName, String topicRole) {}

  /** {@code topic_table_configs}, with Loom's extension columns. */
  public record TableConfigRow(
      String topicName,
      String tableName,
      String upsertKey,
      String conflictStrategy,
      String deadLetterTopic,
      boolean validateSchema,
      String schemaVersionField,
      String schemaVersionHeader,
      String hypertableTimeColumn,
      String hypertableChunkInterval) {}

  /** {@code topic_field_mappings}, with Loom's extension columns. */
  public record FieldRow(
      Integer id,
      String topicName,
      String tableName,
      String sourceFieldPath,
      String targetColumn,
      String dataType,
      String transformation,
      boolean required,
      String defaultValue,
      String timestampFormat,
      Integer fieldOrder) {}

  static final String REVISION_SQL = "SELECT revision FROM loom_config_revision WHERE id";

  private static final String TOPICS_SQL =
      "SELECT topic_name, category, source, datatype, stage, description, retention_days, partitions,"
          + " replication_factor, compression_type, is_active FROM kafka_topics ORDER BY topic_name";
  private static final String SCHEMAS_SQL =
      "SELECT id, topic_name, version, schema_json::text, schema_path, is_current FROM kafka_topic_schemas"
          + " ORDER BY topic_name, id";
  private static final String FLOWS_SQL =
      "SELECT flow_name, description, priority, expected_events_per_second, average_event_size_bytes,"
          + " peak_multiplier, is_active FROM pipeline_flows ORDER BY flow_name";
  private static final String STAGES_SQL =
      "SELECT id, flow_name, stage_name, stage_order, service_name, service_image, replicas, configuration::text,"
          + " processing_timeout_seconds, retry_max_attempts, retry_backoff_seconds, sla_seconds,"
          + " error_rate_threshold FROM pipeline_stages ORDER BY flow_name, stage_order, stage_name";
  private static final String STAGE_TOPICS_SQL =
      "SELECT st.id, st.stage_id, s.flow_name, s.stage_name, st.topic_name, st.topic_role"
          + " FROM pipeline_stage_topics st JOIN pipeline_stages s ON s.id = st.stage_id ORDER BY st.id";
  private static final String TABLE_CONFIGS_SQL =
      "SELECT topic_name, table_name, upsert_key, conflict_strategy, dead_letter_topic, validate_schema,"
          + " schema_version_field, schema_version_header, hypertable_time_column, hypertable_chunk_interval"
          + " FROM topic_table_configs ORDER BY topic_name";
  private static final String FIELDS_SQL =
      "SELECT id, topic_name, table_name, source_field_path, target_column, data_type, transformation, is_required,"
          + " default_value, timestamp_format, field_order FROM topic_field_mappings"
          + " ORDER BY topic_name, field_order NULLS LAST, id";

  /** Number of queries {@link #read} issues: the revision plus one per table. */
  public static final int QUERIES = 8;

  /**
   * Reads every configuration row with the connection's current transaction; the caller chooses the
   * isolation (REPEATABLE READ, so that all tables and the revision are one consistent snapshot).
   *
   * @param canonicalJson put JSON columns in canonical form (needed to compare them; the model's records
   *     canonicalize on their own, so loading skips it)
   */
  public static ConfigRows read(Connection c, boolean canonicalJson) throws SQLException {
    java.util.function.UnaryOperator<String> json = canonicalJson ? ConfigRows::canonical : s -> s;
    long revision;
    try (PreparedStatement ps = c.prepareStatement(REVISION_SQL); ResultSet rs = ps.executeQuery()) {
      revision = rs.next() ? rs.getLong(1) : 0L;
    }
    List<TopicRow> topics = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(TOPICS_SQL); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        topics.add(new TopicRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
            rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getString(10), rs.getBoolean(11)));
      }
    }
    List<SchemaRow> schemas = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SCHEMAS_SQL); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        schemas.add(new SchemaRow(rs.getInt(1), rs.getString(2), rs.getString(3), json.apply(rs.getString(4)),
            rs.getString(5), rs.getBoolean(6)));
      }
    }
    List<FlowRow> flows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(FLOWS_SQL); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        flows.add(new FlowRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, Integer.class),
            rs.getObject(5, Integer.class), rs.getInt(6), rs.getBoolean(7)));
      }
    }
    List<StageRow> stages = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(STAGES_SQL); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        BigDecimal threshold = rs.getBigDecimal(13);
        stages.add(new StageRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
            rs.getString(6), rs.getInt(7), json.apply(rs.getString(8)), rs.getObject(9, Integer.class), rs.getInt(10),
            rs.getInt(11), rs.getObject(12, Integer.class), threshold == null ? null : threshold.doubleValue()));
      }
    }
    List<StageTopicRow> stageTopics = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(STAGE_TOPICS_SQL); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        stageTopics.add(new StageTopicRow(rs.getInt(1), rs.getInt(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getString(6)));
      }
    }
    List<TableConfigRow> tableConfigs = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(TABLE_CONFIGS_SQL); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        tableConfigs.add(new TableConfigRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getBoolean(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)));
      }
    }
    List<FieldRow> fields = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(FIELDS_SQL)) {
      ps.setFetchSize(0);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          fields.add(new FieldRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
              rs.getString(6), rs.getString(7), rs.getBoolean(8), rs.getString(9), rs.getString(10),
              rs.getObject(11, Integer.class)));
        }
      }
    }
    return new ConfigRows(revision, topics, schemas, flows, stages, stageTopics, tableConfigs, fields);
  }

  /** Reads the revision counter alone. */
  public static long readRevision(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(REVISION_SQL); ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0L;
    }
  }

  private static String canonical(String json) {
    return json == null ? null : CanonicalJson.canonicalOrSame(json);
  }
}
