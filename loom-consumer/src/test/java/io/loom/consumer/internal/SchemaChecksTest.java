package io.loom.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.MappingCompiler;
import io.loom.mapping.MappingError;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.RowSink;
import io.loom.mapping.SchemaValidation;
import io.loom.mapping.SourceRecord;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaChecksTest {
  private static final String TOPIC = "device.health.heartrate.raw";
  private static final String V1 = "{\"type\":\"object\",\"required\":[\"device_id\",\"data\"],\"properties\":{\"data\":"
      + "{\"type\":\"object\",\"required\":[\"bpm\"],\"properties\":{\"bpm\":{\"type\":\"integer\",\"maximum\":250}}}}}";
  private static final String V2 = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
      + "\"required\":[\"device_id\",\"data\",\"schema_version\"]}";

  private final SchemaChecks checks = new SchemaChecks();
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final CountingSink sink = new CountingSink();

  private static TopicMapping mapping(SchemaValidation validation) {
    return new TopicMapping(TOPIC, "heartrate", List.of(), ConflictStrategy.IGNORE, List.of(
        FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
        FieldMapping.of("data.bpm", "bpm", DataType.INTEGER)), null, validation, null);
  }

  private RecordMapper wrap(SchemaValidation validation, TopicSchema... schemas) {
    TopicMapping mapping = mapping(validation);
    ConfigSnapshot snapshot = new ConfigSnapshot(List.of(), List.of(schemas), List.of(mapping), List.of());
    return checks.wrap(MappingCompiler.compile(mapping), mapping, snapshot, problems);
  }

  private static SourceRecord record(String json) {
    return SourceRecord.of(TOPIC, 1, 42, null, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aMessageBreakingTheCurrentSchema_isRefusedWithTheViolation() {
    RecordMapper mapper = wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", V1, null, true));

    MappingError error = mapper.map(record("{\"device_id\":\"w1\",\"data\":{\"bpm\":400}}"), sink);

    assertThat(problems).isEmpty();
    assertThat(error.kind()).isEqualTo(MappingError.Kind.SCHEMA_VIOLATION);
    assertThat(error.path()).isEqualTo("/data/bpm");
    assertThat(error.rule()).isEqualTo("breaks schema v1: /data/bpm: must have a maximum value of 250");
    assertThat(sink.rows).isZero();
  }

  @Test
  void everyViolation_isListedWithItsPointer_inPointerOrder() {
    RecordMapper mapper = wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", V1, null, true));

    MappingError error = mapper.map(record("{\"data\":{\"bpm\":\"fast\"}}"), sink);

    assertThat(error.path()).isEqualTo("/data/bpm");
    assertThat(error.rule()).isEqualTo("breaks schema v1: /data/bpm: string found, integer expected;"
        + " /device_id: required property 'device_id' not found");
  }

  @Test
  void aViolationOfTheWholeDocument_hasTheEmptyPointer() {
    RecordMapper mapper = wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", V1, null, true));

    MappingError error = mapper.map(record("[1]"), sink);

    assertThat(error.path()).isEmpty();
    assertThat(error.message()).isEqualTo(TOPIC + "[1]@42 schema_violation: breaks schema v1: (document): array found,"
        + " object expected");
  }

  @Test
  void manyViolations_areListedUpToTheBound_thenCounted() {
    StringBuilder schema = new StringBuilder("{\"type\":\"object\",\"properties\":{");
    StringBuilder message = new StringBuilder("{");
    for (int i = 0; i < 25; i++) {
      schema.append(i == 0 ? "" : ",").append("\"f").append(String.format("%02d", i)).append("\":{\"type\":\"integer\"}");
      message.append(i == 0 ? "" : ",").append("\"f").append(String.format("%02d", i)).append("\":\"x\"");
    }
    RecordMapper mapper = wrap(SchemaValidation.CURRENT,
        new TopicSchema(TOPIC, "v1", schema.append("}}").toString(), null, true));

    MappingError error = mapper.map(record(message.append("}").toString()), sink);

    assertThat(error.path()).isEqualTo("/f00");
    assertThat(error.rule()).startsWith("breaks schema v1: /f00: string found, integer expected; /f01: ")
        .endsWith("; /f09: string found, integer expected (and 15 more)")
        .hasSizeLessThan(SchemaChecks.MAX_RULE_LENGTH + 40);
  }

  @Test
  void draft2020_12_draft07_andNoSchemaKeyword_areEachApplied() {
    // prefixItems exists in 2020-12 only, items-as-array and additionalItems in draft-07 only: each schema
    // accepts one item and refuses two only when read as its own draft; without $schema, 2020-12 applies.
    String items2020 = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
        + "\"properties\":{\"samples\":{\"type\":\"array\",\"prefixItems\":[{\"type\":\"integer\"}],\"items\":false}}}";
    String items07 = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
        + "\"properties\":{\"samples\":{\"type\":\"array\",\"items\":[{\"type\":\"integer\"}],\"additionalItems\":false}}}";
    String itemsDefault = items2020.replace("\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",", "");
    String twoItems = "{\"device_id\":\"w1\",\"samples\":[1,2]}";
    String oneItem = "{\"device_id\":\"w1\",\"samples\":[1]}";

    RecordMapper d2020 = wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", items2020, null, true));
    RecordMapper d07 = wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", items07, null, true));
    RecordMapper none = wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", itemsDefault, null, true));

    assertThat(problems).isEmpty();
    assertThat(d2020.map(record(oneItem), sink)).isNull();
    assertThat(d2020.map(record(twoItems), sink).rule()).isEqualTo("breaks schema v1: /samples: index '1' is not defined in the schema and the schema does not allow additional items");
    assertThat(d07.map(record(oneItem), sink)).isNull();
    assertThat(d07.map(record(twoItems), sink).rule()).isEqualTo("breaks schema v1: /samples: index '1' is not defined in the schema and the schema does not allow additional items");
    assertThat(none.map(record(oneItem), sink)).isNull();
    assertThat(none.map(record(twoItems), sink).rule()).isEqualTo("breaks schema v1: /samples: index '1' is not defined in the schema and the schema does not allow additional items");
    assertThat(SchemaChecks.DEFAULT_VERSION).isEqualTo(com.networknt.schema.SpecVersion.VersionFlag.V202012);
  }

  @Test
  void aValidMessage_isMapped() {
    RecordMapper mapper = wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", V1, null, true));

    assertThat(mapper.map(record("{\"device_id\":\"w1\",\"data\":{\"bpm\":72}}"), sink)).isNull();
    assertThat(sink.rows).isEqualTo(1);
    assertThat(mapper.columns()).hasSize(2);
  }

  @Test
  void theVersionField_choosesTheSchema_andAnUnknownVersionIsRefused() {
    RecordMapper mapper = wrap(new SchemaValidation(true, "schema_version", null),
        new TopicSchema(TOPIC, "v1", V1, null, true), new TopicSchema(TOPIC, "v2", V2, null, false));

    MappingError v2 = mapper.map(record("{\"device_id\":\"w1\",\"data\":{\"bpm\":400},\"schema_version\":\"v2\"}"), sink);
    MappingError v9 = mapper.map(record("{\"device_id\":\"w1\",\"data\":{},\"schema_version\":\"v9\"}"), sink);

    assertThat(v2).isNull();
    assertThat(v9.path()).isEqualTo("schema_version");
    assertThat(v9.value()).isEqualTo("v9");
    assertThat(v9.rule()).isEqualTo("schema version 'v9' of topic " + TOPIC + " does not exist; known versions: v1, v2");
  }

  @Test
  void theVersionHeader_choosesTheSchema_andWithoutItTheCurrentOneApplies() {
    RecordMapper mapper = wrap(new SchemaValidation(true, null, "x-schema-version"),
        new TopicSchema(TOPIC, "v1", V1, null, true), new TopicSchema(TOPIC, "v2", V2, null, false));
    byte[] value = "{\"device_id\":\"w1\",\"data\":{\"bpm\":400}}".getBytes(StandardCharsets.UTF_8);

    MappingError v2 = mapper.map(new io.loom.mapping.SimpleSourceRecord(TOPIC, 1, 42, 0, null, value,
        java.util.Map.of("x-schema-version", "v2".getBytes(StandardCharsets.UTF_8))), sink);
    MappingError v1 = mapper.map(new io.loom.mapping.SimpleSourceRecord(TOPIC, 1, 43, 0, null, value, null), sink);

    assertThat(v2.rule()).isEqualTo("breaks schema v2: /schema_version: required property 'schema_version' not found");
    assertThat(v1.rule()).isEqualTo("breaks schema v1: /data/bpm: must have a maximum value of 250");
  }

  @Test
  void malformedJson_isLeftToTheMapper() {
    RecordMapper mapper = wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", V1, null, true));

    assertThat(mapper.map(record("{\"device_id\":"), sink).kind()).isEqualTo(MappingError.Kind.MALFORMED_JSON);
  }

  @Test
  void validationWithoutASchema_isAConfigurationProblem() {
    wrap(SchemaValidation.CURRENT);

    assertThat(problems).extracting(ConfigProblem::path, ConfigProblem::message).containsExactly(
        org.assertj.core.groups.Tuple.tuple("mappings[" + TOPIC + "].schema_validation", "schema validation is on but topic '"
            + TOPIC + "' has no JSON Schema; add one (kafka_topic_schemas) or turn validation off"));
  }

  @Test
  void aSchemaReferringToTheNetwork_isAConfigurationProblem() {
    wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", "{\"$ref\":\"https://example.com/s.json\"}", null, true));

    assertThat(problems).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("schemas[" + TOPIC + "/v1].schema_json");
      assertThat(p.message()).contains("https://example.com/s.json", "which Loom does not fetch");
    });
  }

  @Test
  void refsAndMetaSchemasOnAServer_areNeverFetched() throws Exception {
    String base;
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      byte[] body = "{\"type\":\"integer\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      base = "http://127.0.0.1:" + server.getAddress().getPort();
      wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", "{\"type\":\"object\",\"properties\":{\"data\":"
          + "{\"properties\":{\"bpm\":{\"$ref\":\"" + base + "/bpm.json\"}}}}}", null, true));
      wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v2", "{\"$schema\":\"" + base + "/meta.json\","
          + "\"type\":\"object\"}", null, true));
      wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v3", "{\"$id\":\"" + base + "/root.json\","
          + "\"properties\":{\"data\":{\"$ref\":\"other.json\"}}}", null, true));
    } finally {
      server.stop(0);
    }

    assertThat(requests).hasValue(0);
    assertThat(problems).extracting(ConfigProblem::path).containsExactly(
        "schemas[" + TOPIC + "/v1].schema_json", "schemas[" + TOPIC + "/v2].schema_json",
        "schemas[" + TOPIC + "/v3].schema_json");
    assertThat(problems).extracting(ConfigProblem::message).containsExactly(
        "cannot be used as a JSON Schema: the schema refers to '" + base + "/bpm.json', which Loom does not fetch;"
            + " put the definition in the schema itself ($defs)",
        "cannot be used as a JSON Schema: $schema '" + base + "/meta.json' is not a draft Loom validates with"
            + " (2020-12, 2019-09, 7, 6, 4); name one of them or leave $schema out for 2020-12",
        "cannot be used as a JSON Schema: the schema refers to '" + base + "/other.json', which Loom does not fetch;"
            + " put the definition in the schema itself ($defs)");
  }

  @Test
  void aRefWithinTheDocument_isFollowed() {
    RecordMapper mapper = wrap(SchemaValidation.CURRENT, new TopicSchema(TOPIC, "v1", "{\"$defs\":{\"bpm\":"
        + "{\"type\":\"integer\",\"maximum\":250}},\"properties\":{\"data\":{\"properties\":{\"bpm\":"
        + "{\"$ref\":\"#/$defs/bpm\"}}}}}", null, true));

    assertThat(problems).isEmpty();
    assertThat(mapper.map(record("{\"device_id\":\"w1\",\"data\":{\"bpm\":400}}"), sink).rule())
        .isEqualTo("breaks schema v1: /data/bpm: must have a maximum value of 250");
  }

  @Test
  void validationOff_returnsTheMapperItself() {
    RecordMapper plain = MappingCompiler.compile(mapping(SchemaValidation.DISABLED));
    TopicMapping m = mapping(SchemaValidation.DISABLED);

    assertThat(checks.wrap(plain, m, ConfigSnapshot.ofMappings(List.of(m)), problems)).isSameAs(plain);
  }

  private static final class CountingSink implements RowSink {
    int rows;

    @Override public void startRow() {}
    @Override public void nullValue(int column) {}
    @Override public void stringValue(int column, String value) {}
    @Override public void longValue(int column, long value) {}
    @Override public void doubleValue(int column, double value) {}
    @Override public void booleanValue(int column, boolean value) {}
    @Override public void timestampValue(int column, long epochMicros) {}
    @Override public void bytesValue(int column, byte[] value, int length) {}
    @Override public void jsonValue(int column, String json) {}
    @Override public void stringArrayValue(int column, String[] values, int length) {}
    @Override public void doubleArrayValue(int column, double[] values, int length) {}

    @Override
    public void endRow() {
      rows++;
    }
  }
}
