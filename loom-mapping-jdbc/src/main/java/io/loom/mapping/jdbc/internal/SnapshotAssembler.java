package io.loom.mapping.jdbc.internal;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConfigValidator;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.Hypertable;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.SchemaValidation;
import io.loom.mapping.StageTopic;
import io.loom.mapping.TimestampFormat;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicRole;
import io.loom.mapping.TopicSchema;
import io.loom.mapping.Transformation;
import io.loom.mapping.jdbc.internal.ConfigRows.FieldRow;
import io.loom.mapping.jdbc.internal.ConfigRows.FlowRow;
import io.loom.mapping.jdbc.internal.ConfigRows.SchemaRow;
import io.loom.mapping.jdbc.internal.ConfigRows.StageRow;
import io.loom.mapping.jdbc.internal.ConfigRows.StageTopicRow;
import io.loom.mapping.jdbc.internal.ConfigRows.TableConfigRow;
import io.loom.mapping.jdbc.internal.ConfigRows.TopicRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link ConfigSnapshot} from {@link ConfigRows} and checks it.
 *
 * <p>Design note: what the model cannot hold is reported here, each problem located at its row
 * ({@code topic_field_mappings(id=17, topic_name=device.sensor.gps.raw, target_column=lat)}): unknown
 * data_type / transformation / timestamp_format / conflict_strategy / topic_role texts, a field mapping whose
 * table_name differs from its topic_table_configs row, field mappings without a table configuration. A
 * field with an unknown type is kept with a stand-in type so that the rules between fields (upsert key,
 * duplicate columns) still see its column; the validator's further remarks on that same field are dropped,
 * since they would be about the stand-in. Then {@link ConfigValidator} checks the rules between values,
 * with a {@link ConfigValidator.Locator} that turns its logical paths into the same row descriptions.
 *
 * <p>Mappings of inactive topics ({@code kafka_topics.is_active = false}) are left out unless asked for:
 * such a topic is not to be consumed. Its registry entry stays in the snapshot, marked inactive.
 */
public final class SnapshotAssembler {

  /** The outcome: the snapshot and every problem found (empty when it is valid). */
  public record Result(ConfigSnapshot snapshot, List<ConfigProblem> problems, List<String> inactiveMappings) {}

  private final Map<String, String> locations = new HashMap<>();
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Set<String> fieldsWithProblems = new HashSet<>();

  private SnapshotAssembler() {}

  /**
   * Builds and checks the snapshot.
   *
   * @param includeInactive also build mappings of inactive topics
   */
  public static Result assemble(ConfigRows rows, boolean includeInactive) {
    return new SnapshotAssembler().run(rows, includeInactive);
  }

  private Result run(ConfigRows rows, boolean includeInactive) {
    List<TopicDefinition> topics = new ArrayList<>();
    Map<String, Boolean> active = new HashMap<>();
    for (TopicRow r : rows.topics()) {
      locations.put("topics[" + r.topicName() + "]", "kafka_topics(topic_name=" + r.topicName() + ")");
      active.put(r.topicName(), r.active());
      topics.add(new TopicDefinition(r.topicName(), r.category(), r.source(), r.datatype(), r.stage(), r.description(),
          r.retentionDays(), r.partitions(), r.replicationFactor(), r.compressionType(), r.active()));
    }

    List<TopicSchema> schemas = new ArrayList<>();
    for (SchemaRow r : rows.schemas()) {
      locations.put("schemas[" + r.topicName() + "/" + r.version() + "]",
          "kafka_topic_schemas(id=" + r.id() + ", topic_name=" + r.topicName() + ", version=" + r.version() + ")");
      schemas.add(new TopicSchema(r.topicName(), r.version(), r.schemaJson(), r.schemaPath(), r.current()));
    }

    List<PipelineFlow> flows = buildFlows(rows);
    List<String> inactiveMappings = new ArrayList<>();
    List<TopicMapping> mappings = buildMappings(rows, active, includeInactive, inactiveMappings);

    ConfigSnapshot snapshot = new ConfigSnapshot(topics, schemas, mappings, flows);
    for (ConfigProblem p : ConfigValidator.validate(snapshot, this::locate)) {
      if (!aboutFieldWithProblem(p.path())) {
        problems.add(p);
      }
    }
    return new Result(snapshot, List.copyOf(problems), List.copyOf(inactiveMappings));
  }

  private List<PipelineFlow> buildFlows(ConfigRows rows) {
    Map<Integer, List<StageTopic>> topicsByStage = new HashMap<>();
    for (StageTopicRow r : rows.stageTopics()) {
      String role = r.topicRole();
      String path = "flows[" + r.flowName() + "].stages[" + r.stageName() + "].topics[" + role + ":" + r.topicName() + "]";
      String location = "pipeline_stage_topics(id=" + r.id() + ", stage_id=" + r.stageId() + ", topic_name="
          + r.topicName() + ", topic_role=" + role + ")";
      TopicRole parsed = TopicRole.fromConfigName(role).orElse(null);
      if (parsed == null) {
        problems.add(new ConfigProblem(location, path + ".topic_role",
            "topic role '" + role + "' is unknown; expected one of " + TopicRole.knownNames()));
        continue;
      }
      locations.put("flows[" + r.flowName() + "].stages[" + r.stageName() + "].topics[" + parsed.configName() + ":"
          + r.topicName() + "]", location);
      topicsByStage.computeIfAbsent(r.stageId(), k -> new ArrayList<>()).add(new StageTopic(r.topicName(), parsed));
    }
    Map<String, List<PipelineStage>> stagesByFlow = new HashMap<>();
    for (StageRow r : rows.stages()) {
      locations.put("flows[" + r.flowName() + "].stages[" + r.stageName() + "]",
          "pipeline_stages(id=" + r.id() + ", flow_name=" + r.flowName() + ", stage_name=" + r.stageName() + ")");
      stagesByFlow.computeIfAbsent(r.flowName(), k -> new ArrayList<>()).add(new PipelineStage(r.stageName(),
          r.stageOrder(), r.serviceName(), r.serviceImage(), r.replicas(), r.configuration(),
          r.processingTimeoutSeconds(), r.retryMaxAttempts(), r.retryBackoffSeconds(), r.slaSeconds(),
          r.errorRateThreshold(), topicsByStage.getOrDefault(r.id(), List.of())));
    }
    List<PipelineFlow> flows = new ArrayList<>();
    for (FlowRow r : rows.flows()) {
      locations.put("flows[" + r.flowName() + "]", "pipeline_flows(flow_name=" + r.flowName() + ")");
      flows.add(new PipelineFlow(r.flowName(), r.description(), r.priority(), r.expectedEventsPerSecond(),
          r.averageEventSizeBytes(), r.peakMultiplier(), r.active(), stagesByFlow.getOrDefault(r.flowName(), List.of())));
    }
    return flows;
  }

  private List<TopicMapping> buildMappings(
      ConfigRows rows, Map<String, Boolean> active, boolean includeInactive, List<String> inactiveMappings) {
    Map<String, List<FieldRow>> fieldsByTopic = new LinkedHashMap<>();
    for (FieldRow r : rows.fields()) {
      fieldsByTopic.computeIfAbsent(r.topicName(), k -> new ArrayList<>()).add(r);
    }
    List<TopicMapping> mappings = new ArrayList<>();
    for (TableConfigRow config : rows.tableConfigs()) {
      String topic = config.topicName();
      List<FieldRow> fieldRows = fieldsByTopic.remove(topic);
      if (!includeInactive && !active.getOrDefault(topic, true)) {
        inactiveMappings.add(topic);
        continue;
      }
      mappings.add(buildMapping(config, fieldRows == null ? List.of() : fieldRows));
    }
    for (Map.Entry<String, List<FieldRow>> orphan : fieldsByTopic.entrySet()) {
      String topic = orphan.getKey();
      if (!includeInactive && !active.getOrDefault(topic, true)) {
        continue;
      }
      FieldRow first = orphan.getValue().get(0);
      problems.add(new ConfigProblem("topic_field_mappings(topic_name=" + topic + ")", "mappings[" + topic + "]",
          "topic '" + topic + "' has " + orphan.getValue().size() + " field mapping(s) (table '" + first.tableName()
              + "') but no topic_table_configs row; add one naming its table, upsert key and conflict strategy,"
              + " or delete the field mappings"));
    }
    return mappings;
  }

  private TopicMapping buildMapping(TableConfigRow config, List<FieldRow> fieldRows) {
    String topic = config.topicName();
    String path = "mappings[" + topic + "]";
    String configLocation = "topic_table_configs(topic_name=" + topic + ")";
    locations.put(path, configLocation);

    ConflictStrategy strategy = ConflictStrategy.fromConfigName(config.conflictStrategy()).orElse(null);
    if (strategy == null) {
      problems.add(new ConfigProblem(configLocation, path + ".conflict_strategy", "conflict strategy '"
          + config.conflictStrategy() + "' is unknown; expected one of " + ConflictStrategy.knownNames()));
      strategy = ConflictStrategy.IGNORE;
    }

    List<FieldMapping> fields = new ArrayList<>(fieldRows.size());
    for (int i = 0; i < fieldRows.size(); i++) {
      FieldRow r = fieldRows.get(i);
      String fieldPath = path + ".fields[" + i + "]";
      String location = "topic_field_mappings(id=" + r.id() + ", topic_name=" + topic + ", target_column="
          + r.targetColumn() + ")";
      locations.put(fieldPath, location);

      DataType type = DataType.fromConfigName(r.dataType()).orElse(null);
      if (type == null) {
        fieldProblem(fieldPath, location, ".data_type",
            "data type '" + r.dataType() + "' is unknown; expected one of " + DataType.knownNames());
        type = DataType.STRING;
      }
      Transformation transformation = null;
      if (r.transformation() != null && !r.transformation().isBlank()) {
        transformation = Transformation.fromConfigName(r.transformation()).orElse(null);
        if (transformation == null) {
          fieldProblem(fieldPath, location, ".transformation", "transformation '" + r.transformation()
              + "' is unknown; expected one of " + Transformation.knownNames());
        }
      }
      TimestampFormat format = null;
      if (r.timestampFormat() != null && !r.timestampFormat().isBlank()) {
        format = TimestampFormat.fromConfigName(r.timestampFormat()).orElse(null);
        if (format == null) {
          fieldProblem(fieldPath, location, ".timestamp_format", "timestamp format '" + r.timestampFormat()
              + "' is unknown; expected one of " + TimestampFormat.knownNames());
        }
      }
      if (!config.tableName().equals(r.tableName())) {
        problems.add(new ConfigProblem(location, fieldPath + ".table_name", "table_name '" + r.tableName()
            + "' differs from table_name '" + config.tableName() + "' of " + configLocation
            + "; every field mapping of a topic must name its topic's table"));
      }
      fields.add(new FieldMapping(r.sourceFieldPath(), r.targetColumn(), type, transformation, r.required(),
          r.defaultValue(), format));
    }

    Hypertable hypertable = null;
    if (config.hypertableTimeColumn() != null && !config.hypertableTimeColumn().isBlank()) {
      hypertable = new Hypertable(config.hypertableTimeColumn(), blankToNull(config.hypertableChunkInterval()));
    } else if (config.hypertableChunkInterval() != null && !config.hypertableChunkInterval().isBlank()) {
      problems.add(new ConfigProblem(configLocation, path + ".hypertable.chunk_interval",
          "hypertable_chunk_interval '" + config.hypertableChunkInterval()
              + "' is set but hypertable_time_column is empty; set the time column too, or clear the interval"));
    }
    SchemaValidation validation = new SchemaValidation(config.validateSchema(),
        blankToNull(config.schemaVersionField()), blankToNull(config.schemaVersionHeader()));
    return new TopicMapping(topic, config.tableName(), TopicMapping.parseUpsertKey(config.upsertKey()), strategy,
        fields, blankToNull(config.deadLetterTopic()), validation, hypertable);
  }

  private void fieldProblem(String fieldPath, String location, String column, String message) {
    fieldsWithProblems.add(fieldPath);
    problems.add(new ConfigProblem(location, fieldPath + column, message));
  }

  private boolean aboutFieldWithProblem(String path) {
    for (String fieldPath : fieldsWithProblems) {
      if (path.startsWith(fieldPath + ".") && !path.endsWith(".target_column") && !path.endsWith(".source_field_path")) {
        return true;
      }
    }
    return false;
  }

  /** The row of the longest registered prefix of {@code logicalPath}, or {@code null}. */
  String locate(String logicalPath) {
    String found = locations.get(logicalPath);
    if (found != null) {
      return found;
    }
    for (int i = logicalPath.length() - 1; i > 0; i--) {
      char c = logicalPath.charAt(i);
      if (c == '.' || c == '[') {
        found = locations.get(logicalPath.substring(0, i));
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
