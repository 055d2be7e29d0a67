package io.loom.mapping;

import java.util.Map;
import java.util.Set;

/**
 * A light factory for one kind of {@link MappingSource}, found by {@link java.util.ServiceLoader}
 * (list the class in {@code META-INF/services/io.loom.mapping.MappingSourceProvider}).
 */
public interface MappingSourceProvider {
  /** The kind name, e.g. {@code yaml} or {@code jdbc}; also accepted as a location prefix {@code kind:}. */
  String kind();

  /** Other location prefixes this provider accepts, e.g. {@code postgresql} for {@code postgresql://...}. */
  default Set<String> schemes() {
    return Set.of();
  }

  /**
   * Creates a source.
   *
   * @param location the location with any {@code kind:} prefix removed (a path, a URL)
   * @param settings extra settings (credentials, intervals); never logged
   */
  MappingSource create(String location, Map<String, String> settings);
}
