package io.loom.mapping;

import io.loom.mapping.internal.ConfigNames;
import java.util.Optional;

/** The role a topic plays for a pipeline stage ({@code pipeline_stage_topics.topic_role}). */
public enum TopicRole {
  INPUT,
  OUTPUT,
  ERROR;

  /** The name used in configuration (lower case). */
  public String configName() {
    return ConfigNames.of(this);
  }

  /** Parses a configuration name, ignoring case; empty if it is unknown. */
  public static Optional<TopicRole> fromConfigName(String name) {
    return ConfigNames.parse(values(), name);
  }

  /** The configuration names, for error messages. */
  public static String knownNames() {
    return ConfigNames.known(values());
  }

  @Override
  public String toString() {
    return configName();
  }
}
