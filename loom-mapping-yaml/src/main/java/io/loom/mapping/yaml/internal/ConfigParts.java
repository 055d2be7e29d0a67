package io.loom.mapping.yaml.internal;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries read from one or more documents, before they become a {@link ConfigSnapshot}.
 *
 * <p>Design note: an entry whose key was already read (a topic registered twice, a second mapping of
 * the same topic, in one file or across the files of a directory) is reported where the second one is
 * written, naming where the first one is, and left out; the model could not hold both. Registry
 * entries derived from legacy files give way to explicit ones.
 */
final class ConfigParts {
  private final Diagnostics diagnostics;
  private final Map<String, Entry<TopicDefinition>> topics = new LinkedHashMap<>();
  private final Map<String, Entry<TopicDefinition>> derivedTopics = new LinkedHashMap<>();
  private final Map<String, Entry<TopicSchema>> schemas = new LinkedHashMap<>();
  private final Map<String, Entry<TopicMapping>> mappings = new LinkedHashMap<>();
  private final Map<String, Entry<PipelineFlow>> flows = new LinkedHashMap<>();

  private record Entry<T>(T value, String location) {}

  ConfigParts(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  void topic(TopicDefinition topic, String location, String path) {
    add(topics, topic.topicName(), topic, location, path, "topic '" + topic.topicName() + "' is registered twice");
  }

  /**
   * A registry entry implied by a legacy mapping; an explicit entry for the same topic wins. The
   * validator's remarks on it would repeat those on the mapping, so they are suppressed.
   */
  void derivedTopic(TopicDefinition topic, String location) {
    derivedTopics.putIfAbsent(topic.topicName(), new Entry<>(topic, location));
  }

  void schema(TopicSchema schema, String location, String path) {
    add(schemas, schema.topicName() + "/" + schema.version(), schema, location, path,
        "schema version '" + schema.version() + "' of topic '" + schema.topicName() + "' is written twice");
  }

  void mapping(TopicMapping mapping, String location, String path) {
    add(mappings, mapping.topic(), mapping, location, path, "topic '" + mapping.topic() + "' is mapped twice");
  }

  void flow(PipelineFlow flow, String location, String path) {
    add(flows, flow.flowName(), flow, location, path, "flow '" + flow.flowName() + "' is written twice");
  }

  private <T> void add(Map<String, Entry<T>> map, String key, T value, String location, String path, String message) {
    Entry<T> first = map.get(key);
    if (first != null) {
      diagnostics.problem(location, path, message + " (first at " + first.location() + "); keep one");
      return;
    }
    map.put(key, new Entry<>(value, location));
  }

  ConfigSnapshot snapshot() {
    List<TopicDefinition> registry = new ArrayList<>();
    topics.values().forEach(e -> registry.add(e.value()));
    derivedTopics.forEach((name, derived) -> {
      if (!topics.containsKey(name)) {
        registry.add(derived.value());
        diagnostics.locate("topics[" + name + "]", derived.location());
        diagnostics.suppress("topics[" + name + "]");
      }
    });
    return new ConfigSnapshot(
        registry,
        schemas.values().stream().map(Entry::value).toList(),
        mappings.values().stream().map(Entry::value).toList(),
        flows.values().stream().map(Entry::value).toList());
  }
}
