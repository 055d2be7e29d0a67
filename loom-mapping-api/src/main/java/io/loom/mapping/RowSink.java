package io.loom.mapping;

/**
 * Receives the typed values of mapped rows, column by column, in column order. The COPY sink
 * implements it to encode values straight into its buffer, without an intermediate row object.
 *
 * <p>For each row the mapper calls {@link #startRow()}, then exactly one value method for every
 * column {@code 0 .. columns-1} in ascending order, then {@link #endRow()}. Rows of one message are
 * emitted only after the whole message mapped successfully: a rejected message emits nothing.
 *
 * <p>Arrays passed in are owned by the mapper and may be reused after the call returns.
 */
public interface RowSink {
  void startRow();

  void nullValue(int column);

  void stringValue(int column, String value);

  /**
   * Text given as the characters {@code chars[offset, offset + length)}, which the mapper reuses after the
   * call returns; the mapper passes text read from a message this way, without building a {@code String}.
   * The default makes a {@code String} of them for {@link #stringValue(int, String)}; a sink that encodes
   * text itself overrides it.
   */
  default void stringValue(int column, char[] chars, int offset, int length) {
    stringValue(column, new String(chars, offset, length));
  }

  void longValue(int column, long value);

  void doubleValue(int column, double value);

  void booleanValue(int column, boolean value);

  /** A UTC instant in microseconds since 1970-01-01T00:00:00Z. */
  void timestampValue(int column, long epochMicros);

  /** Decoded bytes ({@code base64_decode}); {@code length} bytes from offset 0 are valid. */
  void bytesValue(int column, byte[] value, int length);

  /** Compact JSON text ({@code json} type, {@code json_stringify}). */
  void jsonValue(int column, String json);

  /** The elements of an {@code array} column as text; {@code null} elements are SQL NULLs. */
  void stringArrayValue(int column, String[] values, int length);

  /** The elements of a {@code float_array} column. */
  void doubleArrayValue(int column, double[] values, int length);

  void endRow();
}
