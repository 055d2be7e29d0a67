package io.loom.consumer.admin;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code GET /status} shows: the state of the consumer, its partitions and throughput, the last
 * error and the configuration in force. It must hold no secret: {@link #settings()} comes from {@code
 * LoomSettings.describe()}, which masks them, and {@link ErrorView} masks passwords in messages.
 *
 * @param state the life-cycle state
 * @param startedAt when the service started
 * @param groupId the Kafka consumer group
 * @param topics the topics the consumer is subscribed to, in name order
 * @param partitions the partitions assigned to this instance, with positions and lag
 * @param rowsTotal rows written to the database since start
 * @param rowsPerSecond rows written per second, averaged over the last minute
 * @param deadLettersTotal messages sent to dead-letter topics since start
 * @param lastError the last error (transient or not), or {@code null}
 * @param config the configuration in force and the last refused reload
 * @param settings the effective settings with secrets masked
 */
public record StatusView(
    RunState state,
    Instant startedAt,
    String groupId,
    List<String> topics,
    List<PartitionView> partitions,
    long rowsTotal,
    double rowsPerSecond,
    long deadLettersTotal,
    ErrorView lastError,
    ConfigStatus config,
    Map<String, String> settings) {

  public StatusView {
    Objects.requireNonNull(state, "state");
    topics = topics == null ? List.of() : List.copyOf(topics);
    partitions = partitions == null ? List.of() : List.copyOf(partitions);
    settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /**
   * The configuration in force.
   *
   * @param source where it comes from, without secrets: {@code yaml:config/topic_mappings.yml}
   * @param fingerprint the fingerprint of the snapshot in force, or {@code null} before the first load
   * @param loadedAt when that snapshot was applied
   * @param mappedTopics how many topics it maps
   * @param lastRefusedReload the last reload that was refused since this snapshot was applied, or {@code null}
   */
  public record ConfigStatus(
      String source, String fingerprint, Instant loadedAt, int mappedTopics, RefusedReload lastRefusedReload) {}

  /**
   * A reload that was refused; the configuration in force stayed.
   *
   * @param at when
   * @param fingerprint the fingerprint of the refused configuration, or {@code null} if it could not be read
   * @param problems every problem found in it
   */
  public record RefusedReload(Instant at, String fingerprint, List<ConfigIssue> problems) {
    public RefusedReload {
      Objects.requireNonNull(at, "at");
      problems = problems == null ? List.of() : List.copyOf(problems);
    }
  }
}
