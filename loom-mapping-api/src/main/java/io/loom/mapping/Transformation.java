package io.loom.mapping;

import io.loom.mapping.internal.ConfigNames;
import java.util.Optional;

/** A conversion applied to a JSON value before it is typed (the seed's set). */
public enum Transformation {
  /** Base64 text decoded to bytes (written to {@code bytea}, or as UTF-8 text to a text column). */
  BASE64_DECODE,
  /** Text or a number parsed as a timestamp (ISO-8601 or epoch), like the {@code timestamp} type. */
  TIMESTAMP_PARSE,
  /** Any JSON value written as its compact JSON text. */
  JSON_STRINGIFY;

  /** The name used in configuration (lower case). */
  public String configName() {
    return ConfigNames.of(this);
  }

  /** Parses a configuration name, ignoring case; empty if it is unknown. */
  public static Optional<Transformation> fromConfigName(String name) {
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
