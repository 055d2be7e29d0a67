package io.loom.mapping;

import io.loom.mapping.internal.CanonicalJson;
import io.loom.mapping.internal.FieldPath;
import io.loom.mapping.internal.Values;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a whole {@link ConfigSnapshot} and reports every problem at once, each with where it is and
 * what was expected. Sources check what cannot even be represented in the model (an unknown data
 * type, a malformed line) while they read; this class checks the rules between values.
 *
 * <p>Logical paths look like {@code mappings[device.sensor.gps.raw].fields[2].target_column}; a
 * {@link Locator} supplied by the source turns them into a file and line or a table row.
 */
public final class ConfigValidator {
  /** The seed's topic naming rule ({@code validate_topic_name}). */
  public static final Pattern TOPIC_NAME = Pattern.compile("^[a-z0-9]+\\.[a-z0-9]+\\.[a-z0-9]+(\\.[a-z0-9]+)?$");

  /** Characters Kafka allows in a topic name, for dead-letter topics. */
  private static final Pattern KAFKA_TOPIC = Pattern.compile("^[a-zA-Z0-9._-]{1,249}$");

  private static final Set<String> COMPRESSION_TYPES = Set.of("none", "gzip", "snappy", "lz4", "zstd", "producer");
  private static final Set<String> PRIORITIES = Set.of("critical", "high", "medium", "low");

  /** Turns a logical path into a source location (file:line, table row); may return {@code null}. */
  @FunctionalInterface
  public interface Locator {
    Locator NONE = path -> null;

    String locate(String logicalPath);
  }

  private final Locator locator;
  private final List<ConfigProblem> problems = new ArrayList<>();

  private ConfigValidator(Locator locator) {
    this.locator = locator == null ? Locator.NONE : locator;
  }

  /** Every problem of {@code snapshot}; empty if it is valid. */
  public static List<ConfigProblem> validate(ConfigSnapshot snapshot, Locator locator) {
    ConfigValidator v = new ConfigValidator(locator);
    v.check(snapshot);
    return List.copyOf(v.problems);
  }

  /** Every problem of {@code snapshot}, without source locations. */
  public static List<ConfigProblem> validate(ConfigSnapshot snapshot) {
    return validate(snapshot, Locator.NONE);
  }

  /**
   * Returns {@code snapshot} if it is valid.
   *
   * @throws InvalidConfigurationException listing every problem, naming {@code sourceName}
   */
  public static ConfigSnapshot requireValid(ConfigSnapshot snapshot, Locator locator, String sourceName) {
    List<ConfigProblem> found = validate(snapshot, locator);
    if (!found.isEmpty()) {
      throw new InvalidConfigurationException(sourceName, found);
    }
    return snapshot;
  }

  private void problem(String path, String message) {
    problems.add(new ConfigProblem(locator.locate(path), path, message));
  }

  private void check(ConfigSnapshot snapshot) {
    Set<String> registered = new HashSet<>();
    for (TopicDefinition topic : snapshot.topics()) {
      String path = "topics[" + topic.topicName() + "]";
      if (!registered.add(topic.topicName())) {
        problem(path, "topic '" + topic.topicName() + "' is registered more than once");
      }
      checkTopicName(path + ".topic_name", topic.topicName());
      if (!COMPRESSION_TYPES.contains(topic.compressionType())) {
        problem(path + ".compression_type", "compression type '" + topic.compressionType() + "' is unknown; expected one of "
            + String.join(", ", new java.util.TreeSet<>(COMPRESSION_TYPES)));
      }
      if (topic.retentionDays() <= 0) {
        problem(path + ".retention_days", "retention_days is " + topic.retentionDays() + "; expected a positive number of days");
      }
      if (topic.partitions() <= 0) {
        problem(path + ".partitions", "partitions is " + topic.partitions() + "; expected at least 1");
      }
      if (topic.replicationFactor() <= 0) {
        problem(path + ".replication_factor", "replication_factor is " + topic.replicationFactor() + "; expected at least 1");
      }
    }
    Map<String, Integer> currentVersions = new HashMap<>();
    Set<String> versions = new HashSet<>();
    for (TopicSchema schema : snapshot.schemas()) {
      String path = "schemas[" + schema.topicName() + "/" + schema.version() + "]";
      if (!versions.add(schema.topicName() + "/" + schema.version())) {
        problem(path, "schema version '" + schema.version() + "' of topic '" + schema.topicName()
            + "' appears more than once");
      }
      if (!registered.isEmpty() && !registered.contains(schema.topicName())) {
        problem(path + ".topic_name", "schema of topic '" + schema.topicName() + "' which is not in the topic registry");
      }
      if (schema.version().isBlank()) {
        problem(path + ".version", "the version is empty; expected a version such as v1");
      }
      try {
        if (!(CanonicalJson.parse(schema.schemaJson()) instanceof Map)) {
          problem(path + ".schema_json", "a JSON Schema must be a JSON object");
        }
      } catch (IllegalArgumentException e) {
        problem(path + ".schema_json", "not valid JSON: " + e.getMessage());
      }
      if (schema.current() && currentVersions.merge(schema.topicName(), 1, Integer::sum) == 2) {
        problem(path + ".is_current", "topic '" + schema.topicName() + "' has more than one current schema version");
      }
    }
    Set<String> mapped = new HashSet<>();
    for (TopicMapping mapping : snapshot.mappings()) {
      if (!mapped.add(mapping.topic())) {
        problem("mappings[" + mapping.topic() + "]", "topic '" + mapping.topic() + "' has more than one mapping");
      }
      checkMapping(mapping);
    }
    Set<String> flowNames = new HashSet<>();
    for (PipelineFlow flow : snapshot.flows()) {
      if (!flowNames.add(flow.flowName())) {
        problem("flows[" + flow.flowName() + "]", "flow '" + flow.flowName() + "' appears more than once");
      }
      checkFlow(flow, registered);
    }
  }

  private void checkTopicName(String path, String name) {
    if (!TOPIC_NAME.matcher(name).matches()) {
      problem(path, "topic name '" + name + "' breaks the naming rule " + TOPIC_NAME.pattern()
          + " (<category>.<source>.<datatype>[.<stage>], lower-case letters and digits)");
    }
  }

  private void checkMapping(TopicMapping mapping) {
    String path = "mappings[" + mapping.topic() + "]";
    checkTopicName(path + ".topic", mapping.topic());
    if (!SqlIdentifiers.isValidTable(mapping.table())) {
      problem(path + ".table_name", "table name '" + mapping.table() + "' is not allowed; expected "
          + SqlIdentifiers.PATTERN_TEXT + ", optionally schema-qualified");
    }
    if (mapping.fields().isEmpty()) {
      problem(path + ".fields", "the mapping has no field mappings; expected at least one");
    }
    Set<String> columns = new HashSet<>();
    String explodePrefix = null;
    for (int i = 0; i < mapping.fields().size(); i++) {
      FieldMapping field = mapping.fields().get(i);
      String fieldPath = path + ".fields[" + i + "]";
      if (!SqlIdentifiers.isValid(field.targetColumn())) {
        problem(fieldPath + ".target_column", "column name '" + field.targetColumn() + "' is not allowed; expected "
            + SqlIdentifiers.PATTERN_TEXT);
      } else if (!columns.add(field.targetColumn())) {
        problem(fieldPath + ".target_column", "column '" + field.targetColumn() + "' is mapped more than once");
      }
      FieldPath parsed = null;
      try {
        parsed = FieldPath.parse(field.sourcePath());
      } catch (IllegalArgumentException e) {
        problem(fieldPath + ".source_field_path", "path '" + field.sourcePath() + "' is malformed: " + e.getMessage());
      }
      if (parsed != null && parsed.wildcardPosition() >= 0) {
        String prefix = field.sourcePath().substring(0, field.sourcePath().indexOf("[*]") + 3);
        if (explodePrefix == null) {
          explodePrefix = prefix;
        } else if (!explodePrefix.equals(prefix)) {
          problem(fieldPath + ".source_field_path", "path '" + field.sourcePath() + "' explodes along '" + prefix
              + "' but another field explodes along '" + explodePrefix + "'; a message explodes along one array only");
        }
      }
      checkTransformation(fieldPath, field);
      if (field.defaultValue() != null) {
        String error = Values.checkDefault(field);
        if (error != null) {
          problem(fieldPath + ".default_value", "default value '" + field.defaultValue() + "' does not fit type "
              + field.dataType() + ": " + error);
        }
      }
      if (field.timestampFormat() != null && field.dataType() != DataType.TIMESTAMP
          && field.transformation() != Transformation.TIMESTAMP_PARSE) {
        problem(fieldPath + ".timestamp_format", "timestamp_format '" + field.timestampFormat()
            + "' is set on a column of type " + field.dataType() + "; it applies to timestamp columns only");
      }
    }
    for (String key : mapping.upsertKey()) {
      if (!columns.contains(key)) {
        problem(path + ".upsert_key", "upsert key column '" + key + "' is not mapped by any field; "
            + (columns.isEmpty() ? "no column is mapped" : "mapped columns are " + String.join(", ", new java.util.TreeSet<>(columns))));
      }
    }
    if (mapping.upsertKey().size() != new HashSet<>(mapping.upsertKey()).size()) {
      problem(path + ".upsert_key", "upsert key '" + mapping.upsertKeyText() + "' names a column twice");
    }
    if (mapping.isAppendOnly() && mapping.conflictStrategy() != ConflictStrategy.IGNORE) {
      problem(path + ".conflict_strategy", "conflict strategy '" + mapping.conflictStrategy()
          + "' needs an upsert key; with an empty key rows are only appended");
    }
    if (mapping.deadLetterTopic() != null && !KAFKA_TOPIC.matcher(mapping.deadLetterTopic()).matches()) {
      problem(path + ".dead_letter_topic", "dead-letter topic '" + mapping.deadLetterTopic()
          + "' is not a legal Kafka topic name ([a-zA-Z0-9._-], at most 249 characters)");
    }
    if (mapping.hypertable() != null && !columns.contains(mapping.hypertable().timeColumn())) {
      problem(path + ".hypertable.time_column", "hypertable time column '" + mapping.hypertable().timeColumn()
          + "' is not mapped by any field");
    }
    SchemaValidation validation = mapping.schemaValidation();
    if (validation.versionField() != null && !validation.enabled()) {
      problem(path + ".schema_version_field", "a schema version field is set but schema validation is off");
    }
    if (validation.versionHeader() != null && !validation.enabled()) {
      problem(path + ".schema_version_header", "a schema version header is set but schema validation is off");
    }
  }

  private void checkTransformation(String fieldPath, FieldMapping field) {
    Transformation t = field.transformation();
    if (t == null) {
      return;
    }
    boolean fits = switch (t) {
      case BASE64_DECODE -> field.dataType() == DataType.STRING;
      case TIMESTAMP_PARSE -> field.dataType() == DataType.TIMESTAMP;
      case JSON_STRINGIFY -> field.dataType() == DataType.STRING || field.dataType() == DataType.JSON;
    };
    if (!fits) {
      String expected = switch (t) {
        case BASE64_DECODE -> "string";
        case TIMESTAMP_PARSE -> "timestamp";
        case JSON_STRINGIFY -> "string or json";
      };
      problem(fieldPath + ".transformation", "transformation '" + t + "' cannot produce type " + field.dataType()
          + "; expected data_type " + expected);
    }
  }

  private void checkFlow(PipelineFlow flow, Set<String> registered) {
    String path = "flows[" + flow.flowName() + "]";
    if (!PRIORITIES.contains(flow.priority())) {
      problem(path + ".priority", "priority '" + flow.priority() + "' is unknown; expected critical, high, medium or low");
    }
    Set<String> stageNames = new HashSet<>();
    for (PipelineStage stage : flow.stages()) {
      String stagePath = path + ".stages[" + stage.stageName() + "]";
      if (!stageNames.add(stage.stageName())) {
        problem(stagePath, "stage '" + stage.stageName() + "' appears twice in flow '" + flow.flowName() + "'");
      }
      if (stage.replicas() <= 0) {
        problem(stagePath + ".replicas", "replicas is " + stage.replicas() + "; expected at least 1");
      }
      if (stage.errorRateThreshold() != null && (stage.errorRateThreshold() < 0 || stage.errorRateThreshold() > 1)) {
        problem(stagePath + ".error_rate_threshold", "error_rate_threshold is " + stage.errorRateThreshold()
            + "; expected a fraction between 0 and 1");
      }
      if (stage.configurationJson() != null) {
        try {
          CanonicalJson.parse(stage.configurationJson());
        } catch (IllegalArgumentException e) {
          problem(stagePath + ".configuration", "not valid JSON: " + e.getMessage());
        }
      }
      Set<StageTopic> seen = new HashSet<>();
      for (StageTopic topic : stage.topics()) {
        String topicPath = stagePath + ".topics[" + topic.role() + ":" + topic.topicName() + "]";
        if (!seen.add(topic)) {
          problem(topicPath, "topic '" + topic.topicName() + "' is listed twice as " + topic.role());
        }
        if (!registered.isEmpty() && !registered.contains(topic.topicName())) {
          problem(topicPath, "topic '" + topic.topicName() + "' is not in the topic registry");
        }
      }
    }
  }
}
