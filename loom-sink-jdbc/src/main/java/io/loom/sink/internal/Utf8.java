package io.loom.sink.internal;

/**
 * Encodes Java strings as UTF-8 straight into a byte array (no intermediate byte[] per value). Lone
 * surrogates become {@code ?}, as {@link String#getBytes} does. Reports whether a NUL was seen.
 */
final class Utf8 {
  private Utf8() {}

  /** The most bytes {@code s} can take. */
  static int maxBytes(String s) {
    return s.length() * 3;
  }

  /**
   * Writes {@code chars[offset, offset + length)} at {@code pos} (the caller made room for three bytes per
   * character); returns the end position, negated minus one if the text contains a NUL character.
   */
  static int encode(char[] chars, int offset, int length, byte[] out, int pos) {
    int n = offset + length;
    boolean nul = false;
    int i = offset;
    for (; i < n; i++) {
      char c = chars[i];
      if (c >= 0x80 || c == 0) {
        break;
      }
      out[pos++] = (byte) c;
    }
    for (; i < n; i++) {
      char c = chars[i];
      if (c < 0x80) {
        nul |= c == 0;
        out[pos++] = (byte) c;
      } else if (c < 0x800) {
        out[pos++] = (byte) (0xc0 | (c >> 6));
        out[pos++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        int cp = -1;
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(chars[i + 1])) {
          cp = Character.toCodePoint(c, chars[++i]);
        }
        pos = putSupplementary(cp, out, pos);
      } else {
        out[pos++] = (byte) (0xe0 | (c >> 12));
        out[pos++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        out[pos++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return nul ? -pos - 1 : pos;
  }

  /** A code point beyond the BMP as four bytes, or {@code ?} for a lone surrogate ({@code cp} negative). */
  private static int putSupplementary(int cp, byte[] out, int pos) {
    if (cp < 0) {
      out[pos++] = '?';
    } else {
      out[pos++] = (byte) (0xf0 | (cp >> 18));
      out[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
      out[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
      out[pos++] = (byte) (0x80 | (cp & 0x3f));
    }
    return pos;
  }

  /**
   * Writes {@code s} at {@code pos} (the caller made room for {@link #maxBytes}); returns the end
   * position, negated minus one if the text contains a NUL character.
   */
  static int encode(String s, byte[] out, int pos) {
    int n = s.length();
    boolean nul = false;
    int i = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || c == 0) {
        break;
      }
      out[pos++] = (byte) c;
    }
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        nul |= c == 0;
        out[pos++] = (byte) c;
      } else if (c < 0x800) {
        out[pos++] = (byte) (0xc0 | (c >> 6));
        out[pos++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isSurrogate(c)) {
        int cp = -1;
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          cp = Character.toCodePoint(c, s.charAt(++i));
        }
        pos = putSupplementary(cp, out, pos);
      } else {
        out[pos++] = (byte) (0xe0 | (c >> 12));
        out[pos++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        out[pos++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return nul ? -pos - 1 : pos;
  }
}
