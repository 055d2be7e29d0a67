package io.loom.mapping;

import io.loom.mapping.internal.CanonicalJson;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A {@code pipeline_stages} row with its topics.
 *
 * @param configurationJson the stage's {@code configuration} jsonb in canonical form, or {@code null}
 * @param errorRateThreshold between 0 and 1, or {@code null}
 */
public record PipelineStage(
    String stageName,
    int stageOrder,
    String serviceName,
    String serviceImage,
    int replicas,
    String configurationJson,
    Integer processingTimeoutSeconds,
    int retryMaxAttempts,
    int retryBackoffSeconds,
    Integer slaSeconds,
    Double errorRateThreshold,
    List<StageTopic> topics) {

  public static final int DEFAULT_REPLICAS = 1;
  public static final int DEFAULT_RETRY_MAX_ATTEMPTS = 3;
  public static final int DEFAULT_RETRY_BACKOFF_SECONDS = 1;

  public PipelineStage {
    Objects.requireNonNull(stageName, "stageName");
    configurationJson = configurationJson == null ? null : CanonicalJson.canonicalOrSame(configurationJson);
    topics =
        (topics == null ? List.<StageTopic>of() : topics)
            .stream()
            .sorted(Comparator.comparing(StageTopic::role).thenComparing(StageTopic::topicName))
            .toList();
  }

  /** The topics of one role, by name. */
  public List<String> topics(TopicRole role) {
    return topics.stream().filter(t -> t.role() == role).map(StageTopic::topicName).toList();
  }
}
