package io.loom.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.testkit.ContractFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigValidatorTest {
  private static final String T = "device.sensor.gps.raw";
  private static final String M = "mappings[" + T + "]";

  private static FieldMapping field(String path, String column, DataType type) {
    return FieldMapping.of(path, column, type);
  }

  private static List<FieldMapping> keyFields() {
    return List.of(field("device_id", "device_id", DataType.STRING), field("timestamp", "timestamp", DataType.TIMESTAMP));
  }

  private static TopicMapping mapping(List<FieldMapping> fields) {
    return new TopicMapping(T, "device_sensor_gps_raw", TopicMapping.DEFAULT_UPSERT_KEY, ConflictStrategy.IGNORE, fields);
  }

  private static TopicMapping mappingWithField(FieldMapping extra) {
    List<FieldMapping> fields = new ArrayList<>(keyFields());
    fields.add(extra);
    return mapping(fields);
  }

  private static List<String> problems(ConfigSnapshot snapshot) {
    return ConfigValidator.validate(snapshot).stream().map(p -> p.path() + ": " + p.message()).toList();
  }

  private static List<String> problems(TopicMapping mapping) {
    return problems(ConfigSnapshot.ofMappings(List.of(mapping)));
  }

  private static TopicDefinition topic(String name) {
    return TopicDefinition.of(name, null);
  }

  private static TopicDefinition topic(UnaryOperator<Object[]> change) {
    Object[] v = {T, "device", "sensor", "gps", "raw", null, 7, 3, 1, "lz4", true};
    change.apply(v);
    return new TopicDefinition((String) v[0], (String) v[1], (String) v[2], (String) v[3], (String) v[4], (String) v[5],
        (int) v[6], (int) v[7], (int) v[8], (String) v[9], (boolean) v[10]);
  }

  private static List<String> problemsOfTopics(TopicDefinition... topics) {
    return problems(new ConfigSnapshot(List.of(topics), List.of(), List.of(), List.of()));
  }

  // ---------------------------------------------------------------- valid configurations

  @Test
  void validate_validConfiguration_hasNoProblems() {
    assertThat(problems(ContractFixtures.full())).isEmpty();
    assertThat(problems(mapping(keyFields()))).isEmpty();
    assertThat(problems(ConfigSnapshot.empty())).isEmpty();
  }

  @Test
  void requireValid_validConfiguration_returnsIt() {
    ConfigSnapshot snapshot = ContractFixtures.full();

    assertThat(ConfigValidator.requireValid(snapshot, ConfigValidator.Locator.NONE, "test")).isSameAs(snapshot);
  }

  @Test
  void requireValid_invalidConfiguration_throwsListingEveryProblemWithLocations() {
    ConfigSnapshot snapshot = ContractFixtures.invalid();
    Map<String, String> lines = Map.of(
        "mappings[contract.invalid.one].fields[1].source_field_path", "x.yml:12",
        "mappings[contract.invalid.one]", "x.yml:3");

    assertThatThrownBy(() -> ConfigValidator.requireValid(snapshot, lines::get, "yaml:x.yml"))
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
          assertThat(e.problems()).hasSize(6);
          assertThat(e.problems().get(0).location()).isEqualTo("x.yml:12");
          assertThat(e.problems().get(1).location()).isNull();
        })
        .hasMessageStartingWith("invalid configuration from yaml:x.yml (6 problems):\n"
            + "  - x.yml:12: mappings[contract.invalid.one].fields[1].source_field_path: path 'data..value' is"
            + " malformed: empty segment at position 5; expected a field name\n"
            + "  - mappings[contract.invalid.one].fields[2].target_column: column 'device_id' is mapped more than once\n");
  }

  @Test
  void invalidConfigurationException_oneProblem_saysProblemInTheSingular() {
    InvalidConfigurationException e = new InvalidConfigurationException("src",
        List.of(new ConfigProblem("a.yml:1", "topics", "bad")));

    assertThat(e).hasMessage("invalid configuration from src (1 problem):\n  - a.yml:1: topics: bad");
  }

  @Test
  void validate_manyProblems_reportsAllAtOnce() {
    TopicMapping bad = new TopicMapping("Bad.Topic", "Bad Table", List.of("nope"), ConflictStrategy.UPDATE,
        List.of(field("a..b", "Col", DataType.INTEGER).withDefaultValue("x")));

    assertThat(problems(ConfigSnapshot.ofMappings(List.of(bad)))).containsExactly(
        "mappings[Bad.Topic].topic: topic name 'Bad.Topic' breaks the naming rule "
            + ConfigValidator.TOPIC_NAME.pattern() + " (<category>.<source>.<datatype>[.<stage>], lower-case letters"
            + " and digits)",
        "mappings[Bad.Topic].table_name: table name 'Bad Table' is not allowed; expected ^[a-z_][a-z0-9_]{0,62}$,"
            + " optionally schema-qualified",
        "mappings[Bad.Topic].fields[0].target_column: column name 'Col' is not allowed; expected ^[a-z_][a-z0-9_]{0,62}$",
        "mappings[Bad.Topic].fields[0].source_field_path: path 'a..b' is malformed: empty segment at position 2;"
            + " expected a field name",
        "mappings[Bad.Topic].fields[0].default_value: default value 'x' does not fit type integer: expected a whole"
            + " number between -9223372036854775808 and 9223372036854775807",
        "mappings[Bad.Topic].upsert_key: upsert key column 'nope' is not mapped by any field; no column is mapped");
  }

  // ---------------------------------------------------------------- topics

  @ParameterizedTest
  @CsvSource({"device.sensor.gps.raw", "a.b.c", "device1.sensor2.gps3.raw4"})
  void topicName_followingTheRule_isAccepted(String name) {
    assertThat(problemsOfTopics(topic(name))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"device.sensor", "Device.sensor.gps", "device.sensor.gps.raw.extra", "device.sensor_x.gps",
      "device..gps", "device.sensor.gps.", "'device.sensor.gps;drop'"})
  void topicName_breakingTheRule_isReported(String name) {
    assertThat(problemsOfTopics(topic(name))).containsExactly("topics[" + name + "].topic_name: topic name '" + name
        + "' breaks the naming rule ^[a-z0-9]+\\.[a-z0-9]+\\.[a-z0-9]+(\\.[a-z0-9]+)?$ (<category>.<source>.<datatype>"
        + "[.<stage>], lower-case letters and digits)");
  }

  @Test
  void topicName_withTrailingNewline_isReported() {
    assertThat(problemsOfTopics(topic("a.b.c\n"))).hasSize(1);
  }

  @Test
  void topic_unknownCompression_isReported() {
    assertThat(problemsOfTopics(topic(v -> { v[9] = "brotli"; return v; }))).containsExactly(
        "topics[device.sensor.gps.raw].compression_type: compression type 'brotli' is unknown; expected one of gzip,"
            + " lz4, none, producer, snappy, zstd");
  }

  @Test
  void topic_everyCompressionOfTheSchema_isAccepted() {
    for (String compression : List.of("none", "gzip", "snappy", "lz4", "zstd", "producer")) {
      assertThat(problemsOfTopics(topic(v -> { v[9] = compression; return v; }))).isEmpty();
    }
  }

  @Test
  void topic_nonPositiveCounts_areReported() {
    assertThat(problemsOfTopics(topic(v -> { v[6] = 0; v[7] = -1; v[8] = 0; return v; }))).containsExactly(
        "topics[device.sensor.gps.raw].retention_days: retention_days is 0; expected a positive number of days",
        "topics[device.sensor.gps.raw].partitions: partitions is -1; expected at least 1",
        "topics[device.sensor.gps.raw].replication_factor: replication_factor is 0; expected at least 1");
  }

  @Test
  void topic_registeredTwice_isReported() {
    assertThat(problemsOfTopics(topic(T), topic(T)))
        .containsExactly("topics[device.sensor.gps.raw]: topic 'device.sensor.gps.raw' is registered more than once");
  }

  // ---------------------------------------------------------------- schemas

  private static List<String> problemsOfSchemas(List<TopicDefinition> topics, TopicSchema... schemas) {
    return problems(new ConfigSnapshot(topics, List.of(schemas), List.of(), List.of()));
  }

  @Test
  void schema_ofUnregisteredTopic_isReportedWhenThereIsARegistry() {
    TopicSchema schema = new TopicSchema("other.topic.x", "v1", "{}", null, true);

    assertThat(problemsOfSchemas(List.of(topic(T)), schema)).containsExactly(
        "schemas[other.topic.x/v1].topic_name: schema of topic 'other.topic.x' which is not in the topic registry");
    assertThat(problemsOfSchemas(List.of(), schema)).isEmpty();
  }

  @Test
  void schema_blankVersion_isReported() {
    assertThat(problemsOfSchemas(List.of(), new TopicSchema(T, " ", "{}", null, false)))
        .containsExactly("schemas[device.sensor.gps.raw/ ].version: the version is empty; expected a version such as v1");
  }

  @Test
  void schema_notAnObject_isReported() {
    assertThat(problemsOfSchemas(List.of(), new TopicSchema(T, "v1", "[1, 2]", null, false)))
        .containsExactly("schemas[device.sensor.gps.raw/v1].schema_json: a JSON Schema must be a JSON object");
  }

  @Test
  void schema_notJson_isReportedWithWhere() {
    assertThat(problemsOfSchemas(List.of(), new TopicSchema(T, "v1", "{\"type\": }", null, false)))
        .containsExactly("schemas[device.sensor.gps.raw/v1].schema_json: not valid JSON: Unexpected character ('}' (code"
            + " 125)): expected a value at line 1, column 10");
  }

  @Test
  void schema_twoCurrentVersions_isReportedOnce() {
    assertThat(problemsOfSchemas(List.of(),
        new TopicSchema(T, "v1", "{}", null, true),
        new TopicSchema(T, "v2", "{}", null, true),
        new TopicSchema(T, "v3", "{}", null, true)))
        .containsExactly("schemas[device.sensor.gps.raw/v2].is_current: topic 'device.sensor.gps.raw' has more than"
            + " one current schema version");
  }

  @Test
  void schema_sameVersionTwice_isReported() {
    assertThat(problemsOfSchemas(List.of(),
        new TopicSchema(T, "v1", "{}", null, false),
        new TopicSchema(T, "v1", "{\"type\":\"object\"}", null, false)))
        .containsExactly("schemas[device.sensor.gps.raw/v1]: schema version 'v1' of topic 'device.sensor.gps.raw'"
            + " appears more than once");
  }

  // ---------------------------------------------------------------- mappings

  @Test
  void mapping_topicBreakingTheNamingRule_isReported() {
    TopicMapping m = new TopicMapping("gps", "gps", List.of(), null, List.of(field("a", "a", DataType.STRING)));

    assertThat(problems(m)).containsExactly("mappings[gps].topic: topic name 'gps' breaks the naming rule "
        + ConfigValidator.TOPIC_NAME.pattern() + " (<category>.<source>.<datatype>[.<stage>], lower-case letters and"
        + " digits)");
  }

  @ParameterizedTest
  @CsvSource({"telemetry.gps_raw", "_private", "t23456789012345678901234567890123456789012345678901234567890123"})
  void mapping_allowedTableNames_areAccepted(String table) {
    TopicMapping m = new TopicMapping(T, table, TopicMapping.DEFAULT_UPSERT_KEY, null, keyFields());

    assertThat(problems(m)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(value = {"Gps", "gps raw", "gps;drop table x", "'gps\"'", "a.b.c", "1gps", ".gps", "gps.",
      "t234567890123456789012345678901234567890123456789012345678901234"}, quoteCharacter = '\'')
  void mapping_forbiddenTableNames_areReported(String table) {
    TopicMapping m = new TopicMapping(T, table, TopicMapping.DEFAULT_UPSERT_KEY, null, keyFields());

    assertThat(problems(m)).containsExactly(M + ".table_name: table name '" + table + "' is not allowed; expected"
        + " ^[a-z_][a-z0-9_]{0,62}$, optionally schema-qualified");
  }

  @Test
  void mapping_withoutFields_isReported() {
    TopicMapping m = new TopicMapping(T, "gps", List.of(), null, List.of());

    assertThat(problems(m)).containsExactly(M + ".fields: the mapping has no field mappings; expected at least one");
  }

  @Test
  void field_forbiddenColumnName_isReported() {
    assertThat(problems(mappingWithField(field("data.lat", "Lat\"; --", DataType.FLOAT)))).containsExactly(
        M + ".fields[2].target_column: column name 'Lat\"; --' is not allowed; expected ^[a-z_][a-z0-9_]{0,62}$");
  }

  @Test
  void field_columnMappedTwice_isReportedAtTheSecond() {
    assertThat(problems(mappingWithField(field("data.device", "device_id", DataType.STRING))))
        .containsExactly(M + ".fields[2].target_column: column 'device_id' is mapped more than once");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|the path is empty; expected a dotted path such as data.value",
      "data.|the path ends with '.'; expected a field name after it",
      ".data|empty segment at position 0; expected a field name",
      "data[0|'[' at position 4 has no closing ']'",
      "data]|']' at position 4 has no opening '['",
      "data[x]|array index 'x' at position 4 is not a non-negative number or *",
      "data[-1]|array index '-1' at position 4 is not a non-negative number or *",
      "data[0]x|expected '.' or '[' after ']' at position 7",
      "a[*].b[*]|more than one [*]; a message explodes along one array only",
      "$kafka.nothing|unknown Kafka metadata 'nothing'; expected topic, partition, offset, key, timestamp or header.<name>",
      "$env.home|paths starting with '$' name Kafka metadata; expected $kafka.topic, $kafka.partition, $kafka.offset,"
          + " $kafka.key, $kafka.timestamp or $kafka.header.<name>"})
  void field_malformedPath_isReportedWithWhy(String path, String why) {
    assertThat(problems(mappingWithField(field(path, "value", DataType.STRING))))
        .containsExactly(M + ".fields[2].source_field_path: path '" + path + "' is malformed: " + why);
  }

  @ParameterizedTest
  @CsvSource({"data.items[0].x", "data.items[*].x", "items[3]", "$kafka.topic", "$kafka.partition", "$kafka.offset",
      "$kafka.key", "$kafka.timestamp", "$kafka.header.trace-id", "data.a-b.c_d"})
  void field_wellFormedPath_isAccepted(String path) {
    assertThat(problems(mappingWithField(field(path, "value", DataType.STRING)))).isEmpty();
  }

  @Test
  void field_explodingAlongTwoArrays_isReported() {
    TopicMapping m = mapping(List.of(
        field("device_id", "device_id", DataType.STRING),
        field("timestamp", "timestamp", DataType.TIMESTAMP),
        field("data.a[*].x", "ax", DataType.FLOAT),
        field("data.a[*].y", "ay", DataType.FLOAT),
        field("data.b[*].x", "bx", DataType.FLOAT)));

    assertThat(problems(m)).containsExactly(M + ".fields[4].source_field_path: path 'data.b[*].x' explodes along"
        + " 'data.b[*]' but another field explodes along 'data.a[*]'; a message explodes along one array only");
  }

  @ParameterizedTest
  @CsvSource({
      "base64_decode, string, ", "timestamp_parse, timestamp, ", "json_stringify, string, ", "json_stringify, json, ",
      "base64_decode, integer, string", "base64_decode, json, string", "timestamp_parse, string, timestamp",
      "timestamp_parse, integer, timestamp", "json_stringify, float, string or json",
      "json_stringify, array, string or json"})
  void field_transformation_mustProduceItsType(String transformation, String type, String expected) {
    Transformation t = Transformation.fromConfigName(transformation).orElseThrow();
    DataType d = DataType.fromConfigName(type).orElseThrow();

    List<String> found = problems(mappingWithField(field("data.x", "x", d).withTransformation(t)));

    if (expected == null) {
      assertThat(found).isEmpty();
    } else {
      assertThat(found).containsExactly(M + ".fields[2].transformation: transformation '" + transformation
          + "' cannot produce type " + type + "; expected data_type " + expected);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "string|''", "string|anything", "integer|-42", "integer| 7 ", "float|1.5", "float|-1e3", "boolean|TRUE",
      "boolean|false", "timestamp|2026-01-01T00:00:00Z", "timestamp|2026-01-01T02:00:00+02:00", "timestamp|1700000000",
      "array|[]", "array|[\"a\", 1]", "float_array|[1, 2.5]", "json|{\"a\": [1]}", "json|null", "json|\"text\""})
  void field_defaultFittingItsType_isAccepted(String type, String value) {
    DataType d = DataType.fromConfigName(type).orElseThrow();

    assertThat(problems(mappingWithField(field("data.x", "x", d).withDefaultValue(value)))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "integer|1.5|expected a whole number between -9223372036854775808 and 9223372036854775807",
      "integer|99999999999999999999|expected a whole number between -9223372036854775808 and 9223372036854775807",
      "float|abc|expected a number",
      "float|Infinity|expected a finite number",
      "boolean|yes|expected true or false",
      "timestamp|2026-01-01|expected an ISO-8601 timestamp with an offset (2026-01-01T00:00:00Z) or an epoch number",
      "array|{}|expected a JSON array such as [1, 2]",
      "array|[1,|expected a JSON array: Unexpected end-of-input within/between Array entries at line 1, column 4",
      "float_array|[1, \"a\"]|expected a JSON array of numbers",
      "json|{a: 1}|expected JSON: Unexpected character ('a' (code 97)): was expecting double-quote to start field name"
          + " at line 1, column 2"})
  void field_defaultNotFittingItsType_isReported(String type, String value, String expected) {
    DataType d = DataType.fromConfigName(type).orElseThrow();

    assertThat(problems(mappingWithField(field("data.x", "x", d).withDefaultValue(value)))).containsExactly(
        M + ".fields[2].default_value: default value '" + value + "' does not fit type " + type + ": " + expected);
  }

  @Test
  void field_stringDefaultWithNul_isReported() {
    assertThat(problems(mappingWithField(field("data.x", "x", DataType.STRING).withDefaultValue("a\0b"))))
        .containsExactly(M + ".fields[2].default_value: default value 'a\0b' does not fit type string: text must not"
            + " contain NUL characters");
  }

  @Test
  void field_base64DefaultThatIsNotBase64_isReportedAsTheCompilerWould() {
    FieldMapping bad = field("data.b", "b", DataType.STRING).withTransformation(Transformation.BASE64_DECODE)
        .withDefaultValue("not base64!");
    FieldMapping good = field("data.c", "c", DataType.STRING).withTransformation(Transformation.BASE64_DECODE)
        .withDefaultValue("aGVsbG8=");

    assertThat(problems(mappingWithField(good))).isEmpty();
    assertThat(problems(mappingWithField(bad))).containsExactly(M + ".fields[2].default_value: default value"
        + " 'not base64!' does not fit type string: the column decodes base64 (base64_decode), and this is not"
        + " base64 text");
    assertThatThrownBy(() -> MappingCompiler.compile(mappingWithField(bad)))
        .isInstanceOf(InvalidConfigurationException.class);
  }

  @Test
  void field_timestampFormat_appliesToTimestampsOnly() {
    FieldMapping onTimestamp = field("data.t", "t", DataType.TIMESTAMP).withTimestampFormat(TimestampFormat.EPOCH_MILLIS);
    FieldMapping onParse = field("data.p", "p", DataType.TIMESTAMP).withTransformation(Transformation.TIMESTAMP_PARSE)
        .withTimestampFormat(TimestampFormat.ISO_8601);
    FieldMapping onInteger = field("data.i", "i", DataType.INTEGER).withTimestampFormat(TimestampFormat.EPOCH_SECONDS);

    assertThat(problems(mappingWithField(onTimestamp))).isEmpty();
    assertThat(problems(mappingWithField(onParse))).isEmpty();
    assertThat(problems(mappingWithField(onInteger))).containsExactly(M + ".fields[2].timestamp_format: timestamp_format"
        + " 'epoch_seconds' is set on a column of type integer; it applies to timestamp columns only");
  }

  @Test
  void upsertKey_columnNotMapped_isReportedListingTheMappedColumns() {
    TopicMapping m = new TopicMapping(T, "gps", List.of("device_id", "ts"), null, keyFields());

    assertThat(problems(m)).containsExactly(M + ".upsert_key: upsert key column 'ts' is not mapped by any field; mapped"
        + " columns are device_id, timestamp");
  }

  @Test
  void upsertKey_columnTwice_isReported() {
    TopicMapping m = new TopicMapping(T, "gps", List.of("device_id", "device_id"), null, keyFields());

    assertThat(problems(m)).containsExactly(M + ".upsert_key: upsert key 'device_id, device_id' names a column twice");
  }

  @Test
  void conflictStrategy_otherThanIgnore_needsAnUpsertKey() {
    assertThat(problems(new TopicMapping(T, "gps", List.of(), ConflictStrategy.IGNORE, keyFields()))).isEmpty();
    assertThat(problems(new TopicMapping(T, "gps", List.of(), ConflictStrategy.UPDATE, keyFields()))).containsExactly(
        M + ".conflict_strategy: conflict strategy 'update' needs an upsert key; with an empty key rows are only appended");
    assertThat(problems(new TopicMapping(T, "gps", List.of(), ConflictStrategy.REPLACE, keyFields()))).containsExactly(
        M + ".conflict_strategy: conflict strategy 'replace' needs an upsert key; with an empty key rows are only appended");
  }

  @Test
  void deadLetterTopic_mustBeALegalKafkaTopic() {
    TopicMapping ok = new TopicMapping(T, "gps", TopicMapping.DEFAULT_UPSERT_KEY, null, keyFields(), "Gps_DLQ-1.x", null,
        null);
    TopicMapping bad = new TopicMapping(T, "gps", TopicMapping.DEFAULT_UPSERT_KEY, null, keyFields(), "gps dlq", null,
        null);

    assertThat(problems(ok)).isEmpty();
    assertThat(problems(bad)).containsExactly(M + ".dead_letter_topic: dead-letter topic 'gps dlq' is not a legal Kafka"
        + " topic name ([a-zA-Z0-9._-], at most 249 characters)");
  }

  @Test
  void hypertable_timeColumnMustBeMapped() {
    TopicMapping ok = new TopicMapping(T, "gps", TopicMapping.DEFAULT_UPSERT_KEY, null, keyFields(), null, null,
        new Hypertable("timestamp", "1 day"));
    TopicMapping bad = new TopicMapping(T, "gps", TopicMapping.DEFAULT_UPSERT_KEY, null, keyFields(), null, null,
        new Hypertable("time", null));

    assertThat(problems(ok)).isEmpty();
    assertThat(problems(bad)).containsExactly(M + ".hypertable.time_column: hypertable time column 'time' is not mapped"
        + " by any field");
  }

  @Test
  void schemaValidation_versionFieldOrHeaderWithoutValidation_isReported() {
    TopicMapping on = new TopicMapping(T, "gps", TopicMapping.DEFAULT_UPSERT_KEY, null, keyFields(), null,
        new SchemaValidation(true, "schema_version", "x-version"), null);
    TopicMapping off = new TopicMapping(T, "gps", TopicMapping.DEFAULT_UPSERT_KEY, null, keyFields(), null,
        new SchemaValidation(false, "schema_version", "x-version"), null);

    assertThat(problems(on)).isEmpty();
    assertThat(problems(off)).containsExactly(
        M + ".schema_version_field: a schema version field is set but schema validation is off",
        M + ".schema_version_header: a schema version header is set but schema validation is off");
  }

  @Test
  void mapping_sameTopicTwice_isReported() {
    TopicMapping first = mapping(keyFields());
    TopicMapping second = new TopicMapping(T, "other_table", TopicMapping.DEFAULT_UPSERT_KEY, null, keyFields());

    assertThat(problems(ConfigSnapshot.ofMappings(List.of(first, second))))
        .containsExactly(M + ": topic 'device.sensor.gps.raw' has more than one mapping");
  }

  // ---------------------------------------------------------------- flows

  private static PipelineStage stage(String name, int replicas, String configuration, Double errorRate,
      StageTopic... topics) {
    return new PipelineStage(name, 1, "svc", null, replicas, configuration, null, 3, 1, null, errorRate, List.of(topics));
  }

  private static List<String> problemsOfFlows(List<TopicDefinition> topics, PipelineFlow... flows) {
    return problems(new ConfigSnapshot(topics, List.of(), List.of(), List.of(flows)));
  }

  private static PipelineFlow flow(String priority, PipelineStage... stages) {
    return new PipelineFlow("f", null, priority, null, null, 3, true, List.of(stages));
  }

  @Test
  void flow_everyPriorityOfTheSchema_isAccepted() {
    for (String priority : List.of("critical", "high", "medium", "low")) {
      assertThat(problemsOfFlows(List.of(), flow(priority))).isEmpty();
    }
    assertThat(problemsOfFlows(List.of(), flow(null))).isEmpty();
  }

  @Test
  void flow_unknownPriority_isReported() {
    assertThat(problemsOfFlows(List.of(), flow("urgent")))
        .containsExactly("flows[f].priority: priority 'urgent' is unknown; expected critical, high, medium or low");
  }

  @Test
  void flow_stageTwice_isReported() {
    assertThat(problemsOfFlows(List.of(), flow("high", stage("s", 1, null, null), stage("s", 1, null, null))))
        .containsExactly("flows[f].stages[s]: stage 's' appears twice in flow 'f'");
  }

  @Test
  void flow_sameNameTwice_isReported() {
    assertThat(problemsOfFlows(List.of(), flow("high"), flow("low")))
        .containsExactly("flows[f]: flow 'f' appears more than once");
  }

  @Test
  void stage_values_areChecked() {
    assertThat(problemsOfFlows(List.of(), flow("high", stage("s", 0, "{\"a\":", 1.5)))).containsExactly(
        "flows[f].stages[s].replicas: replicas is 0; expected at least 1",
        "flows[f].stages[s].error_rate_threshold: error_rate_threshold is 1.5; expected a fraction between 0 and 1",
        "flows[f].stages[s].configuration: not valid JSON: Unexpected end-of-input within/between Object entries at"
            + " line 1, column 6");
    assertThat(problemsOfFlows(List.of(), flow("high", stage("s", 1, "[]", -0.1)))).containsExactly(
        "flows[f].stages[s].error_rate_threshold: error_rate_threshold is -0.1; expected a fraction between 0 and 1");
    assertThat(problemsOfFlows(List.of(), flow("high", stage("s", 1, "{}", 0.0), stage("t", 1, null, 1.0)))).isEmpty();
  }

  @Test
  void stageTopics_twiceOrUnregistered_areReported() {
    StageTopic in = new StageTopic(T, TopicRole.INPUT);
    StageTopic unknown = new StageTopic("other.topic.x", TopicRole.ERROR);
    PipelineFlow f = flow("high", stage("s", 1, null, null, in, in, new StageTopic(T, TopicRole.OUTPUT), unknown));

    assertThat(problemsOfFlows(List.of(topic(T)), f)).containsExactly(
        "flows[f].stages[s].topics[input:device.sensor.gps.raw]: topic 'device.sensor.gps.raw' is listed twice as input",
        "flows[f].stages[s].topics[error:other.topic.x]: topic 'other.topic.x' is not in the topic registry");
    assertThat(problemsOfFlows(List.of(), flow("high", stage("s", 1, null, null, unknown)))).isEmpty();
  }

  // ---------------------------------------------------------------- locator

  @Test
  void validate_locatorIsAskedForEveryProblem() {
    List<String> asked = new ArrayList<>();
    ConfigValidator.Locator locator = path -> {
      asked.add(path);
      return "row " + asked.size();
    };

    List<ConfigProblem> found = ConfigValidator.validate(ContractFixtures.invalid(), locator);

    assertThat(found).extracting(ConfigProblem::path).containsExactlyElementsOf(asked);
    assertThat(found).extracting(ConfigProblem::location).containsExactly("row 1", "row 2", "row 3", "row 4", "row 5",
        "row 6");
  }

  @Test
  void validate_nullLocator_meansNoLocations() {
    assertThat(ConfigValidator.validate(ContractFixtures.invalid(), null)).extracting(ConfigProblem::location)
        .containsOnlyNulls();
  }
}
