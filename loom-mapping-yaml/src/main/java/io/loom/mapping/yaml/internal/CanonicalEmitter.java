package io.loom.mapping.yaml.internal;

import static io.loom.mapping.yaml.internal.YamlScalars.Mode.JSON_STRING;
import static io.loom.mapping.yaml.internal.YamlScalars.Mode.TEXT;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.Hypertable;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.SchemaValidation;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicRole;
import io.loom.mapping.TopicSchema;
import io.loom.mapping.internal.CanonicalJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a {@link ConfigSnapshot} as canonical YAML text.
 *
 * <p>Design note: the output is a pure function of the snapshot (its canonical order, keys in a fixed
 * order, values that equal the reader's defaults left out, a blank line between entries), so the same
 * snapshot always gives the same bytes and a canonical file written by hand comes back normalised.
 * Field mappings are one flow mapping per line, JSON values (schemas, stage configurations) are block
 * YAML with sorted keys. Every scalar goes through {@link YamlScalars}, so it reads back as written.
 */
public final class CanonicalEmitter {
  static final String HEADER = "# Loom configuration, canonical form (format version 1).\n"
      + "# Keys are the configuration tables' column names; see the loom-mapping-yaml README.\n";

  private final StringBuilder out = new StringBuilder(16_384);

  private CanonicalEmitter() {}

  /** The canonical YAML text of {@code snapshot}. */
  public static String write(ConfigSnapshot snapshot) {
    CanonicalEmitter e = new CanonicalEmitter();
    e.document(snapshot);
    return e.out.toString();
  }

  private void document(ConfigSnapshot s) {
    out.append(HEADER);
    out.append("format: ").append(CanonicalReader.FORMAT).append('\n');
    out.append("version: ").append(CanonicalReader.VERSION).append('\n');
    section("topics", s.topics(), this::topic);
    section("schemas", s.schemas(), this::schema);
    section("mappings", s.mappings(), this::mapping);
    section("flows", s.flows(), this::flow);
  }

  private <T> void section(String name, List<T> items, java.util.function.Consumer<T> writer) {
    if (items.isEmpty()) {
      return;
    }
    out.append('\n').append(name).append(":\n");
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append('\n');
      }
      writer.accept(items.get(i));
    }
  }

  /** Writes the keys of one list entry at {@code indent}: the first after "- ", the rest aligned with it. */
  private final class Entry {
    private final int indent;
    private boolean first = true;

    Entry(int indent) {
      this.indent = indent;
    }

    StringBuilder key(String key) {
      if (first) {
        out.append(" ".repeat(indent - 2)).append("- ");
        first = false;
      } else {
        out.append(" ".repeat(indent));
      }
      return out.append(key).append(':');
    }

    void text(String key, String value) {
      key(key).append(' ').append(value == null ? "null" : YamlScalars.scalar(value, TEXT, false)).append('\n');
    }

    void optionalText(String key, String value) {
      if (value != null) {
        text(key, value);
      }
    }

    void raw(String key, Object value) {
      key(key).append(' ').append(value).append('\n');
    }

    void optional(String key, Object value) {
      if (value != null) {
        raw(key, value);
      }
    }

    void unlessDefault(String key, Object value, Object defaultValue) {
      if (!Objects.equals(value, defaultValue)) {
        raw(key, value);
      }
    }

    /**
     * A JSON object or array as YAML structure; anything else (a bare JSON scalar, text that is not
     * JSON) as its JSON text in a string, which the reader takes as JSON text.
     */
    void json(String key, String jsonText) {
      Object value;
      try {
        value = CanonicalJson.parse(jsonText);
      } catch (IllegalArgumentException e) {
        value = null;
      }
      if (value instanceof Map<?, ?> || value instanceof List<?>) {
        key(key);
        blockValue(value, indent);
      } else {
        key(key).append(' ').append(YamlScalars.scalar(jsonText, JSON_STRING, false)).append('\n');
      }
    }
  }

  // ---------------------------------------------------------------- entries

  private void topic(TopicDefinition t) {
    Entry e = new Entry(4);
    e.text("topic_name", t.topicName());
    TopicDefinition derived = TopicDefinition.of(t.topicName(), null);
    derivable(e, "category", t.category(), derived.category());
    derivable(e, "source", t.source(), derived.source());
    derivable(e, "datatype", t.datatype(), derived.datatype());
    derivable(e, "stage", t.stage(), derived.stage());
    e.optionalText("description", t.description());
    e.unlessDefault("retention_days", t.retentionDays(), TopicDefinition.DEFAULT_RETENTION_DAYS);
    e.unlessDefault("partitions", t.partitions(), TopicDefinition.DEFAULT_PARTITIONS);
    e.unlessDefault("replication_factor", t.replicationFactor(), TopicDefinition.DEFAULT_REPLICATION_FACTOR);
    if (!TopicDefinition.DEFAULT_COMPRESSION.equals(t.compressionType())) {
      e.text("compression_type", t.compressionType());
    }
    e.unlessDefault("is_active", t.active(), true);
  }

  private static void derivable(Entry e, String key, String value, String derived) {
    if (!Objects.equals(value, derived)) {
      e.text(key, value);
    }
  }

  private void schema(TopicSchema s) {
    Entry e = new Entry(4);
    e.text("topic_name", s.topicName());
    e.text("version", s.version());
    e.raw("is_current", s.current());
    e.optionalText("schema_path", s.schemaPath());
    e.json("schema_json", s.schemaJson());
  }

  private void mapping(TopicMapping m) {
    Entry e = new Entry(4);
    e.text("topic_name", m.topic());
    e.text("table_name", m.table());
    e.raw("upsert_key", flowList(m.upsertKey()));
    e.raw("conflict_strategy", m.conflictStrategy().configName());
    e.optionalText("dead_letter_topic", m.deadLetterTopic());
    SchemaValidation v = m.schemaValidation();
    if (!v.equals(SchemaValidation.DISABLED)) {
      StringBuilder flow = new StringBuilder("{enabled: ").append(v.enabled());
      flowEntry(flow, "version_field", v.versionField());
      flowEntry(flow, "version_header", v.versionHeader());
      e.raw("schema_validation", flow.append('}'));
    }
    Hypertable h = m.hypertable();
    if (h != null) {
      StringBuilder flow = new StringBuilder("{time_column: ").append(flowText(h.timeColumn()));
      flowEntry(flow, "chunk_interval", h.chunkInterval());
      e.raw("hypertable", flow.append('}'));
    }
    if (m.fields().isEmpty()) {
      e.raw("fields", "[]");
      return;
    }
    e.key("fields").append('\n');
    for (FieldMapping f : m.fields()) {
      StringBuilder flow = new StringBuilder("{source_field_path: ").append(flowText(f.sourcePath()))
          .append(", target_column: ").append(flowText(f.targetColumn()))
          .append(", data_type: ").append(f.dataType().configName());
      if (f.transformation() != null) {
        flow.append(", transformation: ").append(f.transformation().configName());
      }
      if (f.required()) {
        flow.append(", is_required: true");
      }
      flowEntry(flow, "default_value", f.defaultValue());
      if (f.timestampFormat() != null) {
        flow.append(", timestamp_format: ").append(f.timestampFormat().configName());
      }
      out.append("      - ").append(flow).append("}\n");
    }
  }

  private void flow(PipelineFlow f) {
    Entry e = new Entry(4);
    e.text("flow_name", f.flowName());
    e.optionalText("description", f.description());
    e.text("priority", f.priority());
    e.optional("expected_events_per_second", f.expectedEventsPerSecond());
    e.optional("average_event_size_bytes", f.averageEventSizeBytes());
    e.unlessDefault("peak_multiplier", f.peakMultiplier(), PipelineFlow.DEFAULT_PEAK_MULTIPLIER);
    e.unlessDefault("is_active", f.active(), true);
    if (f.stages().isEmpty()) {
      return;
    }
    e.key("stages").append('\n');
    for (PipelineStage s : f.stages()) {
      stage(s);
    }
  }

  private void stage(PipelineStage s) {
    Entry e = new Entry(8);
    e.text("stage_name", s.stageName());
    e.raw("stage_order", s.stageOrder());
    e.optionalText("service_name", s.serviceName());
    e.optionalText("service_image", s.serviceImage());
    e.unlessDefault("replicas", s.replicas(), PipelineStage.DEFAULT_REPLICAS);
    if (s.configurationJson() != null) {
      e.json("configuration", s.configurationJson());
    }
    e.optional("processing_timeout_seconds", s.processingTimeoutSeconds());
    e.unlessDefault("retry_max_attempts", s.retryMaxAttempts(), PipelineStage.DEFAULT_RETRY_MAX_ATTEMPTS);
    e.unlessDefault("retry_backoff_seconds", s.retryBackoffSeconds(), PipelineStage.DEFAULT_RETRY_BACKOFF_SECONDS);
    e.optional("sla_seconds", s.slaSeconds());
    e.optional("error_rate_threshold", s.errorRateThreshold());
    if (s.topics().isEmpty()) {
      return;
    }
    e.key("topics").append('\n');
    for (TopicRole role : TopicRole.values()) {
      List<String> names = s.topics(role);
      if (!names.isEmpty()) {
        out.append(" ".repeat(10)).append(role.configName()).append(": ").append(flowList(names)).append('\n');
      }
    }
  }

  // ---------------------------------------------------------------- values

  private static void flowEntry(StringBuilder flow, String key, String value) {
    if (value != null) {
      flow.append(", ").append(key).append(": ").append(flowText(value));
    }
  }

  private static String flowText(String value) {
    return YamlScalars.scalar(value, TEXT, true);
  }

  private static String flowList(List<String> items) {
    List<String> quoted = new ArrayList<>();
    items.forEach(i -> quoted.add(flowText(i)));
    return "[" + String.join(", ", quoted) + "]";
  }

  /** A JSON object or array as block YAML below a key at {@code keyIndent}; ends with a newline. */
  private void blockValue(Object value, int keyIndent) {
    if (isFlow(value)) {
      out.append(' ').append(flowJson(value)).append('\n');
    } else if (value instanceof Map<?, ?> map) {
      out.append('\n');
      blockMap(map, keyIndent + 2, false);
    } else {
      out.append('\n');
      blockList((List<?>) value, keyIndent + 2);
    }
  }

  private void blockMap(Map<?, ?> map, int indent, boolean firstInline) {
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(first && firstInline)) {
        out.append(" ".repeat(indent));
      }
      first = false;
      out.append(YamlScalars.scalar(String.valueOf(entry.getKey()), TEXT, false)).append(':');
      Object v = entry.getValue();
      if (v instanceof Map<?, ?> || v instanceof List<?>) {
        blockValue(v, indent);
      } else {
        out.append(' ').append(jsonScalar(v, false)).append('\n');
      }
    }
  }

  private void blockList(List<?> list, int indent) {
    for (Object item : list) {
      out.append(" ".repeat(indent)).append("- ");
      if (item instanceof Map<?, ?> map && !map.isEmpty()) {
        blockMap(map, indent + 2, true);
      } else if (item instanceof Map<?, ?> || item instanceof List<?>) {
        out.append(flowJson(item)).append('\n');
      } else {
        out.append(jsonScalar(item, false)).append('\n');
      }
    }
  }

  /** Empty containers and lists of scalars are written inline. */
  private static boolean isFlow(Object value) {
    if (value instanceof Map<?, ?> map) {
      return map.isEmpty();
    }
    if (value instanceof List<?> list) {
      return list.stream().noneMatch(i -> i instanceof Map<?, ?> || i instanceof List<?>);
    }
    return true;
  }

  private static String flowJson(Object value) {
    if (value instanceof Map<?, ?> map) {
      List<String> parts = new ArrayList<>();
      map.forEach((k, v) -> parts.add(YamlScalars.scalar(String.valueOf(k), TEXT, true) + ": " + flowJson(v)));
      return "{" + String.join(", ", parts) + "}";
    }
    if (value instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      list.forEach(v -> parts.add(flowJson(v)));
      return "[" + String.join(", ", parts) + "]";
    }
    return jsonScalar(value, true);
  }

  private static String jsonScalar(Object value, boolean flow) {
    if (value == null) {
      return "null";
    }
    if (value instanceof BigDecimal number) {
      return number.toPlainString();
    }
    if (value instanceof Boolean bool) {
      return bool.toString();
    }
    return YamlScalars.scalar(value.toString(), JSON_STRING, flow);
  }
}
