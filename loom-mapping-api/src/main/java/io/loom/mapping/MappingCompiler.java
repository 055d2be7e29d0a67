package io.loom.mapping;

import io.loom.mapping.internal.CompiledRecordMapper;

/** Compiles topic mappings into {@link RecordMapper}s. */
public final class MappingCompiler {
  private MappingCompiler() {}

  /**
   * Compiles one mapping. The mapping should have passed {@link ConfigValidator}; a mapping that
   * cannot be compiled (a malformed path, a default that does not fit its type) is refused.
   *
   * @throws InvalidConfigurationException naming the field and the rule
   */
  public static RecordMapper compile(TopicMapping mapping) {
    return CompiledRecordMapper.compile(mapping);
  }
}
