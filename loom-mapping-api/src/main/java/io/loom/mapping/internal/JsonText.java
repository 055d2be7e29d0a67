package io.loom.mapping.internal;

import java.nio.charset.StandardCharsets;

/**
 * JSON text for {@code json} columns and {@code json_stringify}: compacting a value's bytes, quoting a
 * string, and the checks that keep text storable in PostgreSQL.
 *
 * <p>Design: a value mapped as JSON is copied from the message bytes rather than re-serialised token
 * by token. The parser has already validated the whole document, so compacting is a single loop that
 * drops blanks outside strings (no recursion, whatever the nesting) and keeps numbers and escapes
 * exactly as written. The same loop rejects {@code \u0000} and unpaired surrogate escapes, which
 * {@code jsonb} refuses.
 */
public final class JsonText {
  /** {@link #compact} result: the value holds a {@code \u0000} escape. */
  public static final int NUL_ESCAPE = -1;
  /** {@link #compact} result: the value holds an unpaired surrogate escape. */
  public static final int BAD_SURROGATE = -2;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /**
   * The position of the first character PostgreSQL text cannot hold (NUL) or that is not Unicode (an
   * unpaired surrogate), or -1.
   */
  public static int findInvalidChar(char[] c, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      char ch = c[i];
      // One comparison for the common case: NUL wraps to 0xFFFF, surrogates and above stay high.
      if ((char) (ch - 1) >= '\uD7FF') {
        if (ch == 0) {
          return i - off;
        }
        if (ch <= '\uDFFF') {
          if (ch <= '\uDBFF' && i + 1 < end && Character.isLowSurrogate(c[i + 1])) {
            i++;
          } else {
            return i - off;
          }
        }
      }
    }
    return -1;
  }

  /** {@link #findInvalidChar(char[], int, int)} for a string. */
  public static int findInvalidChar(String s) {
    return findInvalidChar(s.toCharArray(), 0, s.length());
  }

  /** Why the character found by {@link #findInvalidChar} is refused. */
  public static String describeInvalidChar(char ch) {
    if (ch == 0) {
      return "text contains a NUL character (\\u0000), which PostgreSQL cannot store";
    }
    return "text contains an unpaired surrogate (\\u" + hex4(ch) + "), which is not valid Unicode";
  }

  private static String hex4(int code) {
    return "" + HEX[(code >> 12) & 15] + HEX[(code >> 8) & 15] + HEX[(code >> 4) & 15] + HEX[code & 15];
  }

  /** Appends {@code c[off, off+len)} as a JSON string literal; the text must have passed {@link #findInvalidChar}. */
  public static void appendQuoted(StringBuilder sb, char[] c, int off, int len) {
    sb.append('"');
    int run = off;
    for (int i = off, end = off + len; i < end; i++) {
      char ch = c[i];
      if (ch >= 0x20 && ch != '"' && ch != '\\') {
        continue;
      }
      sb.append(c, run, i - run);
      run = i + 1;
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> sb.append("\\u").append(hex4(ch));
      }
    }
    sb.append(c, run, off + len - run);
    sb.append('"');
  }

  /** A string as a JSON string literal. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    appendQuoted(sb, s.toCharArray(), 0, s.length());
    return sb.toString();
  }

  /**
   * Copies the valid JSON value {@code doc[start, end)} into {@code out} without insignificant
   * blanks.
   *
   * @return the number of bytes written, or {@link #NUL_ESCAPE} or {@link #BAD_SURROGATE}
   */
  public static int compact(byte[] doc, int start, int end, byte[] out) {
    int n = 0;
    boolean inString = false;
    boolean afterHigh = false;
    for (int i = start; i < end; i++) {
      byte b = doc[i];
      if (!inString) {
        if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
          continue;
        }
        out[n++] = b;
        inString = b == '"';
        continue;
      }
      if (b == '\\') {
        byte e = doc[i + 1];
        if (e == 'u') {
          int code = hexValue(doc, i + 2);
          boolean low = code >= 0xDC00 && code <= 0xDFFF;
          if (afterHigh) {
            if (!low) {
              return BAD_SURROGATE;
            }
            afterHigh = false;
          } else if (code == 0) {
            return NUL_ESCAPE;
          } else if (low) {
            return BAD_SURROGATE;
          } else {
            afterHigh = code >= 0xD800 && code <= 0xDBFF;
          }
          System.arraycopy(doc, i, out, n, 6);
          n += 6;
          i += 5;
          continue;
        }
        if (afterHigh) {
          return BAD_SURROGATE;
        }
        out[n++] = b;
        out[n++] = e;
        i++;
        continue;
      }
      if (afterHigh) {
        return BAD_SURROGATE;
      }
      out[n++] = b;
      if (b == '"') {
        inString = false;
      }
    }
    return n;
  }

  private static int hexValue(byte[] doc, int p) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int ch = doc[p + i];
      int d = ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
      v = v << 4 | d;
    }
    return v;
  }

  /**
   * A short, blank-free rendering of {@code doc[start, end)} for error messages, whether or not the
   * bytes are valid JSON; at most about {@code maxBytes} bytes are read.
   */
  public static String preview(byte[] doc, int start, int end, int maxBytes) {
    byte[] out = new byte[Math.min(end - start, maxBytes) + 8];
    int n = 0;
    boolean inString = false;
    for (int i = start; i < end && n < maxBytes; i++) {
      byte b = doc[i];
      if (!inString && (b == ' ' || b == '\n' || b == '\r' || b == '\t')) {
        continue;
      }
      out[n++] = b;
      if (b == '\\' && inString && i + 1 < end) {
        out[n++] = doc[++i];
      } else if (b == '"') {
        inString = !inString;
      }
    }
    String text = new String(out, 0, n, StandardCharsets.UTF_8);
    return n >= maxBytes ? text + "..." : text;
  }

  /** Control characters of a value shown in an error written as JSON escapes, so that a log line stays one line. */
  public static String printable(String value) {
    if (value == null) {
      return null;
    }
    StringBuilder sb = null;
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch < 0x20) {
        if (sb == null) {
          sb = new StringBuilder(value.length() + 8).append(value, 0, i);
        }
        sb.append("\\u").append(hex4(ch));
      } else if (sb != null) {
        sb.append(ch);
      }
    }
    return sb == null ? value : sb.toString();
  }
}
