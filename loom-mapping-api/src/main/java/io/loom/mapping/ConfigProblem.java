package io.loom.mapping;

import java.util.Objects;

/**
 * One problem found in a configuration.
 *
 * @param location where it is in the source: {@code topic_mappings.yml:42}, or a table row such as
 *     {@code topic_field_mappings(topic_name=device.sensor.gps.raw, target_column=lat)}; {@code null} if unknown
 * @param path the logical path in the model, e.g. {@code mappings[device.sensor.gps.raw].fields[2].data_type}
 * @param message what is wrong and what was expected, naming the offending value
 */
public record ConfigProblem(String location, String path, String message) {
  public ConfigProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return (location == null ? "" : location + ": ") + path + ": " + message;
  }
}
