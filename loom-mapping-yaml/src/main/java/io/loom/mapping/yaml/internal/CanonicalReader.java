package io.loom.mapping.yaml.internal;

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
import io.loom.mapping.internal.CanonicalJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads the canonical shape: {@code topics}, {@code schemas}, {@code mappings} and {@code flows} as
 * lists of rows whose keys are the configuration tables' column names.
 *
 * <p>Design note: each list entry is named in logical paths by its key ({@code
 * mappings[device.sensor.gps.raw]}), by its position when the key is missing; field mappings always by
 * position, so paths match the validator's. A value that cannot be represented (an unknown data type, a
 * missing column name) is reported and replaced by a placeholder whose validator problems are
 * suppressed; an entry without its key is reported and left out.
 */
final class CanonicalReader {
  static final List<String> TOP_KEYS = List.of("format", "version", "topics", "schemas", "mappings", "flows");
  static final List<String> TOPIC_KEYS = List.of("topic_name", "category", "source", "datatype", "stage", "description",
      "retention_days", "partitions", "replication_factor", "compression_type", "is_active");
  static final List<String> SCHEMA_KEYS =
      List.of("topic_name", "version", "is_current", "schema_path", "schema_json", "schema_file");
  static final List<String> MAPPING_KEYS = List.of("topic_name", "table_name", "upsert_key", "conflict_strategy",
      "dead_letter_topic", "schema_validation", "hypertable", "fields");
  static final List<String> SCHEMA_VALIDATION_KEYS = List.of("enabled", "version_field", "version_header");
  static final List<String> HYPERTABLE_KEYS = List.of("time_column", "chunk_interval");
  static final List<String> FIELD_KEYS = List.of("source_field_path", "target_column", "data_type", "transformation",
      "is_required", "default_value", "timestamp_format");
  static final List<String> FLOW_KEYS = List.of("flow_name", "description", "priority", "expected_events_per_second",
      "average_event_size_bytes", "peak_multiplier", "is_active", "stages");
  static final List<String> STAGE_KEYS = List.of("stage_name", "stage_order", "service_name", "service_image",
      "replicas", "configuration", "processing_timeout_seconds", "retry_max_attempts", "retry_backoff_seconds",
      "sla_seconds", "error_rate_threshold", "topics");
  static final List<String> STAGE_TOPIC_KEYS = List.of("input", "output", "error");

  /** The format name written as {@code format: loom}. */
  static final String FORMAT = "loom";
  /** The format version this reader understands. */
  static final int VERSION = 1;

  private final DocContext doc;
  private final ConfigParts parts;

  private CanonicalReader(DocContext doc, ConfigParts parts) {
    this.doc = doc;
    this.parts = parts;
  }

  static void read(DocContext doc, YamlMap root, ConfigParts parts) {
    new CanonicalReader(doc, parts).read(root);
  }

  private void read(YamlMap root) {
    root.allowOnly(TOP_KEYS, key -> key.startsWith("x-"));
    String format = root.text("format");
    if (format != null && !format.equals(FORMAT)) {
      doc.problem(root.value("format"), "format", "format '" + format + "' is unknown; expected " + FORMAT);
    }
    Integer version = root.integer("version");
    if (version != null && version != VERSION) {
      doc.problem(root.value("version"), "version", "format version " + version + " is not supported; expected " + VERSION);
    }
    each(root, "topics", "a list of topics", "topic_name", this::topic);
    each(root, "schemas", "a list of schema versions", null, this::schema);
    each(root, "mappings", "a list of topic mappings", "topic_name", this::mapping);
    each(root, "flows", "a list of pipeline flows", "flow_name", this::flow);
  }

  private interface EntryReader {
    void read(Node item, String path, int index);
  }

  private void each(YamlMap root, String key, String expected, String nameKey, EntryReader reader) {
    List<Node> items = doc.list(root.value(key), key, expected);
    if (items == null) {
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      String name = nameKey == null ? null : nameOf(item, nameKey);
      String path = key + "[" + (name == null ? String.valueOf(i) : name) + "]";
      reader.read(item, path, i);
    }
  }

  /** The plain text under {@code key} of a mapping node, without reporting anything; {@code null} if none. */
  static String nameOf(Node node, String key) {
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)
            && tuple.getValueNode() instanceof ScalarNode v && !v.getTag().equals(Tag.NULL)) {
          return v.getValue();
        }
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- topics

  private void topic(Node item, String path, int index) {
    YamlMap m = YamlMap.open(doc, item, path, "a topic");
    if (m == null) {
      return;
    }
    m.allowOnly(TOPIC_KEYS);
    doc.locate(path, item);
    String name = m.requiredText("topic_name", "every topic needs its name");
    TopicDefinition derived = TopicDefinition.of(name == null ? "" : name, null);
    String category = m.has("category") ? m.text("category") : derived.category();
    String source = m.has("source") ? m.text("source") : derived.source();
    String datatype = m.has("datatype") ? m.text("datatype") : derived.datatype();
    String stage = m.has("stage") ? m.text("stage") : derived.stage();
    String description = m.text("description");
    int retention = m.integer("retention_days", TopicDefinition.DEFAULT_RETENTION_DAYS);
    int partitions = m.integer("partitions", TopicDefinition.DEFAULT_PARTITIONS);
    int replication = m.integer("replication_factor", TopicDefinition.DEFAULT_REPLICATION_FACTOR);
    String compression = m.text("compression_type");
    boolean active = m.bool("is_active", true);
    if (name != null) {
      parts.topic(new TopicDefinition(name, category, source, datatype, stage, description, retention, partitions,
          replication, compression, active), doc.location(item), path);
    }
  }

  // ---------------------------------------------------------------- schemas

  private void schema(Node item, String path, int index) {
    String topic = nameOf(item, "topic_name");
    String version = nameOf(item, "version");
    if (topic != null && version != null) {
      path = "schemas[" + topic + "/" + version + "]";
    }
    YamlMap m = YamlMap.open(doc, item, path, "a schema version");
    if (m == null) {
      return;
    }
    m.allowOnly(SCHEMA_KEYS);
    doc.locate(path, item);
    topic = m.requiredText("topic_name", "every schema names its topic");
    version = m.requiredText("version", "every schema has a version such as v1");
    boolean current = m.bool("is_current", false);
    String schemaPath = m.text("schema_path");
    String json = null;
    if (m.has("schema_file")) {
      m.locateAs(path + ".schema_json", "schema_file");
      if (m.has("schema_json")) {
        m.problem("schema_file", "give either schema_json or schema_file, not both");
        doc.diagnostics.suppress(path + ".schema_json");
      }
      String file = m.requiredText("schema_file", "name the JSON Schema file, relative to this file");
      if (file != null) {
        json = include(m, path, file);
        if (!m.has("schema_path")) {
          schemaPath = file;
        }
      }
    } else if (!DocContext.isNull(m.value("schema_json"))) {
      json = jsonValue(m.value("schema_json"), path + ".schema_json");
    } else {
      doc.problem(m.keyNode("schema_json"), path + ".schema_json",
          "schema_json or schema_file is missing; give the JSON Schema inline or name its file");
    }
    if (json == null) {
      doc.diagnostics.suppress(path + ".schema_json");
      json = "{}";
    }
    if (topic != null && version != null) {
      parts.schema(new TopicSchema(topic, version, json, schemaPath, current), doc.location(item), path);
    }
  }

  /** Reads a {@code schema_file}; reports a file that cannot be read or is not JSON at its own line. */
  private String include(YamlMap m, String path, String reference) {
    ConfigDocument.Included included;
    try {
      included = doc.document.includes().read(reference);
    } catch (IOException e) {
      doc.problem(m.value("schema_file"), path + ".schema_file", "schema file '" + reference + "' cannot be read: "
          + e.getMessage());
      return null;
    }
    doc.dependencies.add(included.stamp());
    try {
      CanonicalJson.parse(included.text());
    } catch (IllegalArgumentException e) {
      String location = included.name();
      if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
        location += ":" + jpe.getLocation().getLineNr();
      }
      doc.diagnostics.problem(location, path + ".schema_json", "not valid JSON: " + e.getMessage());
      return null;
    }
    return included.text();
  }

  /**
   * A JSON value written in YAML: a mapping or list is converted, a quoted or plain text is taken as
   * JSON text, other scalars (a number, true) are JSON values themselves.
   */
  private String jsonValue(Node node, String path) {
    if (node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.STR)) {
      return scalar.getValue();
    }
    return YamlJson.toJson(doc, node, path);
  }

  // ---------------------------------------------------------------- mappings

  private void mapping(Node item, String path, int index) {
    YamlMap m = YamlMap.open(doc, item, path, "a topic mapping");
    if (m == null) {
      return;
    }
    m.allowOnly(MAPPING_KEYS);
    doc.locate(path, item);
    m.locateAs(path + ".topic", "topic_name");
    String topic = m.requiredText("topic_name", "every mapping names its topic");
    String table = m.requiredText("table_name", "every mapping names its table");
    List<String> upsertKey = upsertKey(m, path);
    ConflictStrategy strategy = m.name("conflict_strategy", ConflictStrategy::fromConfigName, "conflict strategy",
        ConflictStrategy.knownNames());
    String deadLetter = m.text("dead_letter_topic");
    SchemaValidation validation = schemaValidation(m, path);
    Hypertable hypertable = hypertable(m, path);
    List<FieldMapping> fields = fields(m.value("fields"), path);
    if (topic != null && table != null) {
      parts.mapping(new TopicMapping(topic, table, upsertKey, strategy, fields, deadLetter, validation, hypertable),
          doc.location(item), path);
    }
  }

  private List<String> upsertKey(YamlMap m, String path) {
    if (!m.has("upsert_key")) {
      return TopicMapping.DEFAULT_UPSERT_KEY;
    }
    Node node = m.value("upsert_key");
    if (DocContext.isNull(node)) {
      m.problem("upsert_key", "upsert_key has no value; write [] for append-only, or list the key columns");
      doc.diagnostics.suppress(path + ".upsert_key");
      return List.of();
    }
    if (node instanceof ScalarNode) {
      return TopicMapping.parseUpsertKey(doc.text(node, path + ".upsert_key", "a list of column names"));
    }
    return textList(node, path + ".upsert_key", "a list of column names");
  }

  /** A list of texts, or a single text as a list of one. */
  private List<String> textList(Node node, String path, String expected) {
    if (node instanceof ScalarNode) {
      String text = doc.text(node, path, expected);
      return text == null ? List.of() : List.of(text);
    }
    List<Node> items = doc.list(node, path, expected);
    List<String> result = new ArrayList<>();
    if (items != null) {
      for (Node item : items) {
        String text = doc.text(item, path, "a name");
        if (text != null) {
          result.add(text);
        } else if (DocContext.isNull(item)) {
          doc.problem(item, path, "an empty entry in the list; expected a name");
        }
      }
    }
    return result;
  }

  private SchemaValidation schemaValidation(YamlMap m, String path) {
    Node node = m.value("schema_validation");
    if (DocContext.isNull(node)) {
      return null;
    }
    YamlMap v = YamlMap.open(doc, node, path + ".schema_validation", "schema validation settings");
    if (v == null) {
      return null;
    }
    v.allowOnly(SCHEMA_VALIDATION_KEYS);
    v.locateAs(path + ".schema_version_field", "version_field");
    return new SchemaValidation(v.bool("enabled", true), v.text("version_field"), v.text("version_header"));
  }

  private Hypertable hypertable(YamlMap m, String path) {
    Node node = m.value("hypertable");
    if (DocContext.isNull(node)) {
      return null;
    }
    YamlMap h = YamlMap.open(doc, node, path + ".hypertable", "hypertable settings");
    if (h == null) {
      return null;
    }
    h.allowOnly(HYPERTABLE_KEYS);
    String timeColumn = h.requiredText("time_column", "a hypertable is partitioned by a time column");
    String chunkInterval = h.text("chunk_interval");
    return timeColumn == null ? null : new Hypertable(timeColumn, chunkInterval);
  }

  private List<FieldMapping> fields(Node node, String mappingPath) {
    List<Node> items = doc.list(node, mappingPath + ".fields", "a list of field mappings");
    if (items == null) {
      doc.diagnostics.suppress(mappingPath + ".fields");
      return List.of();
    }
    List<FieldMapping> fields = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String path = mappingPath + ".fields[" + i + "]";
      fields.add(field(items.get(i), path));
    }
    return fields;
  }

  private FieldMapping field(Node item, String path) {
    YamlMap f = YamlMap.open(doc, item, path, "a field mapping");
    if (f == null) {
      doc.diagnostics.suppress(path);
      suppressColumnChecks(path.substring(0, path.lastIndexOf(".fields[")));
      return FieldMapping.of("", "", DataType.STRING);
    }
    f.allowOnly(FIELD_KEYS);
    doc.locate(path, item);
    String why = "every field needs source_field_path, target_column and data_type";
    String source = f.requiredText("source_field_path", why);
    String column = f.requiredText("target_column", why);
    DataType type = f.name("data_type", DataType::fromConfigName, "data type", DataType.knownNames());
    if (type == null && DocContext.isNull(f.value("data_type"))) {
      f.requiredText("data_type", why);
    }
    Transformation transformation =
        f.name("transformation", Transformation::fromConfigName, "transformation", Transformation.knownNames());
    boolean required = f.bool("is_required", false);
    String defaultValue = defaultValue(f, path);
    TimestampFormat format =
        f.name("timestamp_format", TimestampFormat::fromConfigName, "timestamp format", TimestampFormat.knownNames());
    if (source == null || column == null || type == null) {
      doc.diagnostics.suppress(path);
    }
    if (column == null) {
      suppressColumnChecks(path.substring(0, path.lastIndexOf(".fields[")));
    }
    return new FieldMapping(source == null ? "" : source, column == null ? "" : column,
        type == null ? DataType.STRING : type, transformation, required, defaultValue, format);
  }

  /**
   * A field without its column could be the one the upsert key or hypertable names: the validator's
   * "not mapped by any field" would mislead, so it waits until the field is fixed.
   */
  static void suppressColumnChecks(DocContext doc, String mappingPath) {
    doc.diagnostics.suppress(mappingPath + ".upsert_key");
    doc.diagnostics.suppress(mappingPath + ".hypertable.time_column");
  }

  private void suppressColumnChecks(String mappingPath) {
    suppressColumnChecks(doc, mappingPath);
  }

  /** A default as written ({@code 16000}, {@code celsius}), or a list/mapping as JSON text. */
  private String defaultValue(YamlMap f, String path) {
    Node node = f.value("default_value");
    if (node instanceof ScalarNode || node == null) {
      return f.text("default_value");
    }
    return YamlJson.toJson(doc, node, path + ".default_value");
  }

  // ---------------------------------------------------------------- flows

  private void flow(Node item, String path, int index) {
    YamlMap m = YamlMap.open(doc, item, path, "a pipeline flow");
    if (m == null) {
      return;
    }
    m.allowOnly(FLOW_KEYS);
    doc.locate(path, item);
    String name = m.requiredText("flow_name", "every flow has a name");
    String description = m.text("description");
    String priority = m.text("priority");
    Integer eventsPerSecond = m.integer("expected_events_per_second");
    Integer eventSize = m.integer("average_event_size_bytes");
    int peak = m.integer("peak_multiplier", PipelineFlow.DEFAULT_PEAK_MULTIPLIER);
    boolean active = m.bool("is_active", true);
    List<PipelineStage> stages = stages(m.value("stages"), path);
    if (name != null) {
      parts.flow(new PipelineFlow(name, description, priority, eventsPerSecond, eventSize, peak, active, stages),
          doc.location(item), path);
    }
  }

  private List<PipelineStage> stages(Node node, String flowPath) {
    List<Node> items = doc.list(node, flowPath + ".stages", "a list of stages");
    if (items == null) {
      return List.of();
    }
    Map<String, Node> seen = new LinkedHashMap<>();
    List<PipelineStage> stages = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      String name = nameOf(item, "stage_name");
      String path = flowPath + ".stages[" + (name == null ? String.valueOf(i) : name) + "]";
      if (name != null && seen.containsKey(name)) {
        doc.problem(item, path, "stage '" + name + "' is written twice in this flow (first at "
            + doc.location(seen.get(name)) + "); keep one");
        continue;
      }
      PipelineStage stage = stage(item, path, i + 1);
      if (stage != null) {
        seen.put(stage.stageName(), item);
        stages.add(stage);
      }
    }
    return stages;
  }

  private PipelineStage stage(Node item, String path, int position) {
    YamlMap s = YamlMap.open(doc, item, path, "a pipeline stage");
    if (s == null) {
      return null;
    }
    s.allowOnly(STAGE_KEYS);
    doc.locate(path, item);
    String name = s.requiredText("stage_name", "every stage has a name");
    int order = s.integer("stage_order", position);
    String service = s.text("service_name");
    String image = s.text("service_image");
    int replicas = s.integer("replicas", PipelineStage.DEFAULT_REPLICAS);
    Node configurationNode = s.value("configuration");
    String configuration = DocContext.isNull(configurationNode) ? null
        : jsonValue(configurationNode, path + ".configuration");
    if (configuration == null && !DocContext.isNull(configurationNode)) {
      doc.diagnostics.suppress(path + ".configuration");
    }
    Integer timeout = s.integer("processing_timeout_seconds");
    int retries = s.integer("retry_max_attempts", PipelineStage.DEFAULT_RETRY_MAX_ATTEMPTS);
    int backoff = s.integer("retry_backoff_seconds", PipelineStage.DEFAULT_RETRY_BACKOFF_SECONDS);
    Integer sla = s.integer("sla_seconds");
    Double errorRate = s.decimal("error_rate_threshold");
    List<StageTopic> topics = stageTopics(s.value("topics"), path);
    if (name == null) {
      return null;
    }
    return new PipelineStage(name, order, service, image, replicas, configuration, timeout, retries, backoff, sla,
        errorRate, topics);
  }

  private List<StageTopic> stageTopics(Node node, String stagePath) {
    if (DocContext.isNull(node)) {
      return List.of();
    }
    YamlMap t = YamlMap.open(doc, node, stagePath + ".topics", "the stage's topics by role (input, output, error)");
    if (t == null) {
      return List.of();
    }
    t.allowOnly(STAGE_TOPIC_KEYS);
    List<StageTopic> topics = new ArrayList<>();
    for (String key : STAGE_TOPIC_KEYS) {
      Node roleNode = t.value(key);
      if (DocContext.isNull(roleNode)) {
        continue;
      }
      TopicRole role = TopicRole.fromConfigName(key).orElseThrow();
      List<Node> items = roleNode instanceof ScalarNode ? List.of(roleNode)
          : doc.list(roleNode, stagePath + ".topics." + key, "a list of topic names");
      if (items == null) {
        continue;
      }
      for (Node item : items) {
        String topic = doc.text(item, stagePath + ".topics." + key, "a topic name");
        if (topic != null) {
          doc.locate(stagePath + ".topics[" + role + ":" + topic + "]", item);
          topics.add(new StageTopic(topic, role));
        }
      }
    }
    return topics;
  }
}
