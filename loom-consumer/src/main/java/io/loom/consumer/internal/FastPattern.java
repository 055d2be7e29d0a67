package io.loom.consumer.internal;

/**
 * A JSON Schema {@code pattern} of a small regular subset, compiled to a bit-parallel automaton that
 * answers exactly what {@code java.util.regex.Pattern.compile(regex).matcher(text).find()} answers (the
 * JDK regex networknt uses), without a {@code Matcher} and straight from the message's UTF-8 bytes.
 *
 * <p>Design note: the subset is an optional leading {@code ^}, then atoms, then an optional trailing
 * {@code $}. An atom is a printable ASCII literal (metacharacters escaped with {@code \}), {@code \d},
 * {@code \w}, {@code .} or a bracket class of such literals and ASCII ranges (not negated, not nested),
 * optionally followed by one greedy quantifier ({@code ? * + {n} {n,} {n,m}}). No group, alternation,
 * flag, lazy or possessive quantifier, other escape or non-ASCII literal: {@link #compile} returns null for
 * those and the JDK regex is used. For such patterns {@code find()} answers whether some substring is in
 * the regular language (backtracking order does not change that), so an automaton over the expanded atoms
 * (at most 62 positions, one bit each) decides it. Atoms are matched against code points as the JDK does
 * ({@code .} takes a surrogate pair as one character). No atom matches a line terminator, so {@code $}
 * reduces to the JDK's rule for the end of the input: at the end, or before one final line terminator
 * ({@code \n}, {@code \r}, {@code \r\n}, U+0085, U+2028, U+2029). Immutable, thread-safe.
 */
final class FastPattern {
  /** The most atom positions an automaton holds (one bit each, plus the accepting bit). */
  static final int MAX_POSITIONS = 62;

  /** For each ASCII character, the positions whose atom matches it. */
  private final long[] ascii;
  /** The positions whose atom is {@code .}: they also match every non-ASCII code point but U+0085, U+2028, U+2029. */
  private final long dot;
  /** Positions that may repeat (a starred atom): a match stays at the position. */
  private final long stays;
  /** Positions that may be skipped (optional or starred). */
  private final long skippable;
  private final long accept;
  private final long start;
  private final boolean anchoredStart;
  private final boolean anchoredEnd;

  private FastPattern(long[] ascii, long dot, long stays, long skippable, int positions, boolean anchoredStart,
      boolean anchoredEnd) {
    this.ascii = ascii;
    this.dot = dot;
    this.stays = stays;
    this.skippable = skippable;
    this.accept = 1L << positions;
    this.anchoredStart = anchoredStart;
    this.anchoredEnd = anchoredEnd;
    this.start = close(1L);
  }

  /** The automaton of {@code regex}, or null if it is outside the subset (or not a valid JDK regex). */
  static FastPattern compile(String regex) {
    return new Parser(regex).parse();
  }

  /** {@code find()} on the text of the well-formed UTF-8 bytes {@code [from, to)} of {@code utf8}. */
  boolean find(byte[] utf8, int from, int to) {
    long state = start;
    int i = from;
    while (true) {
      if ((state & accept) != 0 && (!anchoredEnd || endsAt(utf8, from, i, to))) {
        return true;
      }
      if (i >= to) {
        return false;
      }
      int b = utf8[i];
      long matches;
      if (b >= 0) {
        matches = ascii[b];
        i++;
      } else {
        int codePoint;
        if ((b & 0xE0) == 0xC0) {
          codePoint = ((b & 0x1F) << 6) | (utf8[i + 1] & 0x3F);
          i += 2;
        } else if ((b & 0xF0) == 0xE0) {
          codePoint = ((b & 0x0F) << 12) | ((utf8[i + 1] & 0x3F) << 6) | (utf8[i + 2] & 0x3F);
          i += 3;
        } else {
          codePoint = 0x10000; // any supplementary code point: only '.' matches it
          i += 4;
        }
        matches = isTerminator(codePoint) ? 0 : dot;
      }
      state = step(state, matches);
      if (state == 0 && anchoredStart) {
        return false;
      }
    }
  }

  /** {@code find()} on {@code chars[from, to)} (which may hold unpaired surrogates, as JSON escapes allow). */
  boolean find(char[] chars, int from, int to) {
    long state = start;
    int i = from;
    while (true) {
      if ((state & accept) != 0 && (!anchoredEnd || endsAt(chars, from, i, to))) {
        return true;
      }
      if (i >= to) {
        return false;
      }
      int codePoint = Character.codePointAt(chars, i, to);
      i += Character.charCount(codePoint);
      long matches = codePoint < 128 ? ascii[codePoint] : isTerminator(codePoint) ? 0 : dot;
      state = step(state, matches);
      if (state == 0 && anchoredStart) {
        return false;
      }
    }
  }

  private long step(long state, long matches) {
    long hit = state & matches;
    long next = ((hit & ~stays) << 1) | (hit & stays);
    if (!anchoredStart) {
      next |= 1L; // find() tries every start
    }
    return close(next);
  }

  /** Adds the positions reached by skipping optional atoms. */
  private long close(long state) {
    long closed = state;
    while (true) {
      long more = closed | ((closed & skippable) << 1);
      if (more == closed) {
        return closed;
      }
      closed = more;
    }
  }

  private static boolean isTerminator(int c) {
    return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
  }

  /** The JDK's {@code $} (not multiline) at byte {@code i}: the end, or one final line terminator away. */
  private static boolean endsAt(byte[] b, int from, int i, int to) {
    if (i == to) {
      return true;
    }
    int c = b[i] & 0xFF;
    if (c == '\r') {
      return i + 1 == to || (i + 2 == to && b[i + 1] == '\n');
    }
    if (c == '\n') {
      return i + 1 == to && !(i > from && b[i - 1] == '\r');
    }
    if (c == 0xC2) {
      return i + 2 == to && (b[i + 1] & 0xFF) == 0x85;
    }
    if (c == 0xE2) {
      return i + 3 == to && (b[i + 1] & 0xFF) == 0x80 && ((b[i + 2] & 0xFF) == 0xA8 || (b[i + 2] & 0xFF) == 0xA9);
    }
    return false;
  }

  private static boolean endsAt(char[] chars, int from, int i, int to) {
    if (i == to) {
      return true;
    }
    char c = chars[i];
    if (c == '\r') {
      return i + 1 == to || (i + 2 == to && chars[i + 1] == '\n');
    }
    if (c == '\n') {
      return i + 1 == to && !(i > from && chars[i - 1] == '\r');
    }
    return i + 1 == to && (c == 0x85 || c == 0x2028 || c == 0x2029);
  }

  /** Reads the subset; any other construct makes {@link #parse} return null. */
  private static final class Parser {
    private static final String META = "\\^$.|?*+()[]{}";
    private final String regex;
    private int at;
    private final long[] ascii = new long[128];
    private long dot;
    private long stays;
    private long skippable;
    private int positions;

    Parser(String regex) {
      this.regex = regex;
    }

    FastPattern parse() {
      boolean anchoredStart = false;
      boolean anchoredEnd = false;
      int end = regex.length();
      if (end > 0 && regex.charAt(0) == '^') {
        anchoredStart = true;
        at = 1;
      }
      if (end > at && regex.charAt(end - 1) == '$' && !escapedAt(end - 1)) {
        anchoredEnd = true;
        end--;
      }
      while (at < end) {
        boolean[] set = new boolean[128];
        boolean anyChar = false;
        char c = regex.charAt(at);
        if (c == '.') {
          anyChar = true;
          at++;
        } else if (c == '[') {
          if (!bracket(set, end)) {
            return null;
          }
        } else if (c == '\\') {
          if (!escape(set, end)) {
            return null;
          }
        } else if (c >= 0x20 && c < 0x7F && META.indexOf(c) < 0) {
          set[c] = true;
          at++;
        } else {
          return null;
        }
        int min = 1;
        int max = 1;
        if (at < end) {
          char q = regex.charAt(at);
          if (q == '?' || q == '*' || q == '+') {
            min = q == '+' ? 1 : 0;
            max = q == '?' ? 1 : -1;
            at++;
          } else if (q == '{') {
            int close = regex.indexOf('}', at);
            if (close < 0 || close >= end) {
              return null;
            }
            String[] bounds = regex.substring(at + 1, close).split(",", -1);
            if (bounds.length > 2 || !digits(bounds[0]) || (bounds.length == 2 && !bounds[1].isEmpty() && !digits(bounds[1]))) {
              return null;
            }
            min = Integer.parseInt(bounds[0]);
            max = bounds.length == 1 ? min : bounds[1].isEmpty() ? -1 : Integer.parseInt(bounds[1]);
            if (max >= 0 && max < min) {
              return null;
            }
            at = close + 1;
          }
          if (at < end && (regex.charAt(at) == '?' || regex.charAt(at) == '+')) {
            return null; // lazy or possessive
          }
        }
        if (!add(set, anyChar, min, max)) {
          return null;
        }
      }
      return new FastPattern(ascii, dot, stays, skippable, positions, anchoredStart, anchoredEnd);
    }

    private boolean escapedAt(int index) {
      int backslashes = 0;
      for (int i = index - 1; i >= 0 && regex.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      return backslashes % 2 == 1;
    }

    private static boolean digits(String s) {
      if (s.isEmpty() || s.length() > 3) {
        return false;
      }
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) < '0' || s.charAt(i) > '9') {
          return false;
        }
      }
      return true;
    }

    /** Expands an atom repeated min..max (max -1: unbounded) into positions. */
    private boolean add(boolean[] set, boolean anyChar, int min, int max) {
      int count = max < 0 ? min + 1 : max;
      if (positions + count > MAX_POSITIONS) {
        return false;
      }
      for (int k = 0; k < count; k++) {
        long bit = 1L << positions;
        for (int c = 0; c < 128; c++) {
          if (set[c] || (anyChar && c != '\n' && c != '\r')) {
            ascii[c] |= bit;
          }
        }
        if (anyChar) {
          dot |= bit;
        }
        if (k >= min) {
          skippable |= bit;
          if (max < 0) {
            stays |= bit;
          }
        }
        positions++;
      }
      return true;
    }

    /** {@code \d}, {@code \w} or an escaped ASCII punctuation character, added to {@code set}. */
    private boolean escape(boolean[] set, int end) {
      if (at + 1 >= end) {
        return false;
      }
      char c = regex.charAt(at + 1);
      at += 2;
      if (c == 'd') {
        range(set, '0', '9');
      } else if (c == 'w') {
        range(set, 'a', 'z');
        range(set, 'A', 'Z');
        range(set, '0', '9');
        set['_'] = true;
      } else if (c > 0x20 && c < 0x7F && !Character.isLetterOrDigit(c)) {
        set[c] = true;
      } else {
        return false;
      }
      return true;
    }

    /** A bracket class of literals, ranges, {@code \d} and {@code \w}; not negated, no nesting or intersection. */
    private boolean bracket(boolean[] set, int end) {
      at++;
      boolean first = true;
      while (true) {
        if (at >= end) {
          return false;
        }
        char c = regex.charAt(at);
        if (c == ']' && !first) {
          at++;
          return true;
        }
        if ((first && c == '^') || c == '[' || c == '&' || c == '-' || c == ']') {
          return false;
        }
        first = false;
        if (c == '\\') {
          if (at + 1 < end && (regex.charAt(at + 1) == 'd' || regex.charAt(at + 1) == 'w')) {
            if (!escape(set, end)) {
              return false;
            }
            continue;
          }
          if (at + 1 >= end) {
            return false;
          }
          c = regex.charAt(at + 1);
          if (!(c > 0x20 && c < 0x7F && !Character.isLetterOrDigit(c))) {
            return false;
          }
          at += 2;
        } else if (c >= 0x20 && c < 0x7F) {
          at++;
        } else {
          return false;
        }
        char low = c;
        if (at + 1 < end && regex.charAt(at) == '-' && regex.charAt(at + 1) != ']') {
          char high = regex.charAt(at + 1);
          if (high == '\\' || high == '[' || high == '&' || high == '-' || high < 0x20 || high >= 0x7F || high < low) {
            return false;
          }
          range(set, low, high);
          at += 2;
        } else {
          set[low] = true;
        }
      }
    }

    private static void range(boolean[] set, char low, char high) {
      for (char c = low; c <= high; c++) {
        set[c] = true;
      }
    }
  }
}
