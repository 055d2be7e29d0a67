package io.loom.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.StageTopic;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicRole;
import io.loom.mapping.jdbc.MapperCache;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActiveConfigTest {
  private static final List<FieldMapping> FIELDS = List.of(FieldMapping.of("device_id", "device_id", DataType.STRING));

  private static TopicMapping mapping(String topic, String deadLetterTopic) {
    return new TopicMapping(topic, "t_" + topic.replace('.', '_'), List.of(), ConflictStrategy.IGNORE, FIELDS,
        deadLetterTopic, null, null);
  }

  private static PipelineFlow flow(String input, String... errors) {
    List<StageTopic> topics = new java.util.ArrayList<>();
    topics.add(new StageTopic(input, TopicRole.INPUT));
    for (String e : errors) {
      topics.add(new StageTopic(e, TopicRole.ERROR));
    }
    PipelineStage stage = new PipelineStage("stage", 1, "svc", null, 1, null, null, 3, 1, null, null, topics);
    return new PipelineFlow("flow", null, null, null, null, 3, true, List.of(stage));
  }

  @Test
  void deadLetterTopic_isTheMappingsOwnFirst() {
    TopicMapping own = mapping("a.b.c", "a.b.c.rejected");
    ConfigSnapshot snapshot = new ConfigSnapshot(List.of(), List.of(), List.of(own), List.of(flow("a.b.c", "errors.a.b")));

    assertThat(ActiveConfig.deadLetterTopic(snapshot, own, ".dlq")).isEqualTo("a.b.c.rejected");
  }

  @Test
  void deadLetterTopic_isThePipelinesFirstErrorTopicNext() {
    TopicMapping m = mapping("a.b.c", null);
    ConfigSnapshot snapshot = new ConfigSnapshot(List.of(), List.of(), List.of(m),
        List.of(flow("a.b.c", "errors.a.x", "errors.a.y")));

    assertThat(ActiveConfig.deadLetterTopic(snapshot, m, ".dlq")).isEqualTo("errors.a.x");
  }

  @Test
  void deadLetterTopic_isTheTopicPlusTheSuffixLast() {
    TopicMapping m = mapping("a.b.c", null);
    ConfigSnapshot snapshot = new ConfigSnapshot(List.of(), List.of(), List.of(m), List.of(flow("x.y.z", "errors.x")));

    assertThat(ActiveConfig.deadLetterTopic(snapshot, m, ".dlq")).isEqualTo("a.b.c.dlq");
  }

  @Test
  void prepare_buildsARoutePerMappedTopic_andReusesUnchangedMappers() {
    MapperCache mappers = new MapperCache();
    ConfigSnapshot first = ConfigSnapshot.ofMappings(List.of(mapping("a.b.c", null), mapping("d.e.f", null)));
    ConfigSnapshot second = ConfigSnapshot.ofMappings(List.of(mapping("a.b.c", null), mapping("g.h.i", null)));

    ActiveConfig one = ActiveConfig.prepare(first, mappers, new SchemaChecks(), ".dlq", Instant.EPOCH);
    ActiveConfig two = ActiveConfig.prepare(second, mappers, new SchemaChecks(), ".dlq", Instant.EPOCH);

    assertThat(one.topics()).containsExactly("a.b.c", "d.e.f");
    assertThat(two.route("a.b.c").mapper()).isSameAs(one.route("a.b.c").mapper());
    assertThat(two.route("d.e.f")).isNull();
    assertThat(two.route("g.h.i").target().table()).isEqualTo("t_g_h_i");
    assertThat(two.route("g.h.i").deadLetterTopic()).isEqualTo("g.h.i.dlq");
    assertThat(mappers.compilations()).isEqualTo(3);
  }
}
