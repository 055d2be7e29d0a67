package io.loom.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.SchemaValidation;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaCoverageTest {
  private static final String TOPIC = "device.health.heartrate.raw";
  private static final String IN = "the current schema (v2) of topic '" + TOPIC + "'";

  private static List<ConfigProblem> warnings(String schema, FieldMapping... fields) {
    TopicMapping mapping = new TopicMapping(TOPIC, "heartrate", List.of(), ConflictStrategy.IGNORE, List.of(fields),
        null, SchemaValidation.DISABLED, null);
    return SchemaCoverage.warnings(new ConfigSnapshot(List.of(), List.of(
        new TopicSchema(TOPIC, "v1", "{\"type\":\"object\",\"additionalProperties\":false}", null, false),
        new TopicSchema(TOPIC, "v2", schema, null, true)), List.of(mapping), List.of()));
  }

  private static FieldMapping field(String path) {
    return FieldMapping.of(path, path.replaceAll("[^a-z]+", "_"), DataType.STRING);
  }

  @Test
  void pathsTheSchemaDescribes_throughRefsAllOfAndItems_giveNoWarning() {
    String schema = "{\"$defs\":{\"reading\":{\"type\":\"object\",\"required\":[\"bpm\"],\"properties\":{\"bpm\":"
        + "{\"type\":\"integer\"}}}},\"allOf\":[{\"required\":[\"device_id\"],\"properties\":{\"device_id\":{}}},"
        + "{\"required\":[\"data\"],\"properties\":{\"data\":{\"$ref\":\"#/$defs/reading\"}}}],\"properties\":{\"samples\":"
        + "{\"type\":\"array\",\"items\":{\"properties\":{\"t\":{}}}},\"tags\":{\"additionalProperties\":{\"type\":\"string\"}}}}";

    assertThat(warnings(schema, field("device_id").withRequired(true), field("data.bpm").withRequired(true),
        field("samples[0].t"), field("samples[*].t"), field("tags.site"), field("$kafka.offset"))).isEmpty();
  }

  @Test
  void aPathMissingFromTheSchema_isAWarning_whetherOtherPropertiesAreAllowedOrNot() {
    String schema = "{\"properties\":{\"data\":{\"properties\":{\"bpm\":{}},\"additionalProperties\":false},"
        + "\"samples\":{\"type\":\"array\"}}}";

    assertThat(warnings(schema, field("device_id"), field("data.spo2"), field("samples[0].t")))
        .containsExactly(
            new ConfigProblem(null, "mappings[" + TOPIC + "].fields[0].source_field_path", "source path 'device_id'"
                + " is not in " + IN + ": no property 'device_id' is declared at the top level"),
            new ConfigProblem(null, "mappings[" + TOPIC + "].fields[1].source_field_path", "source path 'data.spo2'"
                + " is not in " + IN + ": no property 'spo2' is declared in /data, and other properties are not allowed"),
            new ConfigProblem(null, "mappings[" + TOPIC + "].fields[2].source_field_path", "source path 'samples[0].t'"
                + " is not in " + IN + ": no array items are declared in /samples"));
  }

  @Test
  void aRequiredFieldTheSchemaDoesNotRequire_isAWarning() {
    String schema = "{\"required\":[\"device_id\"],\"properties\":{\"device_id\":{},\"timestamp\":{},\"data\":"
        + "{\"required\":[\"bpm\"],\"properties\":{\"bpm\":{}}}}}";

    assertThat(warnings(schema, field("device_id").withRequired(true), field("timestamp").withRequired(true),
        field("data.bpm").withRequired(true), field("data.bpm")))
        .containsExactly(
            new ConfigProblem(null, "mappings[" + TOPIC + "].fields[1].required", "source path 'timestamp' is required"
                + " by the mapping, but " + IN + " does not list 'timestamp' as required at the top level"),
            new ConfigProblem(null, "mappings[" + TOPIC + "].fields[2].required", "source path 'data.bpm' is required"
                + " by the mapping, but " + IN + " does not list 'data' as required at the top level"));
  }

  @Test
  void aTopicWithoutACurrentSchema_isNotChecked() {
    TopicMapping mapping = new TopicMapping(TOPIC, "heartrate", List.of(), ConflictStrategy.IGNORE,
        List.of(field("device_id")), null, SchemaValidation.DISABLED, null);

    assertThat(SchemaCoverage.warnings(new ConfigSnapshot(List.of(), List.of(new TopicSchema(TOPIC, "v1", "{}", null,
        false)), List.of(mapping), List.of()))).isEmpty();
  }
}
