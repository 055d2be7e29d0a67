package io.loom.mapping.internal;

import io.loom.mapping.MappingError;
import io.loom.mapping.SourceRecord;

/**
 * A message the mapper refuses, unwinding the parse to {@code map}, where it becomes a
 * {@link MappingError}. Design: thrown without a stack trace, because it is control flow for bad
 * input, not a bug; never escapes the mapper.
 */
final class Rejection extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final MappingError.Kind kind;
  final String path;
  final String value;
  final String rule;

  Rejection(MappingError.Kind kind, String path, String value, String rule) {
    super(rule, null, false, false);
    this.kind = kind;
    this.path = path;
    this.value = value;
    this.rule = rule;
  }

  MappingError toError(SourceRecord record) {
    return new MappingError(kind, record.topic(), record.partition(), record.offset(), path, JsonText.printable(value), rule);
  }
}
