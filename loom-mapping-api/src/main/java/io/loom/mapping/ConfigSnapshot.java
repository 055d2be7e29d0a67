package io.loom.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One whole configuration, immutable: the topic registry, the versioned schemas, the topic mappings
 * and the pipeline flows, plus a content fingerprint.
 *
 * <p>Collections are copied and put in a canonical order (topics, mappings and flows by name, schemas
 * by topic and version; field mappings keep their order), so the same configuration read from YAML
 * and from the database gives equal snapshots with equal fingerprints. Thread-safe.
 */
public final class ConfigSnapshot {
  private static final ConfigSnapshot EMPTY = new ConfigSnapshot(List.of(), List.of(), List.of(), List.of());

  private final List<TopicDefinition> topics;
  private final List<TopicSchema> schemas;
  private final List<TopicMapping> mappings;
  private final List<PipelineFlow> flows;
  private final String fingerprint;
  private final Map<String, TopicMapping> mappingsByTopic;
  private final Map<String, TopicDefinition> topicsByName;

  public ConfigSnapshot(
      List<TopicDefinition> topics, List<TopicSchema> schemas, List<TopicMapping> mappings, List<PipelineFlow> flows) {
    this.topics = sorted(topics, Comparator.comparing(TopicDefinition::topicName));
    this.schemas =
        sorted(schemas, Comparator.comparing(TopicSchema::topicName).thenComparing(ConfigSnapshot::versionOrder)
            .thenComparing(TopicSchema::version));
    this.mappings = sorted(mappings, Comparator.comparing(TopicMapping::topic));
    this.flows = sorted(flows, Comparator.comparing(PipelineFlow::flowName));
    this.mappingsByTopic = index(this.mappings, TopicMapping::topic);
    this.topicsByName = index(this.topics, TopicDefinition::topicName);
    this.fingerprint = digest(this.topics + "\n" + this.schemas + "\n" + this.mappings + "\n" + this.flows);
  }

  /** The configuration with nothing in it. */
  public static ConfigSnapshot empty() {
    return EMPTY;
  }

  /** A snapshot of mappings only (no registry, schemas or flows). */
  public static ConfigSnapshot ofMappings(List<TopicMapping> mappings) {
    return new ConfigSnapshot(List.of(), List.of(), mappings, List.of());
  }

  public List<TopicDefinition> topics() {
    return topics;
  }

  public List<TopicSchema> schemas() {
    return schemas;
  }

  public List<TopicMapping> mappings() {
    return mappings;
  }

  public List<PipelineFlow> flows() {
    return flows;
  }

  /** A short hex digest of the whole content: equal content, equal fingerprint. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The mapping of a topic, if it has one. */
  public Optional<TopicMapping> mapping(String topic) {
    return Optional.ofNullable(mappingsByTopic.get(topic));
  }

  /** The topics that have a mapping, in name order. */
  public List<String> mappedTopics() {
    return List.copyOf(mappingsByTopic.keySet());
  }

  /** The registry entry of a topic, if it has one. */
  public Optional<TopicDefinition> topic(String topicName) {
    return Optional.ofNullable(topicsByName.get(topicName));
  }

  /** The current schema version of a topic, if it has one. */
  public Optional<TopicSchema> currentSchema(String topicName) {
    return schemas.stream().filter(s -> s.topicName().equals(topicName) && s.current()).findFirst();
  }

  /** One schema version of a topic. */
  public Optional<TopicSchema> schema(String topicName, String version) {
    return schemas.stream()
        .filter(s -> s.topicName().equals(topicName) && s.version().equals(version))
        .findFirst();
  }

  /**
   * The error topics of the pipeline stages that read {@code topicName} as input, in flow and stage
   * order; where the pipeline says rejected messages of this topic go.
   */
  public List<String> errorTopicsFor(String topicName) {
    return flows.stream()
        .flatMap(f -> f.stages().stream())
        .filter(s -> s.topics(TopicRole.INPUT).contains(topicName))
        .flatMap(s -> s.topics(TopicRole.ERROR).stream())
        .distinct()
        .toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigSnapshot other
        && topics.equals(other.topics)
        && schemas.equals(other.schemas)
        && mappings.equals(other.mappings)
        && flows.equals(other.flows);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topics, schemas, mappings, flows);
  }

  @Override
  public String toString() {
    return "ConfigSnapshot[fingerprint=" + fingerprint + ", topics=" + topics.size() + ", schemas=" + schemas.size()
        + ", mappings=" + mappings.size() + ", flows=" + flows.size() + "]";
  }

  private static <T> List<T> sorted(List<T> items, Comparator<T> order) {
    return items == null ? List.of() : items.stream().sorted(order).toList();
  }

  private static <T> Map<String, T> index(List<T> items, java.util.function.Function<T, String> key) {
    Map<String, T> map = new LinkedHashMap<>();
    for (T item : items) {
      map.putIfAbsent(key.apply(item), item);
    }
    return java.util.Collections.unmodifiableMap(map);
  }

  /** Orders v2 before v10. */
  private static String versionOrder(TopicSchema s) {
    String v = s.version();
    String digits = v.replaceAll("\\D", "");
    return digits.isEmpty() ? v : String.format("%s%012d", v.replaceAll("\\d", ""), Long.parseLong(digits.length() > 12 ? digits.substring(0, 12) : digits));
  }

  private static String digest(String content) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
