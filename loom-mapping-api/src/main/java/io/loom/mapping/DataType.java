package io.loom.mapping;

import io.loom.mapping.internal.ConfigNames;
import java.util.Optional;

/** The type a JSON value is converted to before it is written to its column (the seed's set). */
public enum DataType {
  /** Text; numbers and booleans are taken as their JSON text. */
  STRING,
  /** A whole number that fits in 64 bits. */
  INTEGER,
  /** A double-precision number. */
  FLOAT,
  /** {@code true}/{@code false}. */
  BOOLEAN,
  /** An instant: ISO-8601 text with an offset or {@code Z}, or epoch seconds/millis/micros. */
  TIMESTAMP,
  /** A JSON array of scalars, written as a text array (or JSON, if the column is json/jsonb). */
  ARRAY,
  /** A JSON array of numbers, written as {@code float8[]}. */
  FLOAT_ARRAY,
  /** Any JSON value, written as its JSON text. */
  JSON;

  /** The name used in configuration: {@code string}, {@code float_array}, ... */
  public String configName() {
    return ConfigNames.of(this);
  }

  /** Parses a configuration name, ignoring case; empty if it is unknown. */
  public static Optional<DataType> fromConfigName(String name) {
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
