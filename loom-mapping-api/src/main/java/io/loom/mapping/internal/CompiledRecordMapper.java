package io.loom.mapping.internal;

import io.loom.mapping.RecordMapper;
import io.loom.mapping.TopicMapping;

/** Placeholder until the streaming mapper lands. */
public final class CompiledRecordMapper {
  private CompiledRecordMapper() {}

  public static RecordMapper compile(TopicMapping mapping) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
