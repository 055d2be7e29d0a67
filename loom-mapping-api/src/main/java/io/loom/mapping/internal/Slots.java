package io.loom.mapping.internal;

import java.util.Arrays;

/**
 * The values of one row under construction, one slot per column, reused from message to message.
 *
 * <p>Design: parallel arrays instead of boxed values, so that filling a row allocates nothing beyond
 * the strings themselves. Longs, doubles (as raw bits), booleans and timestamps live in {@code num};
 * strings, text characters and arrays in {@code ref}; {@code buffer} keeps each column's reusable
 * byte/char/String/double array across messages. A JSON value still to be compacted is held as a span of the message bytes.
 */
final class Slots {
  static final byte UNSET = 0;
  static final byte NULL = 1;
  static final byte LONG = 2;
  static final byte DOUBLE = 3;
  static final byte BOOLEAN = 4;
  static final byte STRING = 5;
  static final byte TIMESTAMP = 6;
  static final byte BYTES = 7;
  static final byte JSON = 8;
  static final byte JSON_SPAN = 9;
  static final byte STRING_ARRAY = 10;
  static final byte DOUBLE_ARRAY = 11;
  /** Text held as characters in the column's reusable {@code char[]} (length in {@code len}). */
  static final byte CHARS = 12;

  private static final int INITIAL_ARRAY = 8;
  /** Buffers beyond this many elements (bytes / 16) are dropped after the message, see {@link #trimBuffers}. */
  static final int KEEP_ELEMENTS = 4096;

  final byte[] tag;
  final long[] num;
  final Object[] ref;
  final int[] len;
  final Object[] buffer;
  /** Set when a buffer grew beyond {@link #KEEP_ELEMENTS}. */
  boolean oversized;

  Slots(int width) {
    tag = new byte[width];
    num = new long[width];
    ref = new Object[width];
    len = new int[width];
    buffer = new Object[width];
  }

  void clear() {
    Arrays.fill(tag, UNSET);
  }

  void setNull(int c) {
    tag[c] = NULL;
  }

  void setLong(int c, long v) {
    tag[c] = LONG;
    num[c] = v;
  }

  void setDouble(int c, double v) {
    tag[c] = DOUBLE;
    num[c] = Double.doubleToRawLongBits(v);
  }

  void setBoolean(int c, boolean v) {
    tag[c] = BOOLEAN;
    num[c] = v ? 1 : 0;
  }

  void setTimestamp(int c, long epochMicros) {
    tag[c] = TIMESTAMP;
    num[c] = epochMicros;
  }

  void setString(int c, String v) {
    tag[c] = STRING;
    ref[c] = v;
  }

  /** Copies the characters into the column's reusable buffer: the source (the parser's) is reused. */
  void setChars(int c, char[] src, int offset, int length) {
    char[] b = (char[]) buffer[c];
    if (b == null || b.length < length) {
      b = new char[Math.max(length, 32)];
      buffer[c] = b;
      oversized |= length > KEEP_ELEMENTS * 8;
    }
    System.arraycopy(src, offset, b, 0, length);
    tag[c] = CHARS;
    ref[c] = b;
    len[c] = length;
  }

  void setJson(int c, String v) {
    tag[c] = JSON;
    ref[c] = v;
  }

  void setSpan(int c, int start, int end) {
    tag[c] = JSON_SPAN;
    num[c] = start;
    len[c] = end;
  }

  /** The column's byte buffer, at least {@code capacity} long; {@link #setBytes} publishes it. */
  byte[] bytes(int c, int capacity) {
    byte[] b = (byte[]) buffer[c];
    if (b == null || b.length < capacity) {
      b = new byte[Math.max(capacity, 16)];
      buffer[c] = b;
      oversized |= capacity > KEEP_ELEMENTS * 16;
    }
    return b;
  }

  void setBytes(int c, byte[] b, int length) {
    tag[c] = BYTES;
    ref[c] = b;
    len[c] = length;
  }

  void beginStringArray(int c) {
    if (buffer[c] == null) {
      buffer[c] = new String[INITIAL_ARRAY];
    }
    tag[c] = STRING_ARRAY;
    ref[c] = buffer[c];
    len[c] = 0;
  }

  void addString(int c, String v) {
    String[] a = (String[]) buffer[c];
    int n = len[c];
    if (n == a.length) {
      a = Arrays.copyOf(a, n * 2);
      buffer[c] = a;
      ref[c] = a;
      oversized |= n > KEEP_ELEMENTS;
    }
    a[n] = v;
    len[c] = n + 1;
  }

  void beginDoubleArray(int c) {
    if (buffer[c] == null) {
      buffer[c] = new double[INITIAL_ARRAY];
    }
    tag[c] = DOUBLE_ARRAY;
    ref[c] = buffer[c];
    len[c] = 0;
  }

  void addDouble(int c, double v) {
    double[] a = (double[]) buffer[c];
    int n = len[c];
    if (n == a.length) {
      a = Arrays.copyOf(a, n * 2);
      buffer[c] = a;
      ref[c] = a;
      oversized |= n > KEEP_ELEMENTS;
    }
    a[n] = v;
    len[c] = n + 1;
  }

  /** Copies a column's value (not its buffer) from another row, e.g. a compiled default. */
  void copy(Slots from, int c) {
    tag[c] = from.tag[c];
    num[c] = from.num[c];
    ref[c] = from.ref[c];
    len[c] = from.len[c];
  }

  /** Drops buffers that grew beyond {@link #KEEP_ELEMENTS}, so one huge message does not pin memory. */
  void trimBuffers() {
    int maxElements = KEEP_ELEMENTS;
    for (int c = 0; c < buffer.length; c++) {
      Object b = buffer[c];
      int size = b instanceof byte[] bytes ? bytes.length / 8 : b instanceof char[] chars ? chars.length / 8
          : b instanceof String[] s ? s.length
          : b instanceof double[] d ? d.length : 0;
      if (size > maxElements) {
        buffer[c] = null;
      }
      ref[c] = null;
    }
    oversized = false;
  }
}
