package io.loom.sink.internal;

/**
 * The tags of the batch's value encoding. Each value is one tag byte followed by its payload:
 * nothing for {@link #NULL}; 8 bytes for longs, doubles and timestamps (epoch micros); 1 byte for
 * booleans; a 4-byte length and the bytes for text, JSON and bytes (text as UTF-8); a 4-byte total
 * length, a 4-byte element count and the elements for arrays (text elements as 4-byte length or -1
 * for NULL plus UTF-8; double elements as 8 bytes). Text that contains a NUL character, which
 * PostgreSQL cannot store as text, gets its own tag so that the check costs nothing at write time.
 */
final class ValueTags {
  static final byte NULL = 0;
  static final byte STRING = 1;
  static final byte STRING_WITH_NUL = 2;
  static final byte LONG = 3;
  static final byte DOUBLE = 4;
  static final byte BOOLEAN = 5;
  static final byte TIMESTAMP = 6;
  static final byte BYTES = 7;
  static final byte JSON = 8;
  static final byte STRING_ARRAY = 9;
  static final byte STRING_ARRAY_WITH_NUL = 10;
  static final byte DOUBLE_ARRAY = 11;

  private ValueTags() {}

  /** The position just after the value starting at {@code pos}. */
  static int skip(byte[] data, int pos) {
    byte tag = data[pos];
    switch (tag) {
      case NULL:
        return pos + 1;
      case LONG:
      case DOUBLE:
      case TIMESTAMP:
        return pos + 9;
      case BOOLEAN:
        return pos + 2;
      default:
        return pos + 5 + Bytes.getInt(data, pos + 1);
    }
  }
}
