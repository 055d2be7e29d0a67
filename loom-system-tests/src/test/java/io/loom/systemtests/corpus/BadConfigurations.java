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
      "table 'cfg_no_such_schema.cfg_no_such_table' does not exist in the database";
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
    // A missing table is created on its first write; one in a missing schema cannot be.
    c.add(new Entry("missing_table", "cfg_no_such_schema.cfg_no_such_table", KEY, "ignore", validFields(), "table_name",
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
   * A bad configuration only a YAML file can hold: the lines of the bad topic's mapping ({@code %s} is its
   * topic), which of them is at fault, and the problem's path ({@code %s} again the topic) and message.
   */
  record YamlEntry(String name, List<String> lines, int faultyLine, String path, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<YamlEntry> yamlCorpus() {
    // The file holds 3 header lines and the 9 lines of the valid mapping, so these lines start at line 13.
    String head = "  - topic_name: %s";
    String table = "    table_name: " + TABLE;
    String append = "    upsert_key: []";
    String fields = "    fields:";
    String deviceId = "      - {source_field_path: device_id, target_column: device_id, data_type: string}";
    return List.of(
        new YamlEntry("yaml_unclosed_flow_mapping", List.of(head, table, append, fields,
            "      - {source_field_path: device_id, target_column: device_id"), 5, "document",
            "not valid YAML: expected ',' or '}', but got <stream end> (column 1), while parsing a flow mapping at"
                + " line 17"),
        new YamlEntry("yaml_tab_indentation", List.of(head, "\t" + table.strip(), append, fields, deviceId), 1,
            "document", "that cannot start any token. (Do not use \\t(TAB) for indentation) (column 1)"),
        new YamlEntry("yaml_duplicate_key", List.of(head, table, append, "    table_name: cfg_other", fields,
            deviceId), 3, "mappings[%s].table_name",
            "key 'table_name' is written twice in this mapping (first at line 14); keep one"),
        new YamlEntry("yaml_misspelt_key", List.of(head, table, append, fields,
            "      - {source_field_path: device_id, target_column: device_id, data_type: string, data_typ: string}"),
            4, "mappings[%s].fields[0].data_typ", "unknown key 'data_typ' (did you mean 'data_type'?); expected one"
                + " of source_field_path, target_column, data_type, transformation, is_required, default_value,"
                + " timestamp_format"),
        new YamlEntry("yaml_boolean_expected", List.of(head, table, append, fields,
            "      - {source_field_path: device_id, target_column: device_id, data_type: string, is_required: maybe}"),
            4, "mappings[%s].fields[0].is_required", "expected true or false, found 'maybe'"),
        new YamlEntry("yaml_default_of_wrong_type", List.of(head, table, append, fields, deviceId,
            "      - {source_field_path: value, target_column: value, data_type: float, default_value: lots}"), 5,
            "mappings[%s].fields[1].default_value", "default value 'lots' does not fit type float: expected a number"),
        new YamlEntry("yaml_fields_not_a_list", List.of(head, table, append, "    fields: device_id"), 3,
            "mappings[%s].fields", "expected a list of field mappings, found the value 'device_id'"));
  }

  /**
   * A bad configuration only the configuration tables can hold: the SQL that writes it ({@code %1$s} is the
   * topic), and the problem's row ({@code {id:<target_column>}} stands for that field row's id), path and
   * message.
   */
  record RowEntry(String name, List<String> statements, String location, String path, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<RowEntry> rowCorpus() {
    String topic = "INSERT INTO kafka_topics (topic_name, category, source, datatype, description)"
        + " VALUES ('%1$s', 'test', 'corpus', 'bad', 'bad configuration rows')";
    String append = "INSERT INTO topic_table_configs (topic_name, table_name, upsert_key)"
        + " VALUES ('%1$s', '" + TABLE + "', '')";
    String field = "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column,"
        + " data_type, default_value, timestamp_format) VALUES ('%1$s', '" + TABLE + "', ";
    String deviceId = field + "'device_id', 'device_id', 'string', NULL, NULL)";
    return List.of(
        new RowEntry("db_fields_without_table_config", List.of(topic, deviceId),
            "topic_field_mappings(topic_name=%s)", "mappings[%s]", "topic '%s' has 1 field mapping(s) (table '"
                + TABLE + "') but no topic_table_configs row; add one naming its table, upsert key and conflict"
                + " strategy, or delete the field mappings"),
        new RowEntry("db_table_name_mismatch", List.of(topic, append, deviceId,
            field.replace("'" + TABLE + "'", "'cfg_other'") + "'value', 'value', 'float', NULL, NULL)"),
            "topic_field_mappings(id={id:value}, topic_name=%s, target_column=value)",
            "mappings[%s].fields[1].table_name", "table_name 'cfg_other' differs from table_name '" + TABLE
                + "' of topic_table_configs(topic_name=%s); every field mapping of a topic must name its topic's"
                + " table"),
        new RowEntry("db_unknown_timestamp_format", List.of(topic, append, deviceId,
            field + "'timestamp', 'timestamp', 'timestamp', NULL, 'epoch')"),
            "topic_field_mappings(id={id:timestamp}, topic_name=%s, target_column=timestamp)",
            "mappings[%s].fields[1].timestamp_format", "timestamp format 'epoch' is unknown; expected one of auto,"
                + " iso_8601, epoch_seconds, epoch_millis, epoch_micros"),
        new RowEntry("db_default_of_wrong_type", List.of(topic, append, deviceId,
            field + "'value', 'value', 'float', 'lots', NULL)"),
            "topic_field_mappings(id={id:value}, topic_name=%s, target_column=value)",
            "mappings[%s].fields[1].default_value", "default value 'lots' does not fit type float: expected a number"),
        new RowEntry("db_upsert_key_without_separator", List.of(topic,
            append.replace("''", "'device_id timestamp'"), deviceId,
            field + "'timestamp', 'timestamp', 'timestamp', NULL, NULL)"), "topic_table_configs(topic_name=%s)",
            "mappings[%s].upsert_key", "upsert key column 'device_id timestamp' is not mapped by any field; mapped"
                + " columns are device_id, timestamp"));
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
