package io.loom.mapping.yaml.internal;

import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.Transformation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads the legacy {@code config/topic_mappings.yml} shape: {@code topics} is a mapping of topic name
 * to {@code table}, {@code field_mappings} (source path to column), {@code data_types}, {@code
 * transforms} (by column), {@code required_fields} (source paths) and {@code defaults} (by column or
 * source path), with file-wide {@code defaults} for the upsert key, conflict strategy and data type.
 *
 * <p>Design note: fields are numbered in {@code field_mappings} order, so logical paths match the
 * validator's; each setting is located where it is written ({@code data_types} entry, {@code
 * required_fields} item). A setting for a column or path that {@code field_mappings} does not map is a
 * problem, not silently ignored. Each topic also becomes a registry entry ({@link TopicDefinition#of}).
 */
final class LegacyReader {
  static final List<String> TOP_KEYS = List.of("topics", "defaults");
  static final List<String> DEFAULT_KEYS = List.of("upsert_key", "conflict_strategy", "data_type");
  static final List<String> TOPIC_KEYS = List.of("table", "description", "upsert_key", "conflict_strategy",
      "field_mappings", "data_types", "transforms", "required_fields", "defaults");

  private final DocContext doc;
  private final ConfigParts parts;
  private List<String> defaultKey = TopicMapping.DEFAULT_UPSERT_KEY;
  private ConflictStrategy defaultStrategy = ConflictStrategy.IGNORE;
  private DataType defaultType = DataType.STRING;

  private LegacyReader(DocContext doc, ConfigParts parts) {
    this.doc = doc;
    this.parts = parts;
  }

  static void read(DocContext doc, YamlMap root, ConfigParts parts) {
    new LegacyReader(doc, parts).read(root);
  }

  private void read(YamlMap root) {
    root.allowOnly(TOP_KEYS);
    if (!DocContext.isNull(root.value("defaults"))) {
      YamlMap defaults = YamlMap.open(doc, root.value("defaults"), "defaults", "the file-wide defaults");
      if (defaults != null) {
        defaults.allowOnly(DEFAULT_KEYS);
        if (defaults.has("upsert_key")) {
          defaultKey = upsertKey(defaults.value("upsert_key"), "defaults.upsert_key");
        }
        ConflictStrategy strategy = defaults.name("conflict_strategy", ConflictStrategy::fromConfigName,
            "conflict strategy", ConflictStrategy.knownNames());
        defaultStrategy = strategy == null ? defaultStrategy : strategy;
        DataType type = defaults.name("data_type", DataType::fromConfigName, "data type", DataType.knownNames());
        defaultType = type == null ? defaultType : type;
      }
    }
    YamlMap topics = YamlMap.open(doc, root.value("topics"), "topics", "a mapping of topic names to their mappings");
    if (topics == null) {
      return;
    }
    for (String topic : topics.keys()) {
      topic(topic, topics.keyNode(topic), topics.value(topic));
    }
  }

  private List<String> upsertKey(Node node, String path) {
    if (DocContext.isNull(node)) {
      return List.of();
    }
    if (node instanceof ScalarNode) {
      return TopicMapping.parseUpsertKey(doc.text(node, path, "column names"));
    }
    List<Node> items = doc.list(node, path, "a list of column names or a text such as 'device_id, timestamp'");
    List<String> key = new ArrayList<>();
    if (items != null) {
      for (Node item : items) {
        String column = doc.text(item, path, "a column name");
        if (column != null) {
          key.add(column);
        }
      }
    }
    return key;
  }

  private static final class Draft {
    final String source;
    final String column;
    final Node node;
    DataType type;
    boolean typeFailed;
    Transformation transformation;
    boolean required;
    String defaultValue;

    Draft(String source, String column, Node node) {
      this.source = source;
      this.column = column;
      this.node = node;
    }
  }

  private void topic(String topic, Node keyNode, Node value) {
    String path = "mappings[" + topic + "]";
    doc.locate(path, keyNode);
    doc.locate(path + ".topic", keyNode);
    YamlMap m = YamlMap.open(doc, value, path, "the mapping of topic '" + topic + "'");
    if (m == null) {
      return;
    }
    m.allowOnly(TOPIC_KEYS);
    m.locateAs(path + ".table_name", "table");
    String table = m.text("table");
    if (table == null && DocContext.isNull(m.value("table"))) {
      doc.problem(m.has("table") ? m.keyNode("table") : keyNode, path + ".table",
          "table is missing; every topic names its table");
    }
    String description = m.text("description");
    List<String> upsertKey = m.has("upsert_key") ? upsertKey(m.value("upsert_key"), path + ".upsert_key") : defaultKey;
    ConflictStrategy strategy = m.name("conflict_strategy", ConflictStrategy::fromConfigName, "conflict strategy",
        ConflictStrategy.knownNames());

    List<Draft> drafts = new ArrayList<>();
    if (DocContext.isNull(m.value("field_mappings"))) {
      m.problem("field_mappings", "field_mappings is missing; expected source paths mapped to columns, such as"
          + " 'data.latitude: latitude'");
    } else {
      YamlMap fm = YamlMap.open(doc, m.value("field_mappings"), path + ".field_mappings",
          "source paths mapped to columns");
      if (fm != null) {
        for (String source : fm.keys()) {
          String fieldPath = path + ".fields[" + drafts.size() + "]";
          String column = doc.text(fm.value(source), fieldPath + ".target_column", "a column name");
          if (column == null && DocContext.isNull(fm.value(source))) {
            doc.problem(fm.keyNode(source), fieldPath + ".target_column",
                "source path '" + source + "' is mapped to no column; expected 'path: column'");
          }
          Node at = fm.keyNode(source);
          doc.locate(fieldPath, at);
          doc.locate(fieldPath + ".source_field_path", at);
          doc.locate(fieldPath + ".target_column", fm.value(source));
          Draft draft = new Draft(source, column == null ? "" : column, at);
          if (column == null) {
            draft.typeFailed = true;
            CanonicalReader.suppressColumnChecks(doc, path);
          }
          drafts.add(draft);
        }
      }
    }
    dataTypes(m, path, drafts);
    transforms(m, path, drafts);
    requiredFields(m, path, drafts);
    defaults(m, path, drafts);

    List<FieldMapping> fields = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      Draft d = drafts.get(i);
      if (d.typeFailed) {
        doc.diagnostics.suppress(path + ".fields[" + i + "]");
      }
      fields.add(new FieldMapping(d.source, d.column, d.type == null ? defaultType : d.type, d.transformation,
          d.required, d.defaultValue, null));
    }
    if (table != null) {
      parts.mapping(new TopicMapping(topic, table, upsertKey, strategy == null ? defaultStrategy : strategy, fields),
          doc.location(keyNode), path);
      parts.derivedTopic(TopicDefinition.of(topic, description), doc.location(keyNode));
    }
  }

  /** A sub-mapping of a topic keyed by column ({@code data_types}, {@code transforms}) or null if absent. */
  private YamlMap byColumn(YamlMap m, String key, String path, String expected) {
    if (DocContext.isNull(m.value(key))) {
      return null;
    }
    return YamlMap.open(doc, m.value(key), path + "." + key, expected);
  }

  private void dataTypes(YamlMap m, String path, List<Draft> drafts) {
    YamlMap types = byColumn(m, "data_types", path, "columns mapped to data types");
    if (types == null) {
      return;
    }
    for (String column : types.keys()) {
      List<Integer> targets = byColumn(drafts, column);
      if (targets.isEmpty()) {
        types.problem(column, "data type for column '" + column + "', which field_mappings does not map; mapped columns are "
            + columns(drafts));
        continue;
      }
      DataType type = types.name(column, DataType::fromConfigName, "data type", DataType.knownNames());
      for (int i : targets) {
        doc.locate(path + ".fields[" + i + "].data_type", types.keyNode(column));
        drafts.get(i).type = type;
        drafts.get(i).typeFailed |= type == null;
      }
    }
  }

  private void transforms(YamlMap m, String path, List<Draft> drafts) {
    YamlMap transforms = byColumn(m, "transforms", path, "columns mapped to transformations");
    if (transforms == null) {
      return;
    }
    for (String column : transforms.keys()) {
      List<Integer> targets = byColumn(drafts, column);
      if (targets.isEmpty()) {
        transforms.problem(column, "transformation for column '" + column
            + "', which field_mappings does not map; mapped columns are " + columns(drafts));
        continue;
      }
      Transformation t = transforms.name(column, Transformation::fromConfigName, "transformation",
          Transformation.knownNames());
      for (int i : targets) {
        doc.locate(path + ".fields[" + i + "].transformation", transforms.keyNode(column));
        drafts.get(i).transformation = t;
      }
    }
  }

  private void requiredFields(YamlMap m, String path, List<Draft> drafts) {
    Node node = m.value("required_fields");
    if (DocContext.isNull(node)) {
      return;
    }
    List<Node> items = doc.list(node, path + ".required_fields", "a list of source paths");
    if (items == null) {
      return;
    }
    for (Node item : items) {
      String source = doc.text(item, path + ".required_fields", "a source path");
      if (source == null) {
        continue;
      }
      boolean found = false;
      for (int i = 0; i < drafts.size(); i++) {
        if (drafts.get(i).source.equals(source)) {
          drafts.get(i).required = true;
          doc.locate(path + ".fields[" + i + "].is_required", item);
          found = true;
        }
      }
      if (!found) {
        doc.problem(item, path + ".required_fields", "required field '" + source
            + "' is not a source path in field_mappings; mapped paths are " + sources(drafts));
      }
    }
  }

  private void defaults(YamlMap m, String path, List<Draft> drafts) {
    YamlMap defaults = byColumn(m, "defaults", path, "default values by column or source path");
    if (defaults == null) {
      return;
    }
    for (String key : defaults.keys()) {
      List<Integer> targets = byColumn(drafts, key);
      if (targets.isEmpty()) {
        for (int i = 0; i < drafts.size(); i++) {
          if (drafts.get(i).source.equals(key)) {
            targets.add(i);
          }
        }
      }
      if (targets.isEmpty()) {
        defaults.problem(key, "default for '" + key + "', which is neither a mapped column nor a mapped source path;"
            + " mapped columns are " + columns(drafts));
        continue;
      }
      Node value = defaults.value(key);
      String text = value instanceof ScalarNode || value == null
          ? defaults.text(key)
          : YamlJson.toJson(doc, value, path + ".defaults." + key);
      for (int i : targets) {
        doc.locate(path + ".fields[" + i + "].default_value", defaults.keyNode(key));
        drafts.get(i).defaultValue = text;
      }
    }
  }

  private static List<Integer> byColumn(List<Draft> drafts, String column) {
    List<Integer> result = new ArrayList<>();
    for (int i = 0; i < drafts.size(); i++) {
      if (drafts.get(i).column.equals(column)) {
        result.add(i);
      }
    }
    return result;
  }

  private static String columns(List<Draft> drafts) {
    Set<String> names = new LinkedHashSet<>();
    drafts.stream().filter(d -> !d.column.isEmpty()).forEach(d -> names.add(d.column));
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }

  private static String sources(List<Draft> drafts) {
    Set<String> names = new LinkedHashSet<>();
    drafts.forEach(d -> names.add(d.source));
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }
}
