package io.loom.consumer.internal;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SpecVersion;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A JSON Schema compiled for one streaming pass over a message's bytes, for schemas that use only a
 * common subset of keywords ({@code type}, {@code properties}, {@code required}, {@code
 * additionalProperties}, {@code items} as one schema, scalar {@code enum}/{@code const}, numeric bounds,
 * string lengths, {@code pattern}, {@code $ref} into the document itself, annotations).
 *
 * <p>Design note: {@link #valid} answers only "certainly valid"; {@code false} means "invalid or not
 * sure" (malformed JSON, a number at the exact edge of a bound, a float against a numeric enum...), and the
 * caller then validates with networknt, which decides and words the violations. So the fast path must
 * never accept what networknt refuses; it may send a valid message to networknt. Where networknt's
 * behaviour is draft-specific (integer-valued floats, {@code format} assertions, {@code $ref} siblings,
 * boolean {@code exclusiveMinimum}) the schema is left to networknt ({@link #compile} returns null).
 *
 * <p>The bytes are read by a {@link Reader} of the thread, not by a Jackson parser: strict JSON (RFC 8259,
 * well-formed UTF-8 only, nesting, number, name and string lengths within Jackson's default limits or
 * tighter), which is a subset of what the Jackson tree reader accepts, so nothing it accepts fails to make
 * the tree networknt would see. It reads only the first JSON value, as the tree reader does (a scalar at
 * the root must be followed by the end or a space). Member names and enum strings are matched as raw UTF-8
 * bytes against tables built at compile time; a string is decoded to chars only when it holds escapes or
 * meets a pattern outside {@link FastPattern}'s subset; numbers become a {@code long} or {@code double} only
 * when a bound, enum or {@code integer} type needs them, with the value Jackson's tree would hold. A
 * valid message is checked without allocating. Thread-safe (immutable; scratch is per thread).
 */
final class FastSchema {
  /** Keywords without effect on validation here (annotations, definitions reached only by $ref). */
  private static final Set<String> IGNORED = Set.of("title", "description", "examples", "default", "$comment",
      "$defs", "definitions");

  private static final int NULL = 1;
  private static final int BOOLEAN = 2;
  private static final int OBJECT = 4;
  private static final int ARRAY = 8;
  private static final int NUMBER = 16;
  private static final int INTEGER = 32;
  private static final int STRING = 64;

  /** Deeper documents are left to networknt (Jackson's own limit is 1000). */
  static final int MAX_DEPTH = 200;
  /** Longer numbers are left to networknt (Jackson's limit is 1000 characters). */
  private static final int MAX_NUMBER_LENGTH = 500;
  /** Jackson's limits on names and strings, in chars; applied to bytes, which are never fewer. */
  private static final int MAX_NAME_BYTES = 50_000;
  private static final int MAX_STRING_BYTES = 20_000_000;
  private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
      1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final ThreadLocal<Reader> READERS = ThreadLocal.withInitial(Reader::new);

  private final Node root;

  private FastSchema(Node root) {
    this.root = root;
  }

  /**
   * The fast validator of {@code schema} read as {@code version}, or null when the schema uses anything
   * outside the subset; {@code why} (if not null) receives the reason.
   */
  static FastSchema compile(JsonNode schema, SpecVersion.VersionFlag version, StringBuilder why) {
    if (version != SpecVersion.VersionFlag.V202012 && version != SpecVersion.VersionFlag.V201909
        && version != SpecVersion.VersionFlag.V7 && version != SpecVersion.VersionFlag.V6) {
      return fail(why, "draft " + version + " is not handled by the fast path");
    }
    try {
      Compiler compiler = new Compiler(schema, version);
      Node root = compiler.node(schema, true);
      compiler.checkRefChains();
      return new FastSchema(root);
    } catch (Unsupported e) {
      return fail(why, e.getMessage());
    }
  }

  private static FastSchema fail(StringBuilder why, String reason) {
    if (why != null) {
      why.append(reason);
    }
    return null;
  }

  /** True only if the first JSON value of {@code json} is certainly valid; false if invalid or unsure. */
  boolean valid(byte[] json) {
    Reader reader = READERS.get();
    try {
      return reader.document(json, root);
    } catch (RuntimeException e) {
      return false;
    } finally {
      reader.release();
    }
  }

  /**
   * One strict pass over a message, checking each value against its node as it is read. Any doubt
   * (bad JSON, a limit, a violation) ends the pass with false. One per thread, reused message after message.
   */
  private static final class Reader {
    private byte[] b;
    private int pos;
    private int end;
    private int depth;
    /** The last string or name read: its raw bytes between the quotes, and whether it holds escapes. */
    private int textStart;
    private int textEnd;
    private boolean escaped;
    /** The last number read: its bytes, and whether it has a fraction or an exponent. */
    private int numberStart;
    private int numberEnd;
    private boolean floating;
    /** The last string decoded (only when needed), and a view of it for the JDK regex. */
    private char[] chars = new char[64];
    private int charCount;
    private CharBuffer charView = CharBuffer.wrap(chars);
    private final Map<Pattern, Matcher> matchers = new IdentityHashMap<>();

    boolean document(byte[] json, Node root) {
      b = json;
      pos = 0;
      end = json.length;
      depth = 0;
      int c = next();
      boolean delimited = c == '{' || c == '[' || c == '"';
      if (!value(c, root)) {
        return false;
      }
      // the tree reader refuses a root number (and may refuse a literal) not followed by the end or a space
      return delimited || pos == end || isSpace(b[pos]);
    }

    /** Drops the message, and a decode buffer grown by an unusually long string (with the matchers that view it). */
    void release() {
      b = null;
      if (chars.length > 16_384) {
        chars = new char[64];
        charView = CharBuffer.wrap(chars);
        matchers.clear();
      }
    }

    private static boolean isSpace(int c) {
      return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** The next byte after white space (0-255), consumed; -1 at the end. */
    private int next() {
      byte[] b = this.b;
      int i = pos;
      while (i < end) {
        int c = b[i++];
        if (!isSpace(c)) {
          pos = i;
          return c & 0xFF;
        }
      }
      pos = i;
      return -1;
    }

    /** Reads the value that starts with {@code c} (already consumed) and checks it against {@code n} (null: none). */
    private boolean value(int c, Node n) {
      if (n != null) {
        while (n.ref != null) {
          n = n.ref;
        }
        if (n.never) {
          return false;
        }
      }
      switch (c) {
        case '{':
          return (n == null || ((n.types & OBJECT) != 0 && n.enumValues == null)) && object(n);
        case '[':
          return (n == null || ((n.types & ARRAY) != 0 && n.enumValues == null)) && array(n);
        case '"':
          return text(MAX_STRING_BYTES) && (n == null || string(n));
        case 't':
          return literal("rue") && (n == null || ((n.types & BOOLEAN) != 0
              && (n.enumValues == null || n.enumValues.contains(Boolean.TRUE))));
        case 'f':
          return literal("alse") && (n == null || ((n.types & BOOLEAN) != 0
              && (n.enumValues == null || n.enumValues.contains(Boolean.FALSE))));
        case 'n':
          return literal("ull") && (n == null || ((n.types & NULL) != 0
              && (n.enumValues == null || n.enumValues.contains(Nothing.NULL))));
        default:
          return (c == '-' || (c >= '0' && c <= '9')) && number() && (n == null || number(n));
      }
    }

    private boolean object(Node n) {
      if (++depth > MAX_DEPTH) {
        return false;
      }
      long found = 0;
      int c = next();
      if (c != '}') {
        while (true) {
          if (c != '"' || !text(MAX_NAME_BYTES) || next() != ':') {
            return false;
          }
          Node child = null;
          if (n != null) {
            child = n.additional;
            Field field = n.fields == null ? null : escaped ? n.fields.get(decodedString()) : n.names.find(b, textStart, textEnd);
            if (field != null) {
              found |= field.requiredBit;
              if (field.node != null) {
                child = field.node;
              }
            }
          }
          if (!value(next(), child)) {
            return false;
          }
          c = next();
          if (c == '}') {
            break;
          }
          if (c != ',') {
            return false;
          }
          c = next();
        }
      }
      depth--;
      return n == null || found == n.allRequired;
    }

    private boolean array(Node n) {
      if (++depth > MAX_DEPTH) {
        return false;
      }
      Node items = n == null ? null : n.items;
      int c = next();
      if (c != ']') {
        while (true) {
          if (!value(c, items)) {
            return false;
          }
          c = next();
          if (c == ']') {
            break;
          }
          if (c != ',') {
            return false;
          }
          c = next();
        }
      }
      depth--;
      return true;
    }

    private boolean literal(String rest) {
      int length = rest.length();
      if (end - pos < length) {
        return false;
      }
      for (int k = 0; k < length; k++) {
        if (b[pos + k] != rest.charAt(k)) {
          return false;
        }
      }
      pos += length;
      return true;
    }

    /**
     * Reads a string or member name (after its opening quote) of at most {@code maxBytes} bytes: eight
     * bytes at a time while none of them is a quote, a backslash, a control character or non-ASCII
     * (SWAR: the lowest flagged byte of each test is exact), then the special byte itself.
     */
    private boolean text(int maxBytes) {
      byte[] b = this.b;
      int end = this.end;
      int start = pos;
      int i = start;
      boolean esc = false;
      while (true) {
        if (i + 8 <= end) {
          long w = (long) LONGS.get(b, i);
          long quote = w ^ 0x2222222222222222L;
          long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
          long special = (((quote - 0x0101010101010101L) & ~quote) | ((backslash - 0x0101010101010101L) & ~backslash)
              | ((w - 0x2020202020202020L) & ~w) | w) & 0x8080808080808080L;
          if (special == 0) {
            i += 8;
            continue;
          }
          i += Long.numberOfTrailingZeros(special) >>> 3;
        } else if (i >= end) {
          return false;
        }
        int c = b[i];
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          esc = true;
          i = escape(i + 1);
          if (i < 0) {
            return false;
          }
        } else if (c < 0) {
          int n = utf8Length(b, i, end);
          if (n == 0) {
            return false;
          }
          i += n;
        } else if (c < 0x20) {
          return false; // a control character
        } else {
          i++;
        }
      }
      if (i - start > maxBytes) {
        return false;
      }
      textStart = start;
      textEnd = i;
      escaped = esc;
      pos = i + 1;
      return true;
    }

    /** The index after the escape whose letter is at {@code i}, or -1 if it is not one JSON allows. */
    private int escape(int i) {
      if (i >= end) {
        return -1;
      }
      switch (b[i]) {
        case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
          return i + 1;
        case 'u':
          if (i + 4 >= end) {
            return -1;
          }
          for (int k = 1; k <= 4; k++) {
            if (hex(b[i + k]) < 0) {
              return -1;
            }
          }
          return i + 5;
        default:
          return -1;
      }
    }

    private static int hex(int c) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
      }
      if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
      }
      return -1;
    }

    /** Decodes the last string or name read into {@link #chars}, as the tree reader would. */
    private void decode() {
      int length = textEnd - textStart;
      if (chars.length < length) {
        chars = new char[Math.max(length, chars.length * 2)];
        charView = CharBuffer.wrap(chars);
      }
      byte[] b = this.b;
      char[] out = chars;
      int n = 0;
      int i = textStart;
      while (i < textEnd) {
        int c = b[i];
        if (c == '\\') {
          int e = b[i + 1];
          if (e == 'u') {
            out[n++] = (char) ((hex(b[i + 2]) << 12) | (hex(b[i + 3]) << 8) | (hex(b[i + 4]) << 4) | hex(b[i + 5]));
            i += 6;
          } else {
            out[n++] = switch (e) {
              case 'b' -> '\b';
              case 'f' -> '\f';
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              default -> (char) e; // " \ /
            };
            i += 2;
          }
        } else if (c >= 0) {
          out[n++] = (char) c;
          i++;
        } else if ((c & 0xE0) == 0xC0) {
          out[n++] = (char) (((c & 0x1F) << 6) | (b[i + 1] & 0x3F));
          i += 2;
        } else if ((c & 0xF0) == 0xE0) {
          out[n++] = (char) (((c & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F));
          i += 3;
        } else {
          int codePoint = ((c & 0x07) << 18) | ((b[i + 1] & 0x3F) << 12) | ((b[i + 2] & 0x3F) << 6) | (b[i + 3] & 0x3F);
          out[n++] = Character.highSurrogate(codePoint);
          out[n++] = Character.lowSurrogate(codePoint);
          i += 4;
        }
      }
      charCount = n;
    }

    private String decodedString() {
      decode();
      return new String(chars, 0, charCount);
    }

    /** Checks the string just read against {@code n}. */
    private boolean string(Node n) {
      if ((n.types & STRING) == 0) {
        return false;
      }
      if (n.enumValues != null) {
        boolean listed = escaped ? n.enumValues.contains(decodedString())
            : n.enumStrings != null && n.enumStrings.find(b, textStart, textEnd) != null;
        if (!listed) {
          return false;
        }
      }
      if (!n.measured) {
        return true;
      }
      if (escaped) {
        decode();
        return lengthWithin(chars, 0, charCount, n) && (n.pattern == null
            || (n.fastPattern != null ? n.fastPattern.find(chars, 0, charCount) : regex(n.pattern)));
      }
      if (!utf8LengthWithin(n)) {
        return false;
      }
      if (n.pattern == null) {
        return true;
      }
      if (n.fastPattern != null) {
        return n.fastPattern.find(b, textStart, textEnd);
      }
      decode();
      return regex(n.pattern);
    }

    /** Whether the raw (escape-free) string's length in code points is within minLength and maxLength. */
    private boolean utf8LengthWithin(Node n) {
      int bytes = textEnd - textStart;
      // a code point is one to four bytes
      if ((n.maxLength < 0 || bytes <= n.maxLength) && (bytes + 3) / 4 >= n.minLength) {
        return true;
      }
      int codePoints = 0;
      for (int i = textStart; i < textEnd; i++) {
        if ((b[i] & 0xC0) != 0x80) {
          codePoints++;
        }
      }
      return codePoints >= n.minLength && (n.maxLength < 0 || codePoints <= n.maxLength);
    }

    /** {@code find()} of a JDK pattern on the decoded string, with this thread's matcher for it. */
    private boolean regex(Pattern pattern) {
      charView.clear().limit(charCount);
      Matcher matcher = matchers.get(pattern);
      if (matcher == null) {
        if (matchers.size() >= 64) {
          matchers.clear(); // patterns of configurations long replaced
        }
        matcher = pattern.matcher(charView);
        matchers.put(pattern, matcher);
      } else {
        matcher.reset(charView);
      }
      return matcher.find();
    }

    /** Reads a number (its first byte already consumed) by the JSON grammar, which Jackson's is not looser than. */
    private boolean number() {
      byte[] b = this.b;
      int start = pos - 1;
      int i = pos;
      if (b[start] == '-') {
        if (i >= end) {
          return false;
        }
        int c = b[i++];
        if (c < '0' || c > '9') {
          return false;
        }
        if (c != '0') {
          i = digits(i);
        }
      } else if (b[start] != '0') {
        i = digits(i);
      }
      boolean fp = false;
      if (i < end && b[i] == '.') {
        int first = ++i;
        i = digits(i);
        if (i == first) {
          return false;
        }
        fp = true;
      }
      if (i < end && (b[i] == 'e' || b[i] == 'E')) {
        i++;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
          i++;
        }
        int first = i;
        i = digits(i);
        if (i == first) {
          return false;
        }
        fp = true;
      }
      if (i - start > MAX_NUMBER_LENGTH) {
        return false;
      }
      numberStart = start;
      numberEnd = i;
      floating = fp;
      pos = i;
      return true;
    }

    private int digits(int i) {
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      return i;
    }

    /** Checks the number just read against {@code n}, with the value the tree would hold (int/long/BigInteger or double). */
    private boolean number(Node n) {
      if (n.enumValues == null && !n.bounded) {
        // no value needed, unless an integer type must see whether a fraction is whole
        if ((n.types & NUMBER) != 0 || (!floating && (n.types & INTEGER) != 0)) {
          return true;
        }
        if ((n.types & INTEGER) == 0) {
          return false;
        }
      }
      boolean integral;
      boolean isLong = false;
      long asLong = 0;
      double asDouble;
      BigInteger big = null;
      if (!floating) {
        integral = true;
        int length = numberEnd - numberStart;
        if (length <= 18) {
          int i = numberStart;
          boolean negative = b[i] == '-';
          if (negative) {
            i++;
          }
          for (; i < numberEnd; i++) {
            asLong = asLong * 10 + (b[i] - '0');
          }
          asLong = negative ? -asLong : asLong;
          isLong = true;
        } else {
          BigInteger value = new BigInteger(new String(b, numberStart, length, StandardCharsets.ISO_8859_1));
          if (value.bitLength() < 64) {
            isLong = true;
            asLong = value.longValue();
          } else {
            big = value;
          }
        }
        asDouble = asLong;
      } else {
        // the tree holds a double (a DoubleNode), so integer-ness is decided on the double, as networknt does
        asDouble = toDouble(b, numberStart, numberEnd);
        boolean finite = !Double.isNaN(asDouble) && !Double.isInfinite(asDouble);
        integral = finite && asDouble == Math.rint(asDouble);
      }
      if ((n.types & NUMBER) == 0 && !((n.types & INTEGER) != 0 && integral)) {
        return false;
      }
      if (n.enumValues == null && !n.bounded) {
        return true;
      }
      if (n.enumValues != null) {
        if (Double.isInfinite(asDouble)) {
          return false; // networknt cannot turn it into a decimal either: left to it
        }
        // networknt compares the decimal of the tree node (a double's is that of its shortest text); a
        // long's decimal equals a choice exactly when the choice is that whole number
        BigDecimal value = isLong ? null : big != null ? new BigDecimal(big) : BigDecimal.valueOf(asDouble);
        for (int i = 0; i < n.numberChoices.size(); i++) { // no iterator
          NumberChoice choice = n.numberChoices.get(i);
          if (isLong ? !choice.accepts(asLong) : !choice.accepts(value)) {
            return false;
          }
        }
      }
      if (big != null) {
        return decimalWithin(n, new BigDecimal(big));
      }
      return above(n.minimum, isLong, asLong, asDouble, false) && above(n.exclusiveMinimum, isLong, asLong, asDouble, true)
          && below(n.maximum, isLong, asLong, asDouble, false) && below(n.exclusiveMaximum, isLong, asLong, asDouble, true);
    }
  }

  /**
   * The double of the JSON number {@code b[start, end)} (valid by the JSON grammar), rounded as {@link
   * Double#parseDouble} (which Jackson uses) rounds it: computed when its significant digits are at most
   * 2^53 and its power of ten within 22 (both are then exact doubles, and one IEEE multiplication or
   * division rounds once, correctly), else parsed by the JDK.
   */
  static double toDouble(byte[] b, int start, int end) {
    int i = start;
    boolean negative = b[i] == '-';
    if (negative) {
      i++;
    }
    long mantissa = 0;
    int significant = 0;
    int scale = 0;
    boolean fraction = false;
    for (; i < end; i++) {
      int c = b[i];
      if (c == '.') {
        fraction = true;
        continue;
      }
      if (c == 'e' || c == 'E') {
        break;
      }
      if (mantissa == 0 && c == '0') {
        if (fraction) {
          scale--;
        }
        continue;
      }
      if (significant == 18) {
        return Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
      }
      mantissa = mantissa * 10 + (c - '0');
      significant++;
      if (fraction) {
        scale--;
      }
    }
    if (i < end) {
      i++;
      boolean negativeExponent = b[i] == '-';
      if (b[i] == '+' || b[i] == '-') {
        i++;
      }
      int exponent = 0;
      for (; i < end; i++) {
        if (exponent < 100_000) {
          exponent = exponent * 10 + (b[i] - '0');
        }
      }
      scale += negativeExponent ? -exponent : exponent;
    }
    double d;
    if (mantissa == 0) {
      d = 0.0;
    } else if (mantissa <= (1L << 53) && scale >= -22 && scale <= 22) {
      d = scale >= 0 ? mantissa * POWERS_OF_TEN[scale] : mantissa / POWERS_OF_TEN[-scale];
    } else {
      return Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
    }
    return negative ? -d : d;
  }

  /** The length of the well-formed UTF-8 sequence of 2 to 4 bytes at {@code i}, or 0 if there is none. */
  static int utf8Length(byte[] b, int i, int end) {
    int c = b[i] & 0xFF;
    if (c >= 0xC2 && c <= 0xDF) {
      return i + 1 < end && continuation(b[i + 1]) ? 2 : 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
      if (i + 2 >= end) {
        return 0;
      }
      int c1 = b[i + 1] & 0xFF;
      int low = c == 0xE0 ? 0xA0 : 0x80; // no overlong form
      int high = c == 0xED ? 0x9F : 0xBF; // no surrogate
      return c1 >= low && c1 <= high && continuation(b[i + 2]) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      if (i + 3 >= end) {
        return 0;
      }
      int c1 = b[i + 1] & 0xFF;
      int low = c == 0xF0 ? 0x90 : 0x80;
      int high = c == 0xF4 ? 0x8F : 0xBF; // at most U+10FFFF
      return c1 >= low && c1 <= high && continuation(b[i + 2]) && continuation(b[i + 3]) ? 4 : 0;
    }
    return 0;
  }

  private static boolean continuation(byte c) {
    return (c & 0xC0) == 0x80;
  }

  /** Whether the string's length in code points is within minLength and maxLength. */
  private static boolean lengthWithin(char[] chars, int offset, int length, Node n) {
    if (length <= n.maxLength || n.maxLength < 0) {
      // a code point is one or two chars: at least half the chars are code points
      if ((length + 1) / 2 >= n.minLength) {
        return true;
      }
    }
    int codePoints = Character.codePointCount(chars, offset, length);
    return codePoints >= n.minLength && (n.maxLength < 0 || codePoints <= n.maxLength);
  }

  /**
   * Strings by their UTF-8 bytes, looked up without decoding them: open addressing on a hash of the
   * length and three of the bytes (constant time; the bytes are then compared). Only strings that are well-formed UTF-16 are put in (others cannot be written as raw UTF-8; an
   * escaped key or value is looked up by its decoded {@code String} instead). Immutable.
   */
  private static final class ByteTable<V> {
    private final byte[][] keys;
    private final int[] hashes;
    private final Object[] values;
    private final int mask;

    ByteTable(Map<String, V> entries) {
      int size = Integer.highestOneBit(Math.max(4, entries.size() * 2) - 1) << 1;
      keys = new byte[size][];
      hashes = new int[size];
      values = new Object[size];
      mask = size - 1;
      entries.forEach((key, value) -> {
        if (!wellFormed(key)) {
          return;
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int h = hash(bytes, 0, bytes.length);
        int i = h & mask;
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = bytes;
        hashes[i] = h;
        values[i] = value;
      });
    }

    static int hash(byte[] b, int from, int to) {
      int length = to - from;
      if (length == 0) {
        return 0;
      }
      int h = length * 0x9E3779B9 ^ (b[from] << 16) ^ (b[to - 1] << 8) ^ b[from + (length >> 1)];
      return h ^ (h >>> 16);
    }

    @SuppressWarnings("unchecked")
    V find(byte[] b, int from, int to) {
      int h = hash(b, from, to);
      int i = h & mask;
      byte[] key;
      while ((key = keys[i]) != null) {
        if (hashes[i] == h && java.util.Arrays.equals(key, 0, key.length, b, from, to)) {
          return (V) values[i];
        }
        i = (i + 1) & mask;
      }
      return null;
    }
  }

  /** Whether {@code s} has no lone surrogate, so that it has a UTF-8 form. */
  static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean decimalWithin(Node n, BigDecimal value) {
    return (n.minimum == null || value.compareTo(n.minimum.decimal) >= 0)
        && (n.exclusiveMinimum == null || value.compareTo(n.exclusiveMinimum.decimal) > 0)
        && (n.maximum == null || value.compareTo(n.maximum.decimal) <= 0)
        && (n.exclusiveMaximum == null || value.compareTo(n.exclusiveMaximum.decimal) < 0);
  }

  /**
   * Whether the value is at or above (strictly above if {@code strict}) {@code bound}. Doubles decide when
   * they differ (rounding to double keeps order); when they are equal, the decimals networknt compares
   * (the tree's text of the value and of the bound) decide.
   */
  private static boolean above(Bound bound, boolean isLong, long l, double d, boolean strict) {
    if (bound == null) {
      return true;
    }
    if (isLong && bound.exactLong) {
      return strict ? l > bound.asLong : l >= bound.asLong;
    }
    if (d != bound.asDouble) {
      return d > bound.asDouble;
    }
    int c = decimal(isLong, l, d).compareTo(bound.decimal);
    return strict ? c > 0 : c >= 0;
  }

  private static boolean below(Bound bound, boolean isLong, long l, double d, boolean strict) {
    if (bound == null) {
      return true;
    }
    if (isLong && bound.exactLong) {
      return strict ? l < bound.asLong : l <= bound.asLong;
    }
    if (d != bound.asDouble) {
      return d < bound.asDouble;
    }
    int c = decimal(isLong, l, d).compareTo(bound.decimal);
    return strict ? c < 0 : c <= 0;
  }

  /** The decimal networknt compares for a value: that of the tree node's text. */
  private static BigDecimal decimal(boolean isLong, long l, double d) {
    return isLong ? BigDecimal.valueOf(l) : new BigDecimal(NumberOutput.toString(d));
  }

  /** A numeric bound: its exact long value when it has one, else only its double. */
  private record Bound(boolean exactLong, long asLong, double asDouble, BigDecimal decimal) {
    static Bound of(JsonNode node) {
      double d = node.doubleValue();
      if (Double.isInfinite(d) || Double.isNaN(d)) {
        throw new Unsupported("a bound that is not a finite number");
      }
      BigDecimal decimal = new BigDecimal(node.asText());
      try {
        return new Bound(true, decimal.longValueExact(), d, decimal);
      } catch (ArithmeticException e) {
        return new Bound(false, 0, d, decimal);
      }
    }
  }

  /**
   * The numbers one {@code enum} or {@code const} allows, matched by decimal value as networknt does;
   * {@code longs} are those of them that are whole numbers within a long, for long values.
   */
  private record NumberChoice(List<BigDecimal> values, long[] longs) {
    static NumberChoice of(List<BigDecimal> values) {
      long[] longs = new long[values.size()];
      int count = 0;
      for (BigDecimal v : values) {
        try {
          longs[count] = v.longValueExact();
          count++;
        } catch (ArithmeticException e) {
          // a fraction, or beyond a long: no long value equals it
        }
      }
      return new NumberChoice(values, java.util.Arrays.copyOf(longs, count));
    }

    boolean accepts(long value) {
      for (long l : longs) {
        if (l == value) {
          return true;
        }
      }
      return false;
    }

    boolean accepts(BigDecimal value) {
      for (BigDecimal v : values) {
        if (v.compareTo(value) == 0) {
          return true;
        }
      }
      return false;
    }
  }

  /** The JSON null in an enum set (sets of scalars hold String, Boolean, BigDecimal and this). */
  private enum Nothing { NULL }

  /** One compiled (sub)schema. Mutable only while the compiler fills it. */
  private static final class Node {
    /** Set for {@code {"$ref": ...}} alone: the node to use instead. */
    Node ref;
    boolean never;
    int types = NULL | BOOLEAN | OBJECT | ARRAY | NUMBER | INTEGER | STRING;
    /** The strings, booleans and nulls that every enum and const of the node allow; null if none. */
    Set<Object> enumValues;
    /** What each enum and const allows of numbers. */
    final List<NumberChoice> numberChoices = new ArrayList<>();
    Map<String, Node> properties;
    Map<String, Integer> required;
    long allRequired;
    /** properties and required together, one look-up per member; null if neither. */
    Map<String, Field> fields;
    /** {@link #fields} by the names' UTF-8 bytes; null if none. */
    ByteTable<Field> names;
    /** The strings of {@link #enumValues} by their UTF-8 bytes; null if it holds none. */
    ByteTable<Boolean> enumStrings;
    Node additional;
    Node items;
    Bound minimum;
    Bound maximum;
    Bound exclusiveMinimum;
    Bound exclusiveMaximum;
    /** Whether any of the four bounds is set. */
    boolean bounded;
    int minLength;
    int maxLength = -1;
    Pattern pattern;
    /** The same pattern as an automaton, if it is in {@link FastPattern}'s subset. */
    FastPattern fastPattern;
    /** Whether a string value is measured or matched (minLength, maxLength, pattern). */
    boolean measured;
  }

  /** What a member name means in an object: its subschema (null: additionalProperties) and required bit. */
  private record Field(Node node, long requiredBit) {}

  private static final class Unsupported extends RuntimeException {
    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Compiler {
    private final JsonNode document;
    private final SpecVersion.VersionFlag version;
    private final Map<JsonNode, Node> compiled = new IdentityHashMap<>();

    Compiler(JsonNode document, SpecVersion.VersionFlag version) {
      this.document = document;
      this.version = version;
    }

    Node node(JsonNode schema, boolean isRoot) {
      Node done = compiled.get(schema);
      if (done != null) {
        return done;
      }
      Node n = new Node();
      compiled.put(schema, n);
      if (schema.isBoolean()) {
        n.never = !schema.booleanValue();
        return n;
      }
      if (!schema.isObject()) {
        throw new Unsupported("a subschema that is not an object or a boolean");
      }
      if (schema.has("$ref")) {
        for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
          String name = names.next();
          if (!name.equals("$ref") && !IGNORED.contains(name) && !(isRoot && (name.equals("$schema") || name.equals("$id")))) {
            throw new Unsupported("$ref next to '" + name + "'");
          }
        }
        n.ref = node(target(schema.get("$ref")), false);
        return n;
      }
      for (Iterator<Map.Entry<String, JsonNode>> fields = schema.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        keyword(n, field.getKey(), field.getValue(), isRoot, schema);
      }
      if (n.properties != null || n.required != null) {
        n.fields = new HashMap<>();
        if (n.properties != null) {
          n.properties.forEach((name, node) -> n.fields.put(name, new Field(node, 0)));
        }
        if (n.required != null) {
          n.required.forEach((name, index) -> n.fields.merge(name, new Field(null, 1L << index),
              (a, b) -> new Field(a.node(), b.requiredBit())));
        }
        n.names = new ByteTable<>(n.fields);
      }
      if (n.enumValues != null) {
        Map<String, Boolean> strings = new HashMap<>();
        for (Object value : n.enumValues) {
          if (value instanceof String text) {
            strings.put(text, Boolean.TRUE);
          }
        }
        n.enumStrings = strings.isEmpty() ? null : new ByteTable<>(strings);
      }
      return n;
    }

    /** Refuses a $ref that leads, through other bare $refs, back to itself. */
    void checkRefChains() {
      for (Node n : compiled.values()) {
        int steps = 0;
        for (Node at = n; at.ref != null; at = at.ref) {
          if (++steps > compiled.size()) {
            throw new Unsupported("a $ref cycle");
          }
        }
      }
    }

    private JsonNode target(JsonNode ref) {
      if (!ref.isTextual() || !ref.textValue().startsWith("#") || ref.textValue().indexOf('%') >= 0) {
        throw new Unsupported("$ref " + ref + " does not point into the document by JSON pointer");
      }
      String pointer = ref.textValue().substring(1);
      JsonNode target = pointer.isEmpty() ? document : document.at(JsonPointer.compile(pointer));
      if (target.isMissingNode() || !(target.isObject() || target.isBoolean())) {
        throw new Unsupported("$ref " + ref + " does not point to a schema");
      }
      return target;
    }

    private void keyword(Node n, String name, JsonNode value, boolean isRoot, JsonNode schema) {
      if (IGNORED.contains(name) || (isRoot && (name.equals("$schema") || name.equals("$id")))) {
        return;
      }
      switch (name) {
        case "type" -> n.types = types(value);
        case "properties" -> {
          if (!value.isObject()) {
            throw new Unsupported("properties is not an object");
          }
          n.properties = new HashMap<>();
          for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            n.properties.put(property.getKey(), node(property.getValue(), false));
          }
        }
        case "required" -> {
          if (!value.isArray() || value.size() > 63) {
            throw new Unsupported("required is not an array of at most 63 names");
          }
          n.required = new HashMap<>();
          for (JsonNode item : value) {
            if (!item.isTextual()) {
              throw new Unsupported("required holds a non-string");
            }
            n.required.putIfAbsent(item.textValue(), n.required.size());
          }
          n.allRequired = n.required.isEmpty() ? 0 : (1L << n.required.size()) - 1;
          if (n.required.isEmpty()) {
            n.required = null;
          }
        }
        case "additionalProperties" -> n.additional = node(value, false);
        case "items" -> {
          if (!value.isObject() && !value.isBoolean()) {
            throw new Unsupported("items is not a single schema");
          }
          n.items = node(value, false);
        }
        case "enum" -> {
          if (!value.isArray()) {
            throw new Unsupported("enum is not an array");
          }
          Set<Object> values = new HashSet<>();
          List<BigDecimal> numbers = new ArrayList<>();
          for (JsonNode item : value) {
            if (item.isNumber()) {
              numbers.add(item.decimalValue());
            } else {
              values.add(scalar(item));
            }
          }
          n.enumValues = n.enumValues == null ? values : intersect(n.enumValues, values);
          n.numberChoices.add(NumberChoice.of(numbers));
        }
        case "const" -> {
          Set<Object> values = new HashSet<>();
          List<BigDecimal> numbers = new ArrayList<>();
          if (value.isNumber()) {
            numbers.add(value.decimalValue());
          } else {
            values.add(scalar(value));
          }
          n.enumValues = n.enumValues == null ? values : intersect(n.enumValues, values);
          n.numberChoices.add(NumberChoice.of(numbers));
        }
        case "minimum" -> n.minimum = bound(n, value, name);
        case "maximum" -> n.maximum = bound(n, value, name);
        case "exclusiveMinimum" -> n.exclusiveMinimum = bound(n, value, name);
        case "exclusiveMaximum" -> n.exclusiveMaximum = bound(n, value, name);
        case "minLength" -> {
          n.minLength = length(value, name);
          n.measured = true;
        }
        case "maxLength" -> {
          n.maxLength = length(value, name);
          n.measured = true;
        }
        case "pattern" -> {
          if (!value.isTextual()) {
            throw new Unsupported("pattern is not a string");
          }
          try {
            n.pattern = Pattern.compile(value.textValue());
            n.fastPattern = FastPattern.compile(value.textValue());
            n.measured = true;
          } catch (PatternSyntaxException e) {
            throw new Unsupported("pattern does not compile");
          }
        }
        case "format" -> {
          if (version != SpecVersion.VersionFlag.V202012) {
            throw new Unsupported("format is asserted in draft " + version);
          }
        }
        default -> throw new Unsupported("keyword '" + name + "'");
      }
    }

    private static Set<Object> intersect(Set<Object> a, Set<Object> b) {
      Set<Object> both = new HashSet<>(a);
      both.retainAll(b);
      return both;
    }

    private static Object scalar(JsonNode item) {
      if (item.isTextual()) {
        return item.textValue();
      }
      if (item.isBoolean()) {
        return item.booleanValue();
      }
      if (item.isNull()) {
        return Nothing.NULL;
      }
      throw new Unsupported("enum/const of a non-scalar");
    }

    private static Bound bound(Node n, JsonNode value, String name) {
      if (!value.isNumber()) {
        throw new Unsupported(name + " is not a number");
      }
      n.bounded = true;
      return Bound.of(value);
    }

    private static int length(JsonNode value, String name) {
      if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
        throw new Unsupported(name + " is not a non-negative integer");
      }
      return value.intValue();
    }

    private static int types(JsonNode value) {
      List<JsonNode> names = new ArrayList<>();
      if (value.isTextual()) {
        names.add(value);
      } else if (value.isArray()) {
        value.forEach(names::add);
      } else {
        throw new Unsupported("type is not a name or an array of names");
      }
      int mask = 0;
      for (JsonNode name : names) {
        mask |= switch (name.isTextual() ? name.textValue() : "") {
          case "null" -> NULL;
          case "boolean" -> BOOLEAN;
          case "object" -> OBJECT;
          case "array" -> ARRAY;
          case "number" -> NUMBER | INTEGER;
          case "integer" -> INTEGER;
          case "string" -> STRING;
          default -> throw new Unsupported("type " + name);
        };
      }
      return mask;
    }
  }
}
