package io.loom.mapping;

import io.loom.mapping.internal.ConfigNames;
import java.util.Optional;

/**
 * How a timestamp value is read. {@link #AUTO} accepts ISO-8601 text and tells epoch seconds, millis
 * and micros apart by magnitude (below 1e11: seconds, below 1e14: millis, otherwise micros).
 */
public enum TimestampFormat {
  AUTO,
  ISO_8601,
  EPOCH_SECONDS,
  EPOCH_MILLIS,
  EPOCH_MICROS;

  /** The name used in configuration (lower case). */
  public String configName() {
    return ConfigNames.of(this);
  }

  /** Parses a configuration name, ignoring case; empty if it is unknown. */
  public static Optional<TimestampFormat> fromConfigName(String name) {
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
