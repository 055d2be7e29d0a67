package io.loom.consumer.admin;

import io.loom.mapping.ConfigProblem;
import java.util.Objects;

/**
 * One configuration problem as the admin API shows it.
 *
 * @param location where it is: {@code topic_mappings.yml:42} or a table row; {@code null} if unknown
 * @param path the logical path: {@code mappings[device.sensor.gps.raw].fields[2].data_type}
 * @param message what is wrong and what was expected
 */
public record ConfigIssue(String location, String path, String message) {
  public ConfigIssue {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** The issue of a {@link ConfigProblem}. */
  public static ConfigIssue of(ConfigProblem problem) {
    return new ConfigIssue(problem.location(), problem.path(), problem.message());
  }
}
