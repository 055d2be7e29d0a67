package io.loom.systemtests.corpus;

import java.util.ArrayList;
import java.util.List;

/**
 * The corpus of bad configurations: each entry is the mapping of one topic with one thing wrong, and the
 * problem Loom must report for it (its path under {@code mappings[<topic>]} and a message fragment). The
 * same entry is written as YAML and as rows of the configuration tables. Design note: every entry starts
 * from the same valid mapping of {@link #TABLE} and changes one thing, so that the problem can only come
 * from that change.
 */
final class BadConfigurations {
  /** The table the valid form of the mapping writes to. */
  static final String TABLE = "cfg_target";

  /** The table an injection attempt would drop. */
  static final String VICTIM = "cfg_victim";

  static String tableDdl() {
    return "CREATE TABLE " + TABLE + " (device_id text NOT NULL, \"timestamp\" timestamptz NOT NULL,"
        + " value double precision, note text, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,"
        + " PRIMARY KEY (device_id, \"timestamp\"))";
  }

  /** One field mapping as configuration text. */
  record Field(String path, String column, String type, String transformation, boolean required) {
    Field with(String path, String column, String type, String transformation) {
      return new Field(path, column, type, transformation, required);
    }
  }

  /**
   * One bad configuration.
   *
   * @param name what is wrong, unique in the corpus
   * @param table the table name
   * @param upsertKey the upsert key columns
   * @param strategy the conflict strategy
   * @param fields the field mappings
   * @param path the expected problem path under {@code mappings[<topic>].}
   * @param message a fragment the problem's message must contain
   * @param live whether the problem is found by the live-database check (it then has no source location)
   */
  record Entry(String name, String table, List<String> upsertKey, String strategy, List<Field> fields, String path,
      String message, boolean live) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Field> validFields() {
    return List.of(
        new Field("device_id", "device_id", "string", null, true),
        new Field("timestamp", "timestamp", "timestamp", null, true),
        new Field("value", "value", "float", null, false),
        new Field("$kafka.partition", "kafka_partition", "integer", null, false),
        new Field("$kafka.offset", "kafka_offset", "integer", null, false));
  }

  private static final List<String> KEY = List.of("device_id", "timestamp");

  private static final String M_UNKNOWN_DATA_TYPE =
      "data type 'strng' is unknown; expected one of string, integer, float,"
          + " boolean, timestamp, array, float_array, json";
  private static final String M_UNKNOWN_TRANSFORMATION =
      "transformation 'base64' is unknown; expected one of base64_decode,"
          + " timestamp_parse, json_stringify";
  private static final String M_UNKNOWN_CONFLICT_STRATEGY =
      "conflict strategy 'upsert' is unknown; expected one of ignore,"
          + " update, replace";
  private static final String M_TABLE_NAME_WITH_QUOTE =
      "table name 'cfg\"target' is not allowed; expected"
          + " ^[a-z_][a-z0-9_]{0,62}$, optionally schema-qualified";
  private static final String M_TABLE_NAME_UPPER_CASE =
      "table name 'Cfg_Target' is not allowed; expected"
          + " ^[a-z_][a-z0-9_]{0,62}$, optionally schema-qualified";
  private static final String M_TABLE_NAME_WITH_SPACE =
      "table name 'cfg target' is not allowed; expected"
          + " ^[a-z_][a-z0-9_]{0,62}$, optionally schema-qualified";
  private static final String M_TABLE_NAME_INJECTION =
      "table name 'x\"; DROP TABLE cfg_victim; --' is not allowed; expected"
          + " ^[a-z_][a-z0-9_]{0,62}$, optionally schema-qualified";
  private static final String M_COLUMN_WITH_SEMICOLON =
      "column name 'val;ue' is not allowed; expected ^[a-z_][a-z0-9_]{0,62}$";
  private static final String M_COLUMN_WITH_SPACE =
      "column name 'my value' is not allowed; expected"
          + " ^[a-z_][a-z0-9_]{0,62}$";
  private static final String M_COLUMN_INJECTION =
      "column name 'value\"; DROP TABLE cfg_victim; --' is not allowed;"
          + " expected ^[a-z_][a-z0-9_]{0,62}$";
  private static final String M_UPSERT_KEY_INJECTION =
      "upsert key column 'timestamp\"; DROP TABLE cfg_victim; --' is not"
          + " mapped by any field; mapped columns are device_id, kafka_offset,"
          + " kafka_partition, timestamp, value";
  private static final String M_PATH_WITH_EMPTY_SEGMENT =
      "path 'data..value' is malformed: empty segment at position 5;"
          + " expected a field name";
  private static final String M_PATH_WITH_BAD_INDEX =
      "path 'data.items[x]' is malformed: array index 'x' at position 10 is"
          + " not a non-negative number or *";
  private static final String M_PATH_WITH_UNCLOSED_INDEX =
      "path 'data.items[0' is malformed: '[' at position 10 has no closing"
          + " ']'";
  private static final String M_PATH_UNKNOWN_KAFKA_METADATA =
      "path '$kafka.nothing' is malformed: unknown Kafka metadata 'nothing';"
          + " expected topic, partition, offset, key, timestamp or header.<name>";
  private static final String M_DUPLICATE_COLUMN =
      "column 'device_id' is mapped more than once";
  private static final String M_UPSERT_KEY_COLUMN_NOT_MAPPED =
      "upsert key column 'note' is not mapped by any field; mapped columns"
          + " are device_id, kafka_offset, kafka_partition, timestamp, value";
  private static final String M_TRANSFORMATION_FOR_WRONG_TYPE =
      "transformation 'base64_decode' cannot produce type float; expected"
          + " data_type string";
  private static final String M_MISSING_TABLE =
      "table 'cfg_no_such_table' does not exist in the database";
  private static final String M_MISSING_COLUMN =
      "column 'no_such_column' does not exist in table 'cfg_target'; its"
          + " columns are device_id, timestamp, value, note, kafka_partition,"
          + " kafka_offset";
  private static final String M_UPSERT_KEY_WITHOUT_UNIQUE_INDEX =
      "upsert key (device_id, note) has no primary key or unique index on"
          + " exactly these columns in table 'cfg_target'; its unique indexes are"
          + " cfg_target_pkey (device_id, timestamp) (needed for conflict strategy"
          + " update)";
  private static final String M_TYPE_THE_COLUMN_CANNOT_TAKE =
      "data type timestamp cannot be written to column 'value' of type"
          + " double precision in table 'cfg_target' (PostgreSQL has no conversion"
          + " from timestamp with time zone to double precision)";

  static List<Entry> corpus() {
    List<Entry> c = new ArrayList<>();
    // Unknown names.
    field(c, "unknown_data_type", 2, validFields().get(2).with("value", "value", "strng", null),
        "fields[2].data_type", M_UNKNOWN_DATA_TYPE);
    field(c, "unknown_transformation", 2, validFields().get(2).with("value", "value", "float", "base64"),
        "fields[2].transformation", M_UNKNOWN_TRANSFORMATION);
    c.add(new Entry("unknown_conflict_strategy", TABLE, KEY, "upsert", validFields(), "conflict_strategy",
        M_UNKNOWN_CONFLICT_STRATEGY, false));
    // Identifiers.
    table(c, "table_name_with_quote", "cfg\"target", M_TABLE_NAME_WITH_QUOTE);
    table(c, "table_name_upper_case", "Cfg_Target", M_TABLE_NAME_UPPER_CASE);
    table(c, "table_name_with_space", "cfg target", M_TABLE_NAME_WITH_SPACE);
    table(c, "table_name_injection", "x\"; DROP TABLE " + VICTIM + "; --", M_TABLE_NAME_INJECTION);
    field(c, "column_with_semicolon", 2, validFields().get(2).with("value", "val;ue", "float", null),
        "fields[2].target_column", M_COLUMN_WITH_SEMICOLON);
    field(c, "column_with_space", 2, validFields().get(2).with("value", "my value", "float", null),
        "fields[2].target_column", M_COLUMN_WITH_SPACE);
    field(c, "column_injection", 2, validFields().get(2).with("value", "value\"; DROP TABLE " + VICTIM + "; --",
        "float", null), "fields[2].target_column", M_COLUMN_INJECTION);
    c.add(new Entry("upsert_key_injection", TABLE, List.of("device_id", "timestamp\"; DROP TABLE " + VICTIM + "; --"),
        "ignore", validFields(), "upsert_key", M_UPSERT_KEY_INJECTION, false));
    // Paths.
    field(c, "path_with_empty_segment", 2, validFields().get(2).with("data..value", "value", "float", null),
        "fields[2].source_field_path", M_PATH_WITH_EMPTY_SEGMENT);
    field(c, "path_with_bad_index", 2, validFields().get(2).with("data.items[x]", "value", "float", null),
        "fields[2].source_field_path", M_PATH_WITH_BAD_INDEX);
    field(c, "path_with_unclosed_index", 2, validFields().get(2).with("data.items[0", "value", "float", null),
        "fields[2].source_field_path", M_PATH_WITH_UNCLOSED_INDEX);
    field(c, "path_unknown_kafka_metadata", 2, validFields().get(2).with("$kafka.nothing", "value", "float", null),
        "fields[2].source_field_path", M_PATH_UNKNOWN_KAFKA_METADATA);
    // Between fields.
    field(c, "duplicate_column", 2, validFields().get(2).with("other", "device_id", "string", null),
        "fields[2].target_column", M_DUPLICATE_COLUMN);
    c.add(new Entry("upsert_key_column_not_mapped", TABLE, List.of("device_id", "note"), "ignore", validFields(),
        "upsert_key", M_UPSERT_KEY_COLUMN_NOT_MAPPED, false));
    field(c, "transformation_for_wrong_type", 2,
        validFields().get(2).with("value", "value", "float", "base64_decode"),
        "fields[2].transformation", M_TRANSFORMATION_FOR_WRONG_TYPE);
    // Against the live database.
    c.add(new Entry("missing_table", "cfg_no_such_table", KEY, "ignore", validFields(), "table_name",
        M_MISSING_TABLE, true));
    List<Field> missingColumn = new ArrayList<>(validFields());
    missingColumn.set(2, missingColumn.get(2).with("value", "no_such_column", "float", null));
    c.add(new Entry("missing_column", TABLE, KEY, "ignore", missingColumn, "fields[2].target_column",
        M_MISSING_COLUMN, true));
    List<Field> noteKeyed = new ArrayList<>(validFields());
    noteKeyed.add(new Field("note", "note", "string", null, true));
    c.add(new Entry("upsert_key_without_unique_index", TABLE, List.of("device_id", "note"), "update", noteKeyed,
        "upsert_key", M_UPSERT_KEY_WITHOUT_UNIQUE_INDEX, true));
    List<Field> wrongColumnType = new ArrayList<>(validFields());
    wrongColumnType.set(2, wrongColumnType.get(2).with("value", "value", "timestamp", null));
    c.add(new Entry("type_the_column_cannot_take", TABLE, KEY, "ignore", wrongColumnType, "fields[2].data_type",
        M_TYPE_THE_COLUMN_CANNOT_TAKE, true));
    return c;
  }

  private static void field(List<Entry> c, String name, int index, Field field, String path, String message) {
    List<Field> fields = new ArrayList<>(validFields());
    fields.set(index, field);
    c.add(new Entry(name, TABLE, KEY, "ignore", fields, path, message, false));
  }

  private static void table(List<Entry> c, String name, String table, String message) {
    c.add(new Entry(name, table, KEY, "ignore", validFields(), "table_name", message, false));
  }

  /**
   * The CHECK constraint of the configuration schema that refuses the rows of {@code e} before Loom sees
   * them, or {@code null} if the rows go in and Loom must refuse them.
   */
  static String rowConstraint(Entry e) {
    return e.name().equals("unknown_conflict_strategy") ? "topic_table_configs_conflict_strategy_check" : null;
  }

  private BadConfigurations() {}
}
