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
    assertThat(error.path()).isEqualTo("data.bpm");
    assertThat(error.rule()).startsWith("breaks schema v1: $.data.bpm: must have a maximum value of 250");
    assertThat(sink.rows).isZero();
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
