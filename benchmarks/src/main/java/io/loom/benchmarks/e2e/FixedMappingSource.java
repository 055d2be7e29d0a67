package io.loom.benchmarks.e2e;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.MappingSource;

/** A mapping source that serves one configuration, built in code, and never changes. */
final class FixedMappingSource implements MappingSource {
  private final ConfigSnapshot snapshot;

  FixedMappingSource(ConfigSnapshot snapshot) {
    this.snapshot = snapshot;
  }

  @Override
  public ConfigSnapshot load() {
    return snapshot;
  }

  @Override
  public String describe() {
    return "memory:e2e";
  }

  @Override
  public void close() {}
}
