package io.loom.mapping.testkit;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.MappingSource;

/** The contract kit run against the in-memory source, so the kit itself is exercised by this module's build. */
class InMemoryMappingSourceContractTest extends MappingSourceContract {

  @Override
  protected MappingSource sourceWith(ConfigSnapshot fixture) {
    return new InMemoryMappingSource("contract", fixture);
  }

  @Override
  protected void replaceContent(MappingSource source, ConfigSnapshot content) {
    ((InMemoryMappingSource) source).set(content);
  }

  @Override
  protected boolean supportsChanges() {
    return true;
  }

  @Override
  protected boolean supportsChangeNotification() {
    return true;
  }
}
