package io.loom.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.testkit.ContractFixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConfigSnapshotModelTest {

  private static TopicSchema schema(String topic, String version, boolean current) {
    return new TopicSchema(topic, version, "{\"title\":\"" + version + "\"}", null, current);
  }

  private static TopicMapping mapping(String topic) {
    return new TopicMapping(topic, "t", List.of(), null, List.of(FieldMapping.of("a", "a", DataType.STRING)));
  }

  private static <T> List<T> shuffled(List<T> items, long seed) {
    List<T> copy = new ArrayList<>(items);
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }

  @Test
  void constructor_putsEverythingInCanonicalOrder() {
    ConfigSnapshot s = new ConfigSnapshot(
        List.of(TopicDefinition.of("b.b.b", null), TopicDefinition.of("a.a.a", null)),
        List.of(schema("b.b.b", "v1", false), schema("a.a.a", "v10", false), schema("a.a.a", "v2", true),
            schema("a.a.a", "v1", false)),
        List.of(mapping("c.c.c"), mapping("a.a.a")),
        List.of(new PipelineFlow("z", null, null, null, null, 3, true, List.of()),
            new PipelineFlow("m", null, null, null, null, 3, true, List.of())));

    assertThat(s.topics()).extracting(TopicDefinition::topicName).containsExactly("a.a.a", "b.b.b");
    assertThat(s.schemas()).extracting(x -> x.topicName() + "/" + x.version())
        .containsExactly("a.a.a/v1", "a.a.a/v2", "a.a.a/v10", "b.b.b/v1");
    assertThat(s.mappings()).extracting(TopicMapping::topic).containsExactly("a.a.a", "c.c.c");
    assertThat(s.flows()).extracting(PipelineFlow::flowName).containsExactly("m", "z");
  }

  @Test
  void constructor_keepsFieldOrder_andSortsStagesAndStageTopics() {
    ConfigSnapshot full = ContractFixtures.full();

    assertThat(full.mapping(ContractFixtures.GPS).orElseThrow().fields()).extracting(FieldMapping::targetColumn)
        .startsWith("device_id", "timestamp", "latitude", "longitude");
    PipelineFlow audio = full.flows().get(0);
    assertThat(audio.flowName()).isEqualTo("contract_audio_flow");
    assertThat(audio.stages()).extracting(PipelineStage::stageName).containsExactly("align", "transcribe");
    assertThat(audio.stages().get(1).topics()).extracting(t -> t.role() + ":" + t.topicName()).containsExactly(
        "input:contract.audio.chunks.raw", "output:contract.audio.text", "error:contract.audio.chunks.errors",
        "error:contract.sensor.gps.dlq");
  }

  @Test
  void fingerprint_doesNotDependOnInputOrder() {
    ConfigSnapshot full = ContractFixtures.full();
    for (long seed = 1; seed <= 5; seed++) {
      ConfigSnapshot reordered = new ConfigSnapshot(shuffled(full.topics(), seed), shuffled(full.schemas(), seed),
          shuffled(full.mappings(), seed), shuffled(full.flows(), seed));

      assertThat(reordered).isEqualTo(full).hasSameHashCodeAs(full);
      assertThat(reordered.fingerprint()).isEqualTo(full.fingerprint());
    }
  }

  @Test
  void fingerprint_schemaVersionsThatSortAlike_areStillOrderedByText() {
    TopicSchema v1 = schema("a.a.a", "v1", false);
    TopicSchema v01 = schema("a.a.a", "v01", false);

    ConfigSnapshot one = new ConfigSnapshot(List.of(), List.of(v1, v01), List.of(), List.of());
    ConfigSnapshot other = new ConfigSnapshot(List.of(), List.of(v01, v1), List.of(), List.of());

    assertThat(one).isEqualTo(other);
    assertThat(one.fingerprint()).isEqualTo(other.fingerprint());
    assertThat(one.schemas()).extracting(TopicSchema::version).containsExactly("v01", "v1");
  }

  @Test
  void fingerprint_changesWithAnyContent() {
    ConfigSnapshot full = ContractFixtures.full();
    TopicMapping gps = full.mapping(ContractFixtures.GPS).orElseThrow();
    List<FieldMapping> fields = new ArrayList<>(gps.fields());
    fields.set(0, fields.get(0).withRequired(false));
    List<TopicMapping> mappings = new ArrayList<>(full.mappings());
    mappings.set(mappings.indexOf(gps), gps.withFields(fields));

    ConfigSnapshot changed = new ConfigSnapshot(full.topics(), full.schemas(), mappings, full.flows());

    assertThat(changed).isNotEqualTo(full);
    assertThat(changed.fingerprint()).isNotEqualTo(full.fingerprint()).hasSize(16);
    assertThat(ContractFixtures.changed().fingerprint()).isNotEqualTo(full.fingerprint());
  }

  @Test
  void fieldOrder_isPartOfTheContent() {
    FieldMapping a = FieldMapping.of("a", "a", DataType.STRING);
    FieldMapping b = FieldMapping.of("b", "b", DataType.STRING);
    TopicMapping ab = new TopicMapping("a.a.a", "t", List.of(), null, List.of(a, b));
    TopicMapping ba = new TopicMapping("a.a.a", "t", List.of(), null, List.of(b, a));

    assertThat(ConfigSnapshot.ofMappings(List.of(ab)).fingerprint())
        .isNotEqualTo(ConfigSnapshot.ofMappings(List.of(ba)).fingerprint());
  }

  @Test
  void lookups_findWhatIsThere() {
    ConfigSnapshot full = ContractFixtures.full();

    assertThat(full.mapping(ContractFixtures.AUDIO)).get().extracting(TopicMapping::table)
        .isEqualTo("contract_audio_chunks");
    assertThat(full.mapping("no.such.topic")).isEmpty();
    assertThat(full.mappedTopics()).containsExactly(ContractFixtures.AUDIO, ContractFixtures.EVENTS,
        ContractFixtures.GPS, ContractFixtures.METRICS);
    assertThat(full.topic(ContractFixtures.GPS)).get().extracting(TopicDefinition::retentionDays).isEqualTo(30);
    assertThat(full.topic("no.such.topic")).isEmpty();
    assertThat(full.currentSchema(ContractFixtures.GPS)).get().extracting(TopicSchema::version).isEqualTo("v2");
    assertThat(full.currentSchema(ContractFixtures.METRICS)).isEmpty();
    assertThat(full.schema(ContractFixtures.GPS, "v10")).get().extracting(TopicSchema::current).isEqualTo(false);
    assertThat(full.schema(ContractFixtures.GPS, "v3")).isEmpty();
  }

  @Test
  void errorTopicsFor_listsTheErrorTopicsOfStagesReadingTheTopic_distinct() {
    ConfigSnapshot full = ContractFixtures.full();

    assertThat(full.errorTopicsFor(ContractFixtures.GPS)).containsExactly(ContractFixtures.GPS_DLQ);
    assertThat(full.errorTopicsFor(ContractFixtures.AUDIO))
        .containsExactly(ContractFixtures.AUDIO_ERRORS, ContractFixtures.GPS_DLQ);
    assertThat(full.errorTopicsFor(ContractFixtures.GPS_ENRICHED)).isEmpty();
    assertThat(full.errorTopicsFor(ContractFixtures.TEXT)).isEmpty();
    assertThat(full.errorTopicsFor("no.such.topic")).isEmpty();
  }

  @Test
  void errorTopicsFor_followsFlowThenStageOrder() {
    PipelineStage first = new PipelineStage("b", 1, null, null, 1, null, null, 3, 1, null, null,
        List.of(new StageTopic("in.put.x", TopicRole.INPUT), new StageTopic("err.z.z", TopicRole.ERROR)));
    PipelineStage second = new PipelineStage("a", 2, null, null, 1, null, null, 3, 1, null, null,
        List.of(new StageTopic("in.put.x", TopicRole.INPUT), new StageTopic("err.a.a", TopicRole.ERROR),
            new StageTopic("err.z.z", TopicRole.ERROR)));
    PipelineFlow flowB = new PipelineFlow("b_flow", null, null, null, null, 3, true, List.of(second, first));
    PipelineStage other = new PipelineStage("x", 1, null, null, 1, null, null, 3, 1, null, null,
        List.of(new StageTopic("in.put.x", TopicRole.INPUT), new StageTopic("err.m.m", TopicRole.ERROR)));
    PipelineFlow flowA = new PipelineFlow("a_flow", null, null, null, null, 3, true, List.of(other));

    ConfigSnapshot s = new ConfigSnapshot(List.of(), List.of(), List.of(), List.of(flowB, flowA));

    assertThat(s.errorTopicsFor("in.put.x")).containsExactly("err.m.m", "err.z.z", "err.a.a");
  }

  @Test
  void empty_andOfMappings() {
    assertThat(ConfigSnapshot.empty().mappings()).isEmpty();
    assertThat(ConfigSnapshot.empty()).isEqualTo(new ConfigSnapshot(null, null, null, null));
    ConfigSnapshot only = ConfigSnapshot.ofMappings(List.of(mapping("a.a.a")));
    assertThat(only.topics()).isEmpty();
    assertThat(only.schemas()).isEmpty();
    assertThat(only.flows()).isEmpty();
    assertThat(only.mappedTopics()).containsExactly("a.a.a");
  }

  @Test
  void collections_areImmutableAndCopied() {
    List<TopicMapping> input = new ArrayList<>(List.of(mapping("a.a.a")));
    ConfigSnapshot s = ConfigSnapshot.ofMappings(input);
    input.add(mapping("b.b.b"));

    assertThat(s.mappings()).hasSize(1);
    assertThatThrownBy(() -> s.mappings().add(mapping("c.c.c"))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.mappedTopics().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.topics().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toString_countsWithoutContent() {
    ConfigSnapshot full = ContractFixtures.full();

    assertThat(full).hasToString("ConfigSnapshot[fingerprint=" + full.fingerprint()
        + ", topics=8, schemas=4, mappings=4, flows=3]");
  }
}
