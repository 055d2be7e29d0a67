package io.loom.mapping;

import io.loom.mapping.internal.ConfigNames;
import java.util.Optional;

/** What happens when a row's upsert key already exists in its table. */
public enum ConflictStrategy {
  /** {@code ON CONFLICT DO NOTHING}: the stored row stays (the seed's default). */
  IGNORE,
  /** The mapped non-key columns take the new values. */
  UPDATE,
  /** The stored row becomes exactly the new row (unmapped columns return to their defaults). */
  REPLACE;

  /** The name used in configuration (lower case). */
  public String configName() {
    return ConfigNames.of(this);
  }

  /** Parses a configuration name, ignoring case; empty if it is unknown. */
  public static Optional<ConflictStrategy> fromConfigName(String name) {
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
