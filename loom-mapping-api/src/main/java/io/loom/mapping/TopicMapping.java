package io.loom.mapping;

import java.util.List;
import java.util.Objects;

/**
 * Topic -> table: a {@code topic_table_configs} row with its {@code topic_field_mappings}.
 *
 * @param topic the Kafka topic
 * @param table the target table, optionally schema-qualified ({@code telemetry.gps_raw})
 * @param upsertKey the ordered key columns; empty means append (rows are only inserted)
 * @param conflictStrategy what a key conflict does
 * @param fields the field mappings, in column order
 * @param deadLetterTopic where rejected messages go, or {@code null} for the pipeline's error topic
 *     or the default ({@code <topic>.dlq})
 * @param schemaValidation whether messages are validated against the topic's JSON Schema
 * @param hypertable TimescaleDB settings, or {@code null}
 */
public record TopicMapping(
    String topic,
    String table,
    List<String> upsertKey,
    ConflictStrategy conflictStrategy,
    List<FieldMapping> fields,
    String deadLetterTopic,
    SchemaValidation schemaValidation,
    Hypertable hypertable) {

  /** The seed's default upsert key. */
  public static final List<String> DEFAULT_UPSERT_KEY = List.of("device_id", "timestamp");

  public TopicMapping {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(table, "table");
    upsertKey = List.copyOf(upsertKey == null ? List.of() : upsertKey);
    conflictStrategy = conflictStrategy == null ? ConflictStrategy.IGNORE : conflictStrategy;
    fields = List.copyOf(fields == null ? List.of() : fields);
    schemaValidation = schemaValidation == null ? SchemaValidation.DISABLED : schemaValidation;
  }

  /** A mapping with the given key and strategy, and no dead-letter, validation or hypertable setting. */
  public TopicMapping(
      String topic, String table, List<String> upsertKey, ConflictStrategy conflictStrategy, List<FieldMapping> fields) {
    this(topic, table, upsertKey, conflictStrategy, fields, null, null, null);
  }

  /** True when rows are only appended (no upsert key). */
  public boolean isAppendOnly() {
    return upsertKey.isEmpty();
  }

  public TopicMapping withFields(List<FieldMapping> fields) {
    return new TopicMapping(topic, table, upsertKey, conflictStrategy, fields, deadLetterTopic, schemaValidation, hypertable);
  }

  /**
   * Parses an upsert key as stored in {@code topic_table_configs.upsert_key}: comma-separated
   * column names ({@code "device_id, timestamp"}); blank means append.
   */
  public static List<String> parseUpsertKey(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** The upsert key in its stored text form: {@code "device_id, timestamp"}. */
  public String upsertKeyText() {
    return String.join(", ", upsertKey);
  }
}
