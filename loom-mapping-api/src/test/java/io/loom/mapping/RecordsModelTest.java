package io.loom.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records and enums of the model: defaults, copies, derived values, configuration names. */
class RecordsModelTest {

  @Test
  void fieldMapping_requiresPathColumnAndType() {
    assertThatThrownBy(() -> FieldMapping.of(null, "c", DataType.STRING)).hasMessage("sourcePath");
    assertThatThrownBy(() -> FieldMapping.of("p", null, DataType.STRING)).hasMessage("targetColumn");
    assertThatThrownBy(() -> FieldMapping.of("p", "c", null)).hasMessage("dataType");
  }

  @Test
  void fieldMapping_withers_changeOneThing() {
    FieldMapping plain = FieldMapping.of("data.t", "t", DataType.TIMESTAMP);

    FieldMapping all = plain.withRequired(true).withTransformation(Transformation.TIMESTAMP_PARSE)
        .withDefaultValue("0").withTimestampFormat(TimestampFormat.EPOCH_MILLIS);

    assertThat(plain).isEqualTo(new FieldMapping("data.t", "t", DataType.TIMESTAMP, null, false, null, null));
    assertThat(all).isEqualTo(new FieldMapping("data.t", "t", DataType.TIMESTAMP, Transformation.TIMESTAMP_PARSE, true,
        "0", TimestampFormat.EPOCH_MILLIS));
    assertThat(plain.effectiveTimestampFormat()).isEqualTo(TimestampFormat.AUTO);
    assertThat(all.effectiveTimestampFormat()).isEqualTo(TimestampFormat.EPOCH_MILLIS);
    assertThat(plain.withTimestampFormat(TimestampFormat.AUTO)).isNotEqualTo(plain);
  }

  @Test
  void topicMapping_defaults() {
    TopicMapping m = new TopicMapping("a.b.c", "t", null, null, null);

    assertThat(m.upsertKey()).isEmpty();
    assertThat(m.isAppendOnly()).isTrue();
    assertThat(m.conflictStrategy()).isEqualTo(ConflictStrategy.IGNORE);
    assertThat(m.fields()).isEmpty();
    assertThat(m.schemaValidation()).isEqualTo(SchemaValidation.DISABLED);
    assertThat(m.deadLetterTopic()).isNull();
    assertThat(m.hypertable()).isNull();
    assertThat(TopicMapping.DEFAULT_UPSERT_KEY).containsExactly("device_id", "timestamp");
  }

  @Test
  void topicMapping_copiesItsLists() {
    List<String> key = new ArrayList<>(List.of("device_id"));
    List<FieldMapping> fields = new ArrayList<>(List.of(FieldMapping.of("device_id", "device_id", DataType.STRING)));
    TopicMapping m = new TopicMapping("a.b.c", "t", key, null, fields);

    key.add("x");
    fields.clear();

    assertThat(m.upsertKey()).containsExactly("device_id");
    assertThat(m.fields()).hasSize(1);
    assertThat(m.isAppendOnly()).isFalse();
    assertThatThrownBy(() -> m.fields().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void topicMapping_requiresTopicAndTable() {
    assertThatThrownBy(() -> new TopicMapping(null, "t", null, null, null)).hasMessage("topic");
    assertThatThrownBy(() -> new TopicMapping("a.b.c", null, null, null, null)).hasMessage("table");
  }

  @Test
  void upsertKey_textForm_roundTrips() {
    assertThat(TopicMapping.parseUpsertKey("device_id, timestamp")).containsExactly("device_id", "timestamp");
    assertThat(TopicMapping.parseUpsertKey(" a ,b,, c ")).containsExactly("a", "b", "c");
    assertThat(TopicMapping.parseUpsertKey("")).isEmpty();
    assertThat(TopicMapping.parseUpsertKey("  ")).isEmpty();
    assertThat(TopicMapping.parseUpsertKey(null)).isEmpty();
    TopicMapping m = new TopicMapping("a.b.c", "t", TopicMapping.DEFAULT_UPSERT_KEY, null, null);
    assertThat(m.upsertKeyText()).isEqualTo("device_id, timestamp");
    assertThat(TopicMapping.parseUpsertKey(m.upsertKeyText())).isEqualTo(m.upsertKey());
  }

  @Test
  void topicMapping_withFields_keepsTheRest() {
    TopicMapping m = new TopicMapping("a.b.c", "t", List.of("k"), ConflictStrategy.REPLACE, List.of(), "dlq",
        SchemaValidation.CURRENT, new Hypertable("k", "1 day"));
    List<FieldMapping> fields = List.of(FieldMapping.of("k", "k", DataType.INTEGER));

    assertThat(m.withFields(fields)).isEqualTo(new TopicMapping("a.b.c", "t", List.of("k"), ConflictStrategy.REPLACE,
        fields, "dlq", SchemaValidation.CURRENT, new Hypertable("k", "1 day")));
  }

  @Test
  void topicDefinition_of_takesItsPartsFromTheName() {
    assertThat(TopicDefinition.of("device.sensor.gps.raw", "GPS")).isEqualTo(new TopicDefinition(
        "device.sensor.gps.raw", "device", "sensor", "gps", "raw", "GPS", 7, 3, 1, "lz4", true));
    assertThat(TopicDefinition.of("device.audio.raw", null)).isEqualTo(new TopicDefinition(
        "device.audio.raw", "device", "audio", "raw", null, null, 7, 3, 1, "lz4", true));
    assertThat(new TopicDefinition("a.b.c", null, null, null, null, null, 1, 1, 1, null, true).compressionType())
        .isEqualTo("lz4");
  }

  @Test
  void topicSchema_keepsJsonInCanonicalForm() {
    TopicSchema spaced = new TopicSchema("a.b.c", "v1", "{ \"b\" : [1, 2.50],\n \"a\" : {\"y\":1,\"x\":true} }", null,
        true);
    TopicSchema compact = new TopicSchema("a.b.c", "v1", "{\"a\":{\"x\":true,\"y\":1},\"b\":[1,2.50]}", null, true);

    assertThat(spaced.schemaJson()).isEqualTo("{\"a\":{\"x\":true,\"y\":1},\"b\":[1,2.50]}");
    assertThat(spaced).isEqualTo(compact);
    assertThat(new TopicSchema("a.b.c", "v1", "not json", null, false).schemaJson()).isEqualTo("not json");
    assertThatThrownBy(() -> new TopicSchema("a.b.c", "v1", null, null, false)).hasMessage("schemaJson");
  }

  @Test
  void pipelineStage_canonicalConfiguration_sortedTopics_andTopicsByRole() {
    PipelineStage stage = new PipelineStage("s", 1, null, null, 1, "{ \"z\": 1, \"a\": [ ] }", null, 3, 1, null, null,
        List.of(new StageTopic("z.z.z", TopicRole.ERROR), new StageTopic("b.b.b", TopicRole.OUTPUT),
            new StageTopic("y.y.y", TopicRole.INPUT), new StageTopic("a.a.a", TopicRole.INPUT)));

    assertThat(stage.configurationJson()).isEqualTo("{\"a\":[],\"z\":1}");
    assertThat(stage.topics()).extracting(StageTopic::topicName).containsExactly("a.a.a", "y.y.y", "b.b.b", "z.z.z");
    assertThat(stage.topics(TopicRole.INPUT)).containsExactly("a.a.a", "y.y.y");
    assertThat(stage.topics(TopicRole.OUTPUT)).containsExactly("b.b.b");
    assertThat(stage.topics(TopicRole.ERROR)).containsExactly("z.z.z");
    assertThat(new PipelineStage("s", 1, null, null, 1, null, null, 3, 1, null, null, null).topics()).isEmpty();
  }

  @Test
  void pipelineFlow_defaultPriority_andStagesByOrderThenName() {
    PipelineStage b1 = new PipelineStage("b", 1, null, null, 1, null, null, 3, 1, null, null, null);
    PipelineStage a1 = new PipelineStage("a", 1, null, null, 1, null, null, 3, 1, null, null, null);
    PipelineStage c0 = new PipelineStage("c", 0, null, null, 1, null, null, 3, 1, null, null, null);

    PipelineFlow flow = new PipelineFlow("f", null, null, null, null, 3, true, List.of(b1, a1, c0));

    assertThat(flow.priority()).isEqualTo("medium");
    assertThat(flow.stages()).extracting(PipelineStage::stageName).containsExactly("c", "a", "b");
  }

  @Test
  void stageTopic_requiresNameAndRole() {
    assertThatThrownBy(() -> new StageTopic(null, TopicRole.INPUT)).hasMessage("topicName");
    assertThatThrownBy(() -> new StageTopic("a.b.c", null)).hasMessage("role");
  }

  @Test
  void enums_configNames_areLowerCaseAndParsedIgnoringCaseAndSpace() {
    assertThat(DataType.FLOAT_ARRAY.configName()).isEqualTo("float_array");
    assertThat(DataType.FLOAT_ARRAY).hasToString("float_array");
    assertThat(DataType.fromConfigName(" Float_Array ")).contains(DataType.FLOAT_ARRAY);
    assertThat(DataType.fromConfigName("strng")).isEmpty();
    assertThat(DataType.fromConfigName(null)).isEmpty();
    assertThat(Transformation.fromConfigName("BASE64_DECODE")).contains(Transformation.BASE64_DECODE);
    assertThat(ConflictStrategy.fromConfigName("Replace")).contains(ConflictStrategy.REPLACE);
    assertThat(TimestampFormat.fromConfigName("epoch_micros")).contains(TimestampFormat.EPOCH_MICROS);
    assertThat(TopicRole.fromConfigName("error")).contains(TopicRole.ERROR);
  }

  @Test
  void enums_knownNames_listTheSeedsValues() {
    assertThat(DataType.knownNames()).isEqualTo("string, integer, float, boolean, timestamp, array, float_array, json");
    assertThat(Transformation.knownNames()).isEqualTo("base64_decode, timestamp_parse, json_stringify");
    assertThat(ConflictStrategy.knownNames()).isEqualTo("ignore, update, replace");
    assertThat(TimestampFormat.knownNames()).isEqualTo("auto, iso_8601, epoch_seconds, epoch_millis, epoch_micros");
    assertThat(TopicRole.knownNames()).isEqualTo("input, output, error");
  }

  @Test
  void configProblem_toString_isLocationPathMessage() {
    assertThat(new ConfigProblem("a.yml:3", "topics[x]", "bad")).hasToString("a.yml:3: topics[x]: bad");
    assertThat(new ConfigProblem(null, "topics[x]", "bad")).hasToString("topics[x]: bad");
    assertThatThrownBy(() -> new ConfigProblem("x", null, "m")).hasMessage("path");
  }
}
