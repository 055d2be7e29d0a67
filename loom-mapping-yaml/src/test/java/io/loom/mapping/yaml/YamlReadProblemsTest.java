package io.loom.mapping.yaml;

import static io.loom.mapping.yaml.TestFiles.problems;
import static io.loom.mapping.yaml.TestFiles.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import org.junit.jupiter.api.Test;

/** Every problem of a file is reported at once, with its file, line, logical path and what was expected. */
class YamlReadProblemsTest {
  private static final String GPS = "mappings[device.sensor.gps.raw]";

  /**
   * The upsert key names 'ts', which no field maps; that is not reported while a field (line 18) has
   * no column, as that field might be the one meant.
   */
  @Test
  void canonical_everyProblemAtOnce_withLines() {
    assertThat(problems(resource("problems/topic_mappings.yml"), "topic_mappings.yml")).containsExactly(
        "topic_mappings.yml:5: topics[device.sensor.gps.raw].retention_days: expected a whole number, found 'thirty'",
        "topic_mappings.yml:6: topics[device.sensor.gps.raw].compresion_type: unknown key 'compresion_type' (did you"
            + " mean 'compression_type'?); expected one of topic_name, category, source, datatype, stage, description,"
            + " retention_days, partitions, replication_factor, compression_type, is_active",
        "topic_mappings.yml:7: topics[Device.Bad].topic_name: topic name 'Device.Bad' breaks the naming rule"
            + " ^[a-z0-9]+\\.[a-z0-9]+\\.[a-z0-9]+(\\.[a-z0-9]+)?$ (<category>.<source>.<datatype>[.<stage>],"
            + " lower-case letters and digits)",
        "topic_mappings.yml:12: " + GPS + ".conflict_strategy: conflict strategy 'upsert' is unknown; expected one of"
            + " ignore, update, replace",
        "topic_mappings.yml:14: " + GPS + ".fields[0].is_required: expected true or false, found 'maybe'",
        "topic_mappings.yml:15: " + GPS + ".fields[1].timestamp_format: timestamp format 'epoch' is unknown; expected"
            + " one of auto, iso_8601, epoch_seconds, epoch_millis, epoch_micros",
        "topic_mappings.yml:16: " + GPS + ".fields[2].data_type: data type 'strng' is unknown; expected one of string,"
            + " integer, float, boolean, timestamp, array, float_array, json",
        "topic_mappings.yml:17: " + GPS + ".fields[3].data_typ: unknown key 'data_typ' (did you mean 'data_type'?);"
            + " expected one of source_field_path, target_column, data_type, transformation, is_required,"
            + " default_value, timestamp_format",
        "topic_mappings.yml:17: " + GPS + ".fields[3].data_type: data_type is missing; every field needs"
            + " source_field_path, target_column and data_type",
        "topic_mappings.yml:18: " + GPS + ".fields[4].target_column: target_column is missing; every field needs"
            + " source_field_path, target_column and data_type",
        "topic_mappings.yml:19: " + GPS + ".fields[5].transformation: transformation 'base64' is unknown; expected one"
            + " of base64_decode, timestamp_parse, json_stringify",
        "topic_mappings.yml:20: " + GPS + ".fields[6].target_column: column 'latitude' is mapped more than once",
        "topic_mappings.yml:21: " + GPS + ".fields[7].source_field_path: path 'data..x' is malformed: empty segment at"
            + " position 5; expected a field name",
        "topic_mappings.yml:24: " + GPS + ".fields[7].default_value: default value 'abc' does not fit type integer:"
            + " expected a whole number between -9223372036854775808 and 9223372036854775807",
        "topic_mappings.yml:25: " + GPS + ": topic 'device.sensor.gps.raw' is mapped twice (first at"
            + " topic_mappings.yml:9); keep one",
        "topic_mappings.yml:30: flows[f].priority: priority 'urgent' is unknown; expected critical, high, medium or low",
        "topic_mappings.yml:33: flows[f].stages[s].replicas: replicas is 0; expected at least 1",
        "topic_mappings.yml:34: flows[f].stages[s].topics.outptu: unknown key 'outptu' (did you mean 'output'?);"
            + " expected one of input, output, error",
        "topic_mappings.yml:34: flows[f].stages[s].topics[input:nope.nope.nope]: topic 'nope.nope.nope' is not in the"
            + " topic registry",
        "topic_mappings.yml:35: flows[f].stages[s]: stage 's' is written twice in this flow (first at"
            + " topic_mappings.yml:32); keep one");
  }

  @Test
  void legacy_everyProblemAtOnce_withLines() {
    String m = "mappings[device.sensor.gps.raw]";
    assertThat(problems(resource("problems/legacy_topic_mappings.yml"), "topic_mappings.yml")).containsExactly(
        "topic_mappings.yml:3: defaults.data_typ: unknown key 'data_typ' (did you mean 'data_type'?); expected one of"
            + " upsert_key, conflict_strategy, data_type",
        "topic_mappings.yml:7: " + m + ".conflict_strategy: conflict strategy 'merge' is unknown; expected one of"
            + " ignore, update, replace",
        "topic_mappings.yml:12: " + m + ".fields[3].target_column: source path 'data.lon' is mapped to no column;"
            + " expected 'path: column'",
        "topic_mappings.yml:15: " + m + ".data_types.latitude: data type 'flaot' is unknown; expected one of string,"
            + " integer, float, boolean, timestamp, array, float_array, json",
        "topic_mappings.yml:16: " + m + ".data_types.longitude: data type for column 'longitude', which field_mappings"
            + " does not map; mapped columns are device_id, timestamp, latitude",
        "topic_mappings.yml:19: " + m + ".required_fields: required field 'data.altitude' is not a source path in"
            + " field_mappings; mapped paths are device_id, timestamp, data.latitude, data.lon",
        "topic_mappings.yml:21: " + m + ".defaults.elevation: default for 'elevation', which is neither a mapped column"
            + " nor a mapped source path; mapped columns are device_id, timestamp, latitude",
        "topic_mappings.yml:23: " + m + ".descripton: unknown key 'descripton' (did you mean 'description'?); expected"
            + " one of table, description, upsert_key, conflict_strategy, field_mappings, data_types, transforms,"
            + " required_fields, defaults",
        "topic_mappings.yml:24: mappings[device.audio.raw].table: table is missing; every topic names its table");
  }

  @Test
  void legacy_validatorProblems_pointAtTheLegacyLines() {
    String yaml = """
        topics:
          device.sensor.gps.raw:
            table: Gps
            upsert_key: device_id, ts
            field_mappings:
              device_id: device_id
              data.x: x
            data_types:
              x: integer
            transforms:
              x: base64_decode
            defaults:
              data.x: abc
        """;

    assertThat(problems(yaml, "legacy.yml")).containsExactly(
        "legacy.yml:3: mappings[device.sensor.gps.raw].table_name: table name 'Gps' is not allowed; expected"
            + " ^[a-z_][a-z0-9_]{0,62}$, optionally schema-qualified",
        "legacy.yml:4: mappings[device.sensor.gps.raw].upsert_key: upsert key column 'ts' is not mapped by any field;"
            + " mapped columns are device_id, x",
        "legacy.yml:11: mappings[device.sensor.gps.raw].fields[1].transformation: transformation 'base64_decode' cannot"
            + " produce type integer; expected data_type string",
        "legacy.yml:13: mappings[device.sensor.gps.raw].fields[1].default_value: default value 'abc' does not fit type"
            + " integer: expected a whole number between -9223372036854775808 and 9223372036854775807");
  }

  @Test
  void legacy_topicNameBreakingTheRule_isReportedOnceAtTheTopic() {
    String yaml = """
        topics:
          Gps:
            table: gps
            field_mappings: {device_id: device_id, timestamp: timestamp}
        """;

    assertThat(problems(yaml, "legacy.yml")).containsExactly(
        "legacy.yml:2: mappings[Gps].topic: topic name 'Gps' breaks the naming rule "
            + "^[a-z0-9]+\\.[a-z0-9]+\\.[a-z0-9]+(\\.[a-z0-9]+)?$ (<category>.<source>.<datatype>[.<stage>],"
            + " lower-case letters and digits)");
  }

  @Test
  void wrongYamlTypes_sayWhatWasExpectedAndWhatWasFound() {
    String yaml = """
        format: loom
        topics: {device.sensor.gps.raw: {}}
        mappings:
          - topic_name: device.sensor.gps.raw
            table_name: [gps]
            upsert_key: {device_id: 1}
            schema_validation: true
            hypertable: timestamp
            fields:
              - data.x
          - just text
        flows: flow
        """;

    assertThat(problems(yaml, "x.yml")).containsExactly(
        "x.yml:2: topics: expected a list of topics, found a mapping",
        "x.yml:5: mappings[device.sensor.gps.raw].table_name: expected text, found a list",
        "x.yml:6: mappings[device.sensor.gps.raw].upsert_key: expected a list of column names, found a mapping",
        "x.yml:7: mappings[device.sensor.gps.raw].schema_validation: expected schema validation settings (key: value"
            + " lines), found the value 'true'",
        "x.yml:8: mappings[device.sensor.gps.raw].hypertable: expected hypertable settings (key: value lines), found"
            + " the value 'timestamp'",
        "x.yml:10: mappings[device.sensor.gps.raw].fields[0]: expected a field mapping (key: value lines), found the"
            + " value 'data.x'",
        "x.yml:11: mappings[1]: expected a topic mapping (key: value lines), found the value 'just text'",
        "x.yml:12: flows: expected a list of pipeline flows, found the value 'flow'");
  }

  @Test
  void duplicateKeys_areReportedAtTheSecond() {
    String yaml = """
        format: loom
        mappings:
          - topic_name: device.sensor.gps.raw
            table_name: gps
            table_name: gps2
            fields: [{source_field_path: a, target_column: a, data_type: string, data_type: integer}]
            upsert_key: []
        """;

    assertThat(problems(yaml, "x.yml")).containsExactly(
        "x.yml:5: mappings[device.sensor.gps.raw].table_name: key 'table_name' is written twice in this mapping (first"
            + " at line 4); keep one",
        "x.yml:6: mappings[device.sensor.gps.raw].fields[0].data_type: key 'data_type' is written twice in this"
            + " mapping (first at line 6); keep one");
  }

  @Test
  void formatAndVersion_areChecked() {
    assertThat(problems("format: lume\nversion: 2\n", "x.yml")).containsExactly(
        "x.yml:1: format: format 'lume' is unknown; expected loom",
        "x.yml:2: version: format version 2 is not supported; expected 1");
  }

  @Test
  void unknownTopLevelKey_isReported_butXKeysAreFree() {
    assertThat(problems("format: loom\nmapings: []\nx-anchors: {a: 1}\n", "x.yml")).containsExactly(
        "x.yml:2: mapings: unknown key 'mapings' (did you mean 'mappings'?); expected one of format, version, topics,"
            + " schemas, mappings, flows");
  }

  @Test
  void syntaxError_isReportedWithLineAndColumn() {
    assertThat(problems("format: loom\nmappings:\n  - topic_name: a: b\n", "x.yml")).containsExactly(
        "x.yml:3: document: not valid YAML: mapping values are not allowed here (column 18)");
    assertThat(problems("format: loom\nmappings: [a, b\n", "x.yml")).containsExactly(
        "x.yml:3: document: not valid YAML: expected ',' or ']', but got <stream end> (column 1), while parsing a flow"
            + " sequence at line 2");
  }

  @Test
  void emptyFile_isRefused_notTakenAsAnEmptyConfiguration() {
    assertThat(problems("", "x.yml")).containsExactly("x.yml:1: document: the file is empty; expected a configuration"
        + " (format: loom, then topics, schemas, mappings, flows)");
    assertThat(problems("# nothing yet\n", "x.yml")).hasSize(1);
  }

  @Test
  void topLevelList_isRefused() {
    assertThat(problems("- a\n- b\n", "x.yml")).containsExactly("x.yml:1: document: expected a configuration with"
        + " topics, schemas, mappings and flows (key: value lines), found a list");
  }

  @Test
  void severalDocuments_areRefused() {
    assertThat(problems("format: loom\n---\nformat: loom\n", "x.yml")).containsExactly(
        "x.yml:2: document: not valid YAML: but found another document (column 1), expected a single document in the"
            + " stream at line 1");
  }

  @Test
  void problemsOfOneMapping_doNotHideThoseOfAnother() {
    String yaml = """
        format: loom
        mappings:
          - topic_name: device.sensor.gps.raw
            fields: [{source_field_path: a, target_column: a, data_type: nope}]
          - topic_name: device.sensor.wifi.raw
            table_name: wifi
            upsert_key: []
            fields: [{source_field_path: a, target_column: A, data_type: string}]
        """;

    assertThat(problems(yaml, "x.yml")).containsExactly(
        "x.yml:3: mappings[device.sensor.gps.raw].table_name: table_name is missing; every mapping names its table",
        "x.yml:4: mappings[device.sensor.gps.raw].fields[0].data_type: data type 'nope' is unknown; expected one of"
            + " string, integer, float, boolean, timestamp, array, float_array, json",
        "x.yml:8: mappings[device.sensor.wifi.raw].fields[0].target_column: column name 'A' is not allowed; expected"
            + " ^[a-z_][a-z0-9_]{0,62}$");
  }

  @Test
  void readingProblem_doesNotCascadeIntoValidatorProblems() {
    String yaml = """
        format: loom
        mappings:
          - topic_name: device.sensor.gps.raw
            table_name: gps
            upsert_key: [device_id, timestamp]
            fields:
              - {source_field_path: device_id, target_column: device_id, data_type: strin}
              - {source_field_path: timestamp, data_type: timestamp, transformation: timestamp_parse}
        """;

    assertThat(problems(yaml, "x.yml")).containsExactly(
        "x.yml:7: mappings[device.sensor.gps.raw].fields[0].data_type: data type 'strin' is unknown; expected one of"
            + " string, integer, float, boolean, timestamp, array, float_array, json",
        "x.yml:8: mappings[device.sensor.gps.raw].fields[1].target_column: target_column is missing; every field needs"
            + " source_field_path, target_column and data_type");
  }

  @Test
  void namesAreCaseInsensitive_andTextFieldsAreTakenAsWritten() {
    String yaml = """
        format: loom
        mappings:
          - topic_name: device.sensor.gps.raw
            table_name: gps
            conflict_strategy: UPDATE
            fields:
              - {source_field_path: device_id, target_column: device_id, data_type: String}
              - {source_field_path: timestamp, target_column: timestamp, data_type: TIMESTAMP}
              - {source_field_path: data.rate, target_column: rate, data_type: float, default_value: 1.50}
              - {source_field_path: data.on, target_column: on_flag, data_type: boolean, default_value: true}
              - {source_field_path: data.v, target_column: v, data_type: string, default_value: 007}
        """;

    ConfigSnapshot snapshot = YamlMappingSource.parse(yaml, "x.yml");

    assertThat(snapshot.mappings().get(0).conflictStrategy()).isEqualTo(ConflictStrategy.UPDATE);
    assertThat(snapshot.mappings().get(0).fields()).extracting(f -> f.dataType() + "=" + f.defaultValue())
        .containsExactly("string=null", "timestamp=null", "float=1.50", "boolean=true", "string=007");
  }

  @Test
  void yamlBooleanWords_areTextForADefault_andTheValidatorSaysWhatItWants() {
    String yaml = """
        format: loom
        mappings:
          - topic_name: device.sensor.gps.raw
            table_name: gps
            upsert_key: []
            fields: [{source_field_path: data.on, target_column: on_flag, data_type: boolean, default_value: yes}]
        """;

    assertThat(problems(yaml, "x.yml")).containsExactly("x.yml:6: mappings[device.sensor.gps.raw].fields[0]"
        + ".default_value: default value 'yes' does not fit type boolean: expected true or false");
  }
}
