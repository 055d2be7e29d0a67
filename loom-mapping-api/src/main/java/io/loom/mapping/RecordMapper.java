package io.loom.mapping;

import java.util.List;

/**
 * A topic mapping compiled for the hot path: turns one message's JSON bytes into typed column values
 * in a single streaming pass (no tree), writing them to a caller-supplied {@link RowSink}.
 *
 * <p>Instances are immutable and thread-safe; create them with {@link MappingCompiler#compile}.
 *
 * <pre>{@code
 * RecordMapper mapper = MappingCompiler.compile(mapping);
 * MappingError error = mapper.map(record, sink);
 * if (error != null) deadLetters.send(record, error);
 * }</pre>
 */
public interface RecordMapper {
  /** The mapping this mapper was compiled from. */
  TopicMapping mapping();

  /** The target columns in row order. */
  List<Column> columns();

  /**
   * Maps one message. On success every produced row (one, or one per element of an exploded array,
   * possibly none for an empty array) has been written to {@code sink} and {@code null} is returned.
   * On bad input nothing is written to {@code sink} and the error is returned; this method does not
   * throw for any input.
   */
  MappingError map(SourceRecord record, RowSink sink);
}
