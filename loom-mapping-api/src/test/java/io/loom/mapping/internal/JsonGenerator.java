package io.loom.mapping.internal;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random JSON text for property tests: documents of random shape built from the member names the
 * test mappings use, and a writer that prints a value tree with random blanks and escapes.
 */
public final class JsonGenerator {
  /** Names the test mappings read, mixed with others, so random documents hit mapped paths often. */
  public static final List<String> NAMES = List.of("device_id", "timestamp", "data", "value", "items", "x", "tags",
      "n", "j", "p", "t", "b", "s", "other", "é", "");

  private JsonGenerator() {}

  /**
   * A random JSON document (an object or array at the top, or with {@code hostile} sometimes a
   * scalar), nested up to {@code depth}; {@code hostile} adds values the mapper must refuse (NUL and
   * lone surrogate escapes, huge numbers).
   */
  public static String anyJson(Random r, int depth, boolean hostile) {
    StringBuilder sb = new StringBuilder();
    if (hostile && r.nextInt(20) == 0) {
      scalar(sb, r, hostile);
    } else if (r.nextInt(4) == 0) {
      array(sb, r, depth, hostile);
    } else {
      object(sb, r, depth, hostile);
    }
    return sb.toString();
  }

  private static void any(StringBuilder sb, Random r, int depth, boolean hostile) {
    int pick = r.nextInt(depth <= 0 ? 6 : 9);
    if (pick == 6 || pick == 7) {
      object(sb, r, depth - 1, hostile);
    } else if (pick == 8) {
      array(sb, r, depth - 1, hostile);
    } else {
      scalar(sb, r, hostile);
    }
  }

  private static void object(StringBuilder sb, Random r, int depth, boolean hostile) {
    sb.append('{');
    int n = r.nextInt(6);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(',');
      }
      blank(sb, r);
      string(sb, r, NAMES.get(r.nextInt(NAMES.size())), hostile);
      blank(sb, r);
      sb.append(':');
      blank(sb, r);
      any(sb, r, depth, hostile);
      blank(sb, r);
    }
    sb.append('}');
  }

  private static void array(StringBuilder sb, Random r, int depth, boolean hostile) {
    sb.append('[');
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(',');
      }
      blank(sb, r);
      any(sb, r, depth, hostile);
      blank(sb, r);
    }
    sb.append(']');
  }

  private static void scalar(StringBuilder sb, Random r, boolean hostile) {
    switch (r.nextInt(hostile ? 12 : 10)) {
      case 0 -> sb.append("null");
      case 1 -> sb.append(r.nextBoolean());
      case 2 -> sb.append(r.nextInt(2000) - 1000);
      case 3 -> sb.append(r.nextLong());
      case 4 -> sb.append(BigDecimal.valueOf(r.nextInt(100_000) - 50_000, r.nextInt(6)).toPlainString());
      case 5 -> sb.append(r.nextInt(10)).append('.').append(r.nextInt(100)).append("eE".charAt(r.nextInt(2)))
          .append("+-".charAt(r.nextInt(2))).append(r.nextInt(30));
      case 6 -> string(sb, r, randomIso(r), hostile);
      case 7 -> sb.append(1_600_000_000L + r.nextInt(100_000_000));
      case 8, 9 -> string(sb, r, randomText(r), hostile);
      case 10 -> sb.append("1").append("0".repeat(r.nextInt(40))).append(r.nextBoolean() ? "e999" : "");
      default -> sb.append('"').append(r.nextBoolean() ? "\\u0000" : "\\ud800").append('"');
    }
  }

  /** Random text mixing ASCII, Latin-1, other BMP characters, surrogate pairs and control characters. */
  public static String randomText(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(8)) {
        case 0 -> sb.append((char) (0x01 + r.nextInt(0x1f)));
        case 1 -> sb.append("\"\\/".charAt(r.nextInt(3)));
        case 2 -> sb.append((char) (0xA0 + r.nextInt(0x60)));
        case 3 -> sb.append((char) (0x4E00 + r.nextInt(0x100)));
        case 4 -> sb.appendCodePoint(0x1F600 + r.nextInt(0x40));
        default -> sb.append((char) ('a' + r.nextInt(26)));
      }
    }
    return sb.toString();
  }

  /** A random text in the accepted grammar, covering every optional part. */
  public static String randomIso(Random r) {
    int year = r.nextInt(10_000);
    int month = 1 + r.nextInt(12);
    int maxDay = java.time.YearMonth.of(year, month).lengthOfMonth();
    int day = r.nextInt(4) == 0 ? maxDay : 1 + r.nextInt(maxDay);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%04d-%02d-%02d", year, month, day));
    sb.append("Tt ".charAt(r.nextInt(3)));
    sb.append(String.format("%02d:%02d", r.nextInt(24), r.nextInt(60)));
    if (r.nextInt(5) > 0) {
      sb.append(String.format(":%02d", r.nextInt(60)));
      if (r.nextBoolean()) {
        sb.append('.');
        int digits = r.nextInt(10);
        for (int i = 0; i < digits; i++) {
          sb.append((char) ('0' + r.nextInt(10)));
        }
      }
    }
    switch (r.nextInt(6)) {
      case 0 -> sb.append('Z');
      case 1 -> sb.append('z');
      case 2 -> sb.append(String.format("%c%02d", r.nextBoolean() ? '+' : '-', r.nextInt(19)));
      case 3 -> sb.append(String.format("%c%02d:%02d", r.nextBoolean() ? '+' : '-', r.nextInt(18), r.nextInt(60)));
      case 4 -> sb.append(String.format("%c%02d:%02d:%02d", r.nextBoolean() ? '+' : '-', r.nextInt(18), r.nextInt(60), r.nextInt(60)));
      default -> sb.append(String.format("%c%02d%02d", r.nextBoolean() ? '+' : '-', r.nextInt(18), r.nextInt(60)));
    }
    return sb.toString();
  }

  /** Writes a string literal, escaping what JSON requires and, at random, other characters. */
  public static void string(StringBuilder sb, Random r, String text, boolean hostile) {
    sb.append('"');
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        // A pair is escaped whole or not at all: half an escape would leave the other half unpaired.
        if (r.nextInt(3) == 0) {
          sb.append(String.format("\\u%04x\\u%04x", (int) ch, (int) text.charAt(i + 1)));
        } else {
          sb.append(ch).append(text.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (ch == '"' || ch == '\\' || ch < 0x20 || r.nextInt(10) == 0) {
        switch (ch) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '/' -> sb.append(r.nextBoolean() ? "\\/" : "/");
          default -> sb.append(String.format(r.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) ch));
        }
      } else {
        sb.append(ch);
      }
    }
    sb.append('"');
  }

  private static void blank(StringBuilder sb, Random r) {
    if (r.nextInt(3) == 0) {
      sb.append(" \t\n\r".charAt(r.nextInt(4)));
    }
  }

  /** Writes a value tree (maps, lists, strings, numbers as their JSON text, booleans, null) with random blanks. */
  public static String write(Object value, Random r) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, r);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object value, Random r) {
    blank(sb, r);
    if (value == null) {
      sb.append("null");
    } else if (value instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        blank(sb, r);
        string(sb, r, e.getKey().toString(), false);
        blank(sb, r);
        sb.append(':');
        write(sb, e.getValue(), r);
      }
      sb.append('}');
    } else if (value instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(sb, list.get(i), r);
      }
      sb.append(']');
    } else if (value instanceof String s) {
      string(sb, r, s, false);
    } else if (value instanceof RawNumber n) {
      sb.append(n.text());
    } else if (value instanceof RawJson j) {
      sb.append(j.text());
    } else {
      sb.append(value);
    }
    blank(sb, r);
  }

  /** A number written exactly as {@code text}. */
  public record RawNumber(String text) {}

  /** Any JSON value written exactly as {@code text}. */
  public record RawJson(String text) {}
}
