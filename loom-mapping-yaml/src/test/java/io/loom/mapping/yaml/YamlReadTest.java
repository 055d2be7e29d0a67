package io.loom.mapping.yaml;

import static io.loom.mapping.yaml.TestFiles.problems;
import static io.loom.mapping.yaml.TestFiles.resource;
import static io.loom.mapping.yaml.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.SchemaValidation;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicRole;
import io.loom.mapping.TopicSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading both shapes: what each construct means, files it refers to, directories, and what is refused for safety. */
class YamlReadTest {
  @TempDir Path directory;

  private static final String HEAD = "format: loom\n";

  // ---------------------------------------------------------------- canonical shape

  @Test
  void defaults_areTheConfigurationTablesDefaults() {
    ConfigSnapshot s = YamlMappingSource.parse(HEAD + """
        topics:
          - topic_name: device.sensor.gps.raw
        mappings:
          - topic_name: device.sensor.gps.raw
            table_name: gps
            fields:
              - {source_field_path: device_id, target_column: device_id, data_type: string}
              - {source_field_path: timestamp, target_column: timestamp, data_type: timestamp}
        flows:
          - flow_name: f
            stages:
              - {stage_name: first}
              - {stage_name: second, topics: {input: device.sensor.gps.raw}}
        """, "x.yml");

    assertThat(s.topics()).containsExactly(TopicDefinition.of("device.sensor.gps.raw", null));
    TopicMapping m = s.mappings().get(0);
    assertThat(m.upsertKey()).isEqualTo(TopicMapping.DEFAULT_UPSERT_KEY);
    assertThat(m.conflictStrategy()).isEqualTo(ConflictStrategy.IGNORE);
    assertThat(m.schemaValidation()).isEqualTo(SchemaValidation.DISABLED);
    assertThat(m.fields().get(0)).isEqualTo(FieldMapping.of("device_id", "device_id", io.loom.mapping.DataType.STRING));
    assertThat(s.flows().get(0).priority()).isEqualTo("medium");
    assertThat(s.flows().get(0).peakMultiplier()).isEqualTo(3);
    assertThat(s.flows().get(0).stages()).extracting(PipelineStage::stageName, PipelineStage::stageOrder,
        PipelineStage::replicas, PipelineStage::retryMaxAttempts, PipelineStage::retryBackoffSeconds)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("first", 1, 1, 3, 1),
            org.assertj.core.groups.Tuple.tuple("second", 2, 1, 3, 1));
    assertThat(s.flows().get(0).stages().get(1).topics(TopicRole.INPUT)).containsExactly("device.sensor.gps.raw");
  }

  @Test
  void topicParts_absentAreTakenFromTheName_nullMeansNone() {
    ConfigSnapshot s = YamlMappingSource.parse(HEAD + """
        topics:
          - {topic_name: device.sensor.gps.raw}
          - {topic_name: device.sensor.wifi.raw, category: null, stage: edge}
        """, "x.yml");

    assertThat(s.topic("device.sensor.gps.raw").orElseThrow()).extracting(TopicDefinition::category,
        TopicDefinition::source, TopicDefinition::datatype, TopicDefinition::stage)
        .containsExactly("device", "sensor", "gps", "raw");
    assertThat(s.topic("device.sensor.wifi.raw").orElseThrow()).extracting(TopicDefinition::category,
        TopicDefinition::source, TopicDefinition::stage).containsExactly(null, "sensor", "edge");
    assertThat(YamlMappingSource.parse(YamlConfigWriter.toYaml(s), "y.yml")).isEqualTo(s);
  }

  @Test
  void upsertKey_asListTextOrEmpty() {
    String yaml = HEAD + """
        mappings:
          - topic_name: a.a.a
            table_name: a
            upsert_key: KEY
            fields: [{source_field_path: device_id, target_column: device_id, data_type: string},
                     {source_field_path: timestamp, target_column: timestamp, data_type: timestamp}]
        """;

    assertThat(YamlMappingSource.parse(yaml.replace("KEY", "[device_id, timestamp]"), "x.yml").mappings().get(0)
        .upsertKey()).containsExactly("device_id", "timestamp");
    assertThat(YamlMappingSource.parse(yaml.replace("KEY", "device_id, timestamp"), "x.yml").mappings().get(0)
        .upsertKey()).containsExactly("device_id", "timestamp");
    assertThat(YamlMappingSource.parse(yaml.replace("KEY", "[]"), "x.yml").mappings().get(0).isAppendOnly()).isTrue();
    assertThat(YamlMappingSource.parse(yaml.replace("KEY", "''"), "x.yml").mappings().get(0).isAppendOnly()).isTrue();
    assertThat(problems(yaml.replace("KEY", ""), "x.yml")).containsExactly("x.yml:5: mappings[a.a.a].upsert_key:"
        + " upsert_key has no value; write [] for append-only, or list the key columns");
  }

  @Test
  void schemaJson_asYamlOrAsJsonText_isTheSameSchema() {
    String asYaml = HEAD + """
        schemas:
          - topic_name: a.a.a
            version: v1
            schema_json:
              type: object
              required: [id]
              properties: {id: {type: string, maxLength: 36}, n: {enum: ["1", 1, 1.50, true, null]}}
        """;
    String asJson = HEAD + """
        schemas:
          - topic_name: a.a.a
            version: v1
            schema_json: '{"properties": {"n": {"enum": ["1", 1, 1.50, true, null]}, "id": {"maxLength": 36,
              "type": "string"}}, "required": ["id"], "type": "object"}'
        """;

    TopicSchema fromYaml = YamlMappingSource.parse(asYaml, "x.yml").schemas().get(0);

    assertThat(fromYaml).isEqualTo(YamlMappingSource.parse(asJson, "x.yml").schemas().get(0));
    assertThat(fromYaml.schemaJson()).isEqualTo("{\"properties\":{\"id\":{\"maxLength\":36,\"type\":\"string\"},"
        + "\"n\":{\"enum\":[\"1\",1,1.50,true,null]}},\"required\":[\"id\"],\"type\":\"object\"}");
  }

  @Test
  void schemaFile_isReadRelativeToTheYamlFile_andNamedInSchemaPath() {
    write(directory.resolve("schemas/a.json"), "{\"type\": \"object\", \"title\": \"from a file\"}");
    Path file = write(directory.resolve("loom.yml"), HEAD + """
        schemas:
          - {topic_name: a.a.a, version: v1, schema_file: schemas/a.json}
          - {topic_name: a.a.a, version: v2, schema_file: schemas/a.json, schema_path: elsewhere/a.json}
        """);

    ConfigSnapshot s = YamlMappingSource.of(file).load();

    assertThat(s.schemas()).extracting(TopicSchema::version, TopicSchema::schemaPath, TopicSchema::schemaJson)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("v1", "schemas/a.json", "{\"title\":\"from a file\",\"type\":\"object\"}"),
            org.assertj.core.groups.Tuple.tuple("v2", "elsewhere/a.json",
                "{\"title\":\"from a file\",\"type\":\"object\"}"));
  }

  @Test
  void schemaFile_missingOrNotJson_isReportedWhereItIs() {
    write(directory.resolve("schemas/bad.json"), "{\n  \"type\": \"object\",\n  \"title\": oops\n}\n");
    Path file = write(directory.resolve("loom.yml"), HEAD + """
        schemas:
          - topic_name: a.a.a
            version: v1
            schema_file: schemas/missing.json
          - topic_name: a.a.a
            version: v2
            schema_file: schemas/bad.json
          - topic_name: a.a.a
            version: v3
            schema_file: schemas/bad.json
            schema_json: {}
          - topic_name: a.a.a
            version: v4
        """);

    assertThat(problems(file)).containsExactly(
        "loom.yml:5: schemas[a.a.a/v1].schema_file: schema file 'schemas/missing.json' cannot be read: no such file"
            + " (looked for " + directory.toAbsolutePath().resolve("schemas/missing.json") + ")",
        "loom.yml:11: schemas[a.a.a/v3].schema_file: give either schema_json or schema_file, not both",
        "loom.yml:13: schemas[a.a.a/v4].schema_json: schema_json or schema_file is missing; give the JSON Schema"
            + " inline or name its file",
        "schemas/bad.json:3: schemas[a.a.a/v2].schema_json: not valid JSON: Unrecognized token 'oops': was expecting"
            + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at line 3, column 12",
        "schemas/bad.json:3: schemas[a.a.a/v3].schema_json: not valid JSON: Unrecognized token 'oops': was expecting"
            + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at line 3, column 12");
  }

  @Test
  void schemaFile_inTextWithoutAFile_isReported() {
    assertThat(problems(HEAD + "schemas: [{topic_name: a.a.a, version: v1, schema_file: a.json}]\n", "x.yml"))
        .containsExactly("x.yml:2: schemas[a.a.a/v1].schema_file: schema file 'a.json' cannot be read: a document"
            + " given as text cannot refer to other files");
  }

  @Test
  void anchorsAliasesAndMergeKeys_shareSettings() {
    ConfigSnapshot s = YamlMappingSource.parse(HEAD + """
        x-common:
          key_fields: &keys
            - {source_field_path: device_id, target_column: device_id, data_type: string, is_required: true}
          mapping: &mapping
            upsert_key: [device_id]
            conflict_strategy: update
        mappings:
          - <<: *mapping
            topic_name: a.a.a
            table_name: a
            fields: *keys
          - <<: *mapping
            topic_name: b.b.b
            table_name: b
            conflict_strategy: replace
            fields: *keys
        """, "x.yml");

    assertThat(s.mappings()).extracting(TopicMapping::topic, TopicMapping::conflictStrategy, TopicMapping::upsertKey)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a.a.a", ConflictStrategy.UPDATE, List.of("device_id")),
            org.assertj.core.groups.Tuple.tuple("b.b.b", ConflictStrategy.REPLACE, List.of("device_id")));
    assertThat(s.mappings().get(1).fields()).isEqualTo(s.mappings().get(0).fields()).hasSize(1);
  }

  @Test
  void problemInAnAnchor_isReportedAtTheAnchorsLine() {
    assertThat(problems(HEAD + """
        x-fields: &f
          - {source_field_path: device_id, target_column: device_id, data_type: strin}
        mappings:
          - {topic_name: a.a.a, table_name: a, upsert_key: [], fields: *f}
        """, "x.yml")).containsExactly("x.yml:3: mappings[a.a.a].fields[0].data_type: data type 'strin' is unknown;"
        + " expected one of string, integer, float, boolean, timestamp, array, float_array, json");
  }

  // ---------------------------------------------------------------- legacy shape

  @Test
  void legacy_sameConfigurationAsTheSample_givesTheSameMappings() {
    ConfigSnapshot legacy = YamlMappingSource.parse(resource("legacy/topic_mappings.yml"), "topic_mappings.yml");
    ConfigSnapshot sample = SampleConfiguration.load();

    assertThat(legacy.mappings()).containsExactlyElementsOf(
        sample.mappings().stream().map(YamlReadTest::withoutWhatLegacyCannotSay).toList());
    assertThat(legacy.topics()).containsExactlyElementsOf(sample.mappings().stream()
        .map(m -> TopicDefinition.of(m.topic(), sample.topic(m.topic()).orElseThrow().description())).toList());
    assertThat(legacy.schemas()).isEmpty();
    assertThat(legacy.flows()).isEmpty();
  }

  private static TopicMapping withoutWhatLegacyCannotSay(TopicMapping m) {
    return new TopicMapping(m.topic(), m.table(), m.upsertKey(), m.conflictStrategy(),
        m.fields().stream().map(f -> f.withTimestampFormat(null)).toList());
  }

  @Test
  void legacy_fileWideDefaults_andUpsertKeyForms() {
    ConfigSnapshot s = YamlMappingSource.parse("""
        defaults:
          upsert_key: [device_id]
          conflict_strategy: update
          data_type: float
        topics:
          a.a.a:
            table: a
            field_mappings: {device_id: device_id, data.v: v}
            data_types: {device_id: string}
          b.b.b:
            table: b
            upsert_key: ""
            conflict_strategy: ignore
            field_mappings: {data.v: v}
          c.c.c:
            table: c
            upsert_key: device_id, v
            field_mappings: {device_id: device_id, data.v: v}
            data_types: {device_id: string}
            defaults: {data.v: 1.5, device_id: unknown}
            required_fields: [data.v]
        """, "legacy.yml");

    assertThat(s.mapping("a.a.a").orElseThrow()).isEqualTo(new TopicMapping("a.a.a", "a", List.of("device_id"),
        ConflictStrategy.UPDATE, List.of(FieldMapping.of("device_id", "device_id", io.loom.mapping.DataType.STRING),
            FieldMapping.of("data.v", "v", io.loom.mapping.DataType.FLOAT))));
    assertThat(s.mapping("b.b.b").orElseThrow().isAppendOnly()).isTrue();
    assertThat(s.mapping("b.b.b").orElseThrow().conflictStrategy()).isEqualTo(ConflictStrategy.IGNORE);
    assertThat(s.mapping("c.c.c").orElseThrow().fields()).containsExactly(
        FieldMapping.of("device_id", "device_id", io.loom.mapping.DataType.STRING).withDefaultValue("unknown"),
        FieldMapping.of("data.v", "v", io.loom.mapping.DataType.FLOAT).withDefaultValue("1.5").withRequired(true));
    assertThat(s.mapping("c.c.c").orElseThrow().upsertKey()).containsExactly("device_id", "v");
  }

  @Test
  void shape_isToldApartPerDocument() {
    String legacyLooking = "topics:\n  a.a.a: {table: a, upsert_key: '', field_mappings: {x: x}}\n";

    assertThat(YamlMappingSource.parse(legacyLooking, "x.yml").mappedTopics()).containsExactly("a.a.a");
    assertThat(problems("format: loom\n" + legacyLooking, "x.yml"))
        .containsExactly("x.yml:3: topics: expected a list of topics, found a mapping");
    assertThat(YamlMappingSource.parse("topics:\n  - topic_name: a.a.a\n", "x.yml").topics()).hasSize(1);
  }

  // ---------------------------------------------------------------- directories

  @Test
  void directory_readsEveryYamlFileAsOneConfiguration() {
    write(directory.resolve("10-registry.yml"), HEAD + "topics: [{topic_name: a.a.a}, {topic_name: b.b.b}]\n");
    write(directory.resolve("20-legacy.yaml"), "topics:\n  b.b.b: {table: b, description: from legacy,"
        + " upsert_key: '', field_mappings: {x: x}}\n");
    write(directory.resolve("30-mappings.yml"), HEAD + "mappings: [{topic_name: a.a.a, table_name: a, upsert_key: [],"
        + " fields: [{source_field_path: x, target_column: x, data_type: string}]}]\n");
    write(directory.resolve(".hidden.yml"), "not: [valid");
    write(directory.resolve("notes.txt"), "ignored");
    write(directory.resolve("sub/deeper.yml"), "ignored: [too");

    ConfigSnapshot s = YamlMappingSource.of(directory).load();

    assertThat(s.mappedTopics()).containsExactly("a.a.a", "b.b.b");
    assertThat(s.topics()).containsExactly(TopicDefinition.of("a.a.a", null), TopicDefinition.of("b.b.b", null));
    assertThat(YamlMappingSource.of(directory).describe()).isEqualTo("yaml:" + directory);
  }

  @Test
  void directory_sameEntryInTwoFiles_isReportedNamingBoth() {
    write(directory.resolve("a.yml"), HEAD + "mappings: [{topic_name: a.a.a, table_name: a, upsert_key: [],"
        + " fields: [{source_field_path: x, target_column: x, data_type: string}]}]\n");
    write(directory.resolve("b.yml"), HEAD + "\n\nmappings: [{topic_name: a.a.a, table_name: b, upsert_key: [],"
        + " fields: [{source_field_path: x, target_column: x, data_type: strin}]}]\n");

    assertThat(problems(directory)).containsExactly(
        "b.yml:4: mappings[a.a.a].fields[0].data_type: data type 'strin' is unknown; expected one of string, integer,"
            + " float, boolean, timestamp, array, float_array, json",
        "b.yml:4: mappings[a.a.a]: topic 'a.a.a' is mapped twice (first at a.yml:2); keep one");
  }

  @Test
  void directory_withoutYamlFiles_cannotBeRead() throws Exception {
    Files.createDirectories(directory.resolve("empty"));

    assertThatThrownBy(() -> YamlMappingSource.of(directory.resolve("empty")).load())
        .isInstanceOf(LoomException.class).isNotInstanceOf(InvalidConfigurationException.class)
        .hasMessage("configuration directory " + directory.resolve("empty") + " holds no .yml or .yaml file");
  }

  @Test
  void missingFile_cannotBeRead() {
    Path missing = directory.resolve("nope.yml");

    assertThatThrownBy(() -> YamlMappingSource.of(missing).load())
        .isInstanceOf(LoomException.class).isNotInstanceOf(InvalidConfigurationException.class)
        .hasMessage("configuration file " + missing + " does not exist (yaml:" + missing + ")");
  }

  // ---------------------------------------------------------------- safety

  @Test
  void globalTags_areRefusedBeforeAnythingIsBuilt() {
    assertThat(problems(HEAD + "topics:\n  - topic_name: !!javax.script.ScriptEngineManager"
        + " [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1/x\"]]]]\n", "x.yml"))
        .containsExactly("x.yml:3: document: not valid YAML: Global tag is not allowed:"
            + " tag:yaml.org,2002:javax.script.ScriptEngineManager (column 17)");
  }

  @Test
  void localAndNonJsonTags_areRefusedWhereTheyAre() {
    assertThat(problems(HEAD + """
        topics:
          - {topic_name: a.b.c, category: !custom x}
        mappings: !!set {a, b}
        schemas:
          - {topic_name: a.b.c, version: v1, schema_json: {data: !!binary aGVsbG8=}}
          - {topic_name: a.b.c, version: v2, schema_json: {n: .nan}}
        """, "x.yml")).containsExactly(
        "x.yml:3: topics[a.b.c].category: the tag !custom is not allowed; expected text",
        "x.yml:4: mappings: expected a list of topic mappings, found a mapping",
        "x.yml:6: schemas[a.b.c/v1].schema_json: not valid JSON: the tag tag:yaml.org,2002:binary is not allowed in"
            + " JSON",
        "x.yml:7: schemas[a.b.c/v2].schema_json: not valid JSON: '.nan' is not a number JSON can hold");
  }

  @Test
  void aliasBomb_isRefused() {
    StringBuilder yaml = new StringBuilder(HEAD + "x-bomb:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    char previous = 'a';
    for (char c = 'b'; c <= 'l'; c++) {
      yaml.append("  ").append(c).append(": &").append(c).append(" [")
          .append(String.join(", ", java.util.Collections.nCopies(10, "*" + previous))).append("]\n");
      previous = c;
    }

    assertThat(problems(yaml.toString(), "x.yml")).containsExactly(
        "x.yml: document: not accepted: Number of aliases for non-scalar nodes exceeds the specified max=100");
  }

  @Test
  void recursiveAlias_isRefused() {
    assertThat(problems(HEAD + "schemas: [{topic_name: a.b.c, version: v1, schema_json: &s {type: object, self: *s}}]\n",
        "x.yml")).containsExactly("x.yml:2: schemas[a.b.c/v1].schema_json: not valid JSON: contains itself through an"
        + " alias");
  }

  @Test
  void deepNesting_isRefused() {
    assertThat(problems(HEAD + "x-deep: " + "[".repeat(70) + "]".repeat(70) + "\n", "x.yml"))
        .containsExactly("x.yml: document: not accepted: Nesting Depth exceeded max 64");
  }

  @Test
  void oversizedDocument_isRefused() {
    String big = HEAD + "x-big: '" + "x".repeat(4 * 1024 * 1024) + "'\n";

    assertThat(problems(big, "x.yml")).hasSize(1).first().asString()
        .startsWith("x.yml: document: not accepted: The incoming YAML document exceeds the limit: 4194304 code points.");
  }

  @Test
  void oversizedFile_isRefusedBeforeItIsRead() throws Exception {
    Path file = directory.resolve("big.yml");
    Files.write(file, new byte[4 * 1024 * 1024 + 1]);

    assertThat(problems(file)).containsExactly("big.yml: document: the file is 4194305 bytes; at most 4194304 bytes are"
        + " accepted");
  }

  @Test
  void fileNotInUtf8_isRefused() throws Exception {
    Path file = directory.resolve("latin1.yml");
    Files.write(file, "format: loom\ntopics: [{topic_name: a.b.c, description: caf\u00e9}]\n"
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

    assertThat(problems(file)).containsExactly("latin1.yml: document: the file is not UTF-8 text");
  }

  @Test
  void byteOrderMark_isAccepted() {
    Path file = write(directory.resolve("bom.yml"), "\uFEFF" + HEAD + "topics: [{topic_name: a.b.c}]\n");

    assertThat(YamlMappingSource.of(file).load().topics()).hasSize(1);
  }
}
