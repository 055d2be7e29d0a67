package io.loom.mapping.internal;

import java.util.Arrays;

/**
 * Base64 decoding from a {@code char[]} into a reused {@code byte[]}, for {@code base64_decode}.
 *
 * <p>Design: {@code java.util.Base64} wants a {@code String} or {@code byte[]} input and returns a
 * fresh array; this decodes the parser's characters in place. It accepts the standard alphabet
 * ({@code + /}) and the URL-safe one ({@code - _}), with or without {@code =} padding (if present, the
 * text is a whole number of 4-character groups); blanks and line breaks are not allowed.
 */
public final class Base64Text {
  private static final byte[] VALUES = new byte[128];

  static {
    Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < 26; i++) {
      VALUES['A' + i] = (byte) i;
      VALUES['a' + i] = (byte) (26 + i);
    }
    for (int i = 0; i < 10; i++) {
      VALUES['0' + i] = (byte) (52 + i);
    }
    VALUES['+'] = 62;
    VALUES['-'] = 62;
    VALUES['/'] = 63;
    VALUES['_'] = 63;
  }

  private Base64Text() {}

  /** The capacity {@link #decode} needs for {@code length} characters. */
  public static int maxDecodedLength(int length) {
    return length / 4 * 3 + 3;
  }

  /**
   * Decodes {@code len} characters into {@code out} (at least {@link #maxDecodedLength} long).
   *
   * @return the number of bytes, or {@code -(position + 1)} of the first character that is not
   *     base64; {@code position == len} means the text stops in the middle of a group
   */
  public static int decode(char[] c, int off, int len, byte[] out) {
    int dataLength = len;
    while (dataLength > 0 && c[off + dataLength - 1] == '=' && len - dataLength < 2) {
      dataLength--;
    }
    if ((dataLength < len && len % 4 != 0) || dataLength % 4 == 1) {
      return failure(c, off, len, len);
    }
    int n = 0;
    int i = 0;
    int full = dataLength - dataLength % 4;
    while (i < full) {
      int a = value(c, off, i);
      int b = value(c, off, i + 1);
      int d = value(c, off, i + 2);
      int e = value(c, off, i + 3);
      if ((a | b | d | e) < 0) {
        return failure(c, off, len, firstBad(c, off, i, i + 4));
      }
      int bits = a << 18 | b << 12 | d << 6 | e;
      out[n++] = (byte) (bits >> 16);
      out[n++] = (byte) (bits >> 8);
      out[n++] = (byte) bits;
      i += 4;
    }
    int rest = dataLength - full;
    if (rest > 0) {
      int a = value(c, off, i);
      int b = value(c, off, i + 1);
      int d = rest == 3 ? value(c, off, i + 2) : 0;
      if ((a | b | d) < 0) {
        return failure(c, off, len, firstBad(c, off, i, i + rest));
      }
      int bits = a << 18 | b << 12 | d << 6;
      out[n++] = (byte) (bits >> 16);
      if (rest == 3) {
        out[n++] = (byte) (bits >> 8);
      }
    }
    return n;
  }

  private static int value(char[] c, int off, int i) {
    char ch = c[off + i];
    return ch < 128 ? VALUES[ch] : -1;
  }

  /**
   * The failure result: the first character outside the alphabet and padding if there is one (a
   * blank, a line break), else {@code position}, where the structure (padding, group length) broke.
   */
  private static int failure(char[] c, int off, int len, int position) {
    for (int i = 0; i < len; i++) {
      if (value(c, off, i) < 0 && c[off + i] != '=') {
        return -(i + 1);
      }
    }
    return -(position + 1);
  }

  private static int firstBad(char[] c, int off, int from, int to) {
    for (int i = from; i < to; i++) {
      if (value(c, off, i) < 0) {
        return i;
      }
    }
    return to;
  }
}
