package io.loom.consumer.internal;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.jdbc.MapperCache;
import io.loom.sink.TableTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A configuration made ready for the poll loop: the snapshot with a {@link Route} per mapped topic
 * (compiled mapper, sink target, dead-letter topic). Design note: everything that can fail is done in
 * {@link #prepare}, away from the loop, so that a swap at a batch boundary is only a reference
 * assignment. Immutable and thread-safe.
 */
public final class ActiveConfig {
  private final ConfigSnapshot snapshot;
  private final Map<String, Route> routes;
  private final Instant loadedAt;

  private ActiveConfig(ConfigSnapshot snapshot, Map<String, Route> routes, Instant loadedAt) {
    this.snapshot = snapshot;
    this.routes = routes;
    this.loadedAt = loadedAt;
  }

  /**
   * Compiles every mapping of {@code snapshot} (reusing the mappers of unchanged mappings), adds JSON
   * Schema validation where a mapping asks for it, and builds the routes.
   *
   * @throws InvalidConfigurationException listing every mapping that cannot be compiled, validated or targeted
   */
  public static ActiveConfig prepare(
      ConfigSnapshot snapshot, MapperCache mappers, SchemaChecks schemas, String deadLetterSuffix, Instant now) {
    Objects.requireNonNull(snapshot, "snapshot");
    Map<String, RecordMapper> compiled = mappers.compileAll(snapshot);
    Map<String, Route> routes = new LinkedHashMap<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (TopicMapping mapping : snapshot.mappings()) {
      RecordMapper mapper = schemas.wrap(compiled.get(mapping.topic()), mapping, snapshot, problems);
      try {
        TableTarget target = TableTarget.of(mapping, mapper.columns());
        routes.put(mapping.topic(),
            new Route(mapping, mapper, target, deadLetterTopic(snapshot, mapping, deadLetterSuffix)));
      } catch (IllegalArgumentException e) {
        problems.add(new ConfigProblem(null, "mappings[" + mapping.topic() + "]", e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException("configuration " + snapshot.fingerprint(), problems);
    }
    return new ActiveConfig(snapshot, Collections.unmodifiableMap(routes), now);
  }

  /**
   * Where rejected messages of {@code mapping} go: its own dead-letter topic, else the first error topic
   * of the pipeline stages reading the topic, else the topic name plus {@code suffix}.
   */
  public static String deadLetterTopic(ConfigSnapshot snapshot, TopicMapping mapping, String suffix) {
    if (mapping.deadLetterTopic() != null && !mapping.deadLetterTopic().isBlank()) {
      return mapping.deadLetterTopic();
    }
    List<String> errorTopics = snapshot.errorTopicsFor(mapping.topic());
    return errorTopics.isEmpty() ? mapping.topic() + suffix : errorTopics.get(0);
  }

  public ConfigSnapshot snapshot() {
    return snapshot;
  }

  public String fingerprint() {
    return snapshot.fingerprint();
  }

  /** When this configuration was prepared. */
  public Instant loadedAt() {
    return loadedAt;
  }

  /** The route of a topic, or {@code null} if the topic is not mapped. */
  public Route route(String topic) {
    return routes.get(topic);
  }

  /** The mapped topics, in name order. */
  public Set<String> topics() {
    return Collections.unmodifiableSet(new TreeSet<>(routes.keySet()));
  }

  /** Every route, by topic. */
  public Map<String, Route> routes() {
    return routes;
  }

  @Override
  public String toString() {
    return "ActiveConfig[" + snapshot.fingerprint() + ", " + routes.size() + " topics]";
  }
}
