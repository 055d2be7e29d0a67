package io.loom.mapping;

import java.util.Objects;

/** A {@code pipeline_stage_topics} row: a topic and the role it plays for its stage. */
public record StageTopic(String topicName, TopicRole role) {
  public StageTopic {
    Objects.requireNonNull(topicName, "topicName");
    Objects.requireNonNull(role, "role");
  }
}
