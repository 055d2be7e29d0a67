package io.loom.mapping.jdbc.internal;

import static io.loom.mapping.jdbc.internal.TableSpec.Col.bool;
import static io.loom.mapping.jdbc.internal.TableSpec.Col.integer;
import static io.loom.mapping.jdbc.internal.TableSpec.Col.jsonb;
import static io.loom.mapping.jdbc.internal.TableSpec.Col.numeric;
import static io.loom.mapping.jdbc.internal.TableSpec.Col.text;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.StageTopic;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import io.loom.mapping.jdbc.internal.ConfigRows.FieldRow;
import io.loom.mapping.jdbc.internal.ConfigRows.FlowRow;
import io.loom.mapping.jdbc.internal.ConfigRows.SchemaRow;
import io.loom.mapping.jdbc.internal.ConfigRows.StageRow;
import io.loom.mapping.jdbc.internal.ConfigRows.StageTopicRow;
import io.loom.mapping.jdbc.internal.ConfigRows.TableConfigRow;
import io.loom.mapping.jdbc.internal.ConfigRows.TopicRow;
import java.util.ArrayList;
import java.util.List;

/**
 * The seven configuration tables as {@link TableSpec}s, and a snapshot turned into their rows.
 *
 * <p>Design note: {@link #rowsOf} is the inverse of {@link SnapshotAssembler} (with inactive mappings
 * included): reading back what it describes gives the same snapshot. Texts are written in their
 * canonical configuration form (lower-case enum names, {@code "device_id, timestamp"} keys) and compared
 * in that form, so a table holding {@code 'String'} is corrected to {@code 'string'} by an import.
 */
public final class ConfigTables {
  private ConfigTables() {}

  public static final TableSpec<TopicRow> TOPICS = TableSpec.of("kafka_topics", TopicRow::topicName,
      List.of(text("topic_name", TopicRow::topicName)),
      List.of(text("category", TopicRow::category), text("source", TopicRow::source),
          text("datatype", TopicRow::datatype), text("stage", TopicRow::stage),
          text("description", TopicRow::description), integer("retention_days", TopicRow::retentionDays),
          integer("partitions", TopicRow::partitions), integer("replication_factor", TopicRow::replicationFactor),
          text("compression_type", TopicRow::compressionType), bool("is_active", TopicRow::active)));

  public static final TableSpec<SchemaRow> SCHEMAS = TableSpec.of("kafka_topic_schemas",
      r -> r.topicName() + "/" + r.version(),
      List.of(text("topic_name", SchemaRow::topicName), text("version", SchemaRow::version)),
      List.of(jsonb("schema_json", SchemaRow::schemaJson), text("schema_path", SchemaRow::schemaPath),
          bool("is_current", SchemaRow::current)));

  public static final TableSpec<FlowRow> FLOWS = TableSpec.of("pipeline_flows", FlowRow::flowName,
      List.of(text("flow_name", FlowRow::flowName)),
      List.of(text("description", FlowRow::description), text("priority", FlowRow::priority),
          integer("expected_events_per_second", FlowRow::expectedEventsPerSecond),
          integer("average_event_size_bytes", FlowRow::averageEventSizeBytes),
          integer("peak_multiplier", FlowRow::peakMultiplier), bool("is_active", FlowRow::active)));

  public static final TableSpec<StageRow> STAGES = TableSpec.of("pipeline_stages",
      r -> r.flowName() + "/" + r.stageName(),
      List.of(text("flow_name", StageRow::flowName), text("stage_name", StageRow::stageName)),
      List.of(integer("stage_order", StageRow::stageOrder), text("service_name", StageRow::serviceName),
          text("service_image", StageRow::serviceImage), integer("replicas", StageRow::replicas),
          jsonb("configuration", StageRow::configuration),
          integer("processing_timeout_seconds", StageRow::processingTimeoutSeconds),
          integer("retry_max_attempts", StageRow::retryMaxAttempts),
          integer("retry_backoff_seconds", StageRow::retryBackoffSeconds),
          integer("sla_seconds", StageRow::slaSeconds),
          numeric("error_rate_threshold", StageRow::errorRateThreshold)));

  private static final TableSpec.Col<StageTopicRow> ST_FLOW = text("flow_name", StageTopicRow::flowName);
  private static final TableSpec.Col<StageTopicRow> ST_STAGE = text("stage_name", StageTopicRow::stageName);
  private static final TableSpec.Col<StageTopicRow> ST_TOPIC = text("topic_name", StageTopicRow::topicName);
  private static final TableSpec.Col<StageTopicRow> ST_ROLE = text("topic_role", StageTopicRow::topicRole);

  public static final TableSpec<StageTopicRow> STAGE_TOPICS = TableSpec.custom("pipeline_stage_topics",
      r -> r.flowName() + "/" + r.stageName() + " " + r.topicRole() + " " + r.topicName(),
      List.of(ST_FLOW, ST_STAGE, ST_TOPIC, ST_ROLE),
      "INSERT INTO pipeline_stage_topics (stage_id, topic_name, topic_role)"
          + " SELECT id, ?, ? FROM pipeline_stages WHERE flow_name = ? AND stage_name = ?",
      List.of(ST_TOPIC, ST_ROLE, ST_FLOW, ST_STAGE),
      "DELETE FROM pipeline_stage_topics WHERE topic_name = ? AND topic_role = ?"
          + " AND stage_id = (SELECT id FROM pipeline_stages WHERE flow_name = ? AND stage_name = ?)",
      List.of(ST_TOPIC, ST_ROLE, ST_FLOW, ST_STAGE));

  public static final TableSpec<TableConfigRow> TABLE_CONFIGS = TableSpec.of("topic_table_configs",
      TableConfigRow::topicName,
      List.of(text("topic_name", TableConfigRow::topicName)),
      List.of(text("table_name", TableConfigRow::tableName),
          text("upsert_key", r -> String.join(", ", TopicMapping.parseUpsertKey(r.upsertKey()))),
          text("conflict_strategy", TableConfigRow::conflictStrategy),
          text("dead_letter_topic", TableConfigRow::deadLetterTopic),
          bool("validate_schema", TableConfigRow::validateSchema),
          text("schema_version_field", TableConfigRow::schemaVersionField),
          text("schema_version_header", TableConfigRow::schemaVersionHeader),
          text("hypertable_time_column", TableConfigRow::hypertableTimeColumn),
          text("hypertable_chunk_interval", TableConfigRow::hypertableChunkInterval)));

  public static final TableSpec<FieldRow> FIELDS = TableSpec.of("topic_field_mappings",
      r -> r.topicName() + ": " + r.sourceFieldPath() + " -> " + r.targetColumn(),
      List.of(text("topic_name", FieldRow::topicName), text("source_field_path", FieldRow::sourceFieldPath),
          text("target_column", FieldRow::targetColumn)),
      List.of(text("table_name", FieldRow::tableName), text("data_type", FieldRow::dataType),
          text("transformation", FieldRow::transformation), bool("is_required", FieldRow::required),
          text("default_value", FieldRow::defaultValue), text("timestamp_format", FieldRow::timestampFormat),
          integer("field_order", FieldRow::fieldOrder)));

  /** The tables in the order rows are inserted (parents first); deletes go the other way. */
  public static final List<TableSpec<?>> INSERT_ORDER =
      List.of(TOPICS, FLOWS, STAGES, SCHEMAS, TABLE_CONFIGS, FIELDS, STAGE_TOPICS);

  /** The rows that hold {@code snapshot}. */
  public static ConfigRows rowsOf(ConfigSnapshot snapshot) {
    List<TopicRow> topics = new ArrayList<>();
    for (TopicDefinition t : snapshot.topics()) {
      topics.add(new TopicRow(t.topicName(), t.category(), t.source(), t.datatype(), t.stage(), t.description(),
          t.retentionDays(), t.partitions(), t.replicationFactor(), t.compressionType(), t.active()));
    }
    List<SchemaRow> schemas = new ArrayList<>();
    for (TopicSchema s : snapshot.schemas()) {
      schemas.add(new SchemaRow(null, s.topicName(), s.version(), s.schemaJson(), s.schemaPath(), s.current()));
    }
    List<FlowRow> flows = new ArrayList<>();
    List<StageRow> stages = new ArrayList<>();
    List<StageTopicRow> stageTopics = new ArrayList<>();
    for (PipelineFlow f : snapshot.flows()) {
      flows.add(new FlowRow(f.flowName(), f.description(), f.priority(), f.expectedEventsPerSecond(),
          f.averageEventSizeBytes(), f.peakMultiplier(), f.active()));
      for (PipelineStage s : f.stages()) {
        stages.add(new StageRow(null, f.flowName(), s.stageName(), s.stageOrder(), s.serviceName(), s.serviceImage(),
            s.replicas(), s.configurationJson(), s.processingTimeoutSeconds(), s.retryMaxAttempts(),
            s.retryBackoffSeconds(), s.slaSeconds(), s.errorRateThreshold()));
        for (StageTopic t : s.topics()) {
          stageTopics.add(new StageTopicRow(null, null, f.flowName(), s.stageName(), t.topicName(),
              t.role().configName()));
        }
      }
    }
    List<TableConfigRow> configs = new ArrayList<>();
    List<FieldRow> fields = new ArrayList<>();
    for (TopicMapping m : snapshot.mappings()) {
      configs.add(new TableConfigRow(m.topic(), m.table(), m.upsertKeyText(), m.conflictStrategy().configName(),
          m.deadLetterTopic(), m.schemaValidation().enabled(), m.schemaValidation().versionField(),
          m.schemaValidation().versionHeader(), m.hypertable() == null ? null : m.hypertable().timeColumn(),
          m.hypertable() == null ? null : m.hypertable().chunkInterval()));
      for (int i = 0; i < m.fields().size(); i++) {
        FieldMapping f = m.fields().get(i);
        fields.add(new FieldRow(null, m.topic(), m.table(), f.sourcePath(), f.targetColumn(), f.dataType().configName(),
            f.transformation() == null ? null : f.transformation().configName(), f.required(), f.defaultValue(),
            f.timestampFormat() == null ? null : f.timestampFormat().configName(), i));
      }
    }
    return new ConfigRows(-1, topics, schemas, flows, stages, stageTopics, configs, fields);
  }
}
