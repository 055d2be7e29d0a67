package io.loom.mapping.internal;

import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.TimestampFormat;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Converts a field's configured default value into the typed value its column receives, once, when
 * the mapping is compiled.
 *
 * <p>Design: a default stands in for the field's value, so it goes through the column's conversion:
 * it accepts what {@link Values#checkDefault} accepts (blanks around numbers, {@code TRUE}), and
 * then a {@code base64_decode} default is decoded, a {@code timestamp} default becomes microseconds
 * and a {@code json} default is stored in canonical form. For {@code json_stringify} on a string
 * column, a default that is JSON text is taken as that JSON value, any other text as a JSON string.
 */
final class Defaults {
  private Defaults() {}

  /**
   * Stores the converted default of {@code field} in {@code into}.
   *
   * @return {@code null} if it converted, otherwise what was expected
   */
  static String convert(FieldMapping field, Capture capture, Slots into) {
    String text = field.defaultValue();
    String trimmed = text.trim();
    int col = capture.column;
    switch (capture.kind) {
      case STRING -> {
        String bad = invalidText(text);
        if (bad != null) {
          return bad;
        }
        into.setString(col, text);
      }
      case BASE64 -> {
        char[] chars = text.toCharArray();
        byte[] bytes = new byte[Base64Text.maxDecodedLength(chars.length)];
        int n = Base64Text.decode(chars, 0, chars.length, bytes);
        if (n < 0) {
          return "the column decodes base64 (base64_decode), and this is not base64 text";
        }
        into.setBytes(col, Arrays.copyOf(bytes, n), n);
      }
      case LONG -> {
        try {
          into.setLong(col, Long.parseLong(trimmed));
        } catch (NumberFormatException e) {
          return "expected a whole number between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE;
        }
      }
      case DOUBLE -> {
        try {
          double d = Double.parseDouble(trimmed);
          if (!Double.isFinite(d)) {
            return "expected a finite number";
          }
          into.setDouble(col, d);
        } catch (NumberFormatException e) {
          return "expected a number";
        }
      }
      case BOOLEAN -> {
        if (!trimmed.equalsIgnoreCase("true") && !trimmed.equalsIgnoreCase("false")) {
          return "expected true or false";
        }
        into.setBoolean(col, trimmed.equalsIgnoreCase("true"));
      }
      case TIMESTAMP -> {
        return timestamp(trimmed, capture, into);
      }
      case STRING_ARRAY, DOUBLE_ARRAY -> {
        return array(text, capture, into);
      }
      case JSON -> {
        return json(field, text, col, into);
      }
    }
    return null;
  }

  private static String timestamp(String text, Capture capture, Slots into) {
    String expected = "expected an ISO-8601 timestamp with an offset (2026-01-01T00:00:00Z) or an epoch number";
    long micros;
    try {
      OffsetDateTime parsed = OffsetDateTime.parse(text);
      micros = Math.addExact(Math.multiplyExact(parsed.toEpochSecond(), 1_000_000L), parsed.getNano() / 1000);
    } catch (DateTimeParseException e) {
      long epoch;
      try {
        epoch = Long.parseLong(text);
      } catch (NumberFormatException notNumber) {
        return expected;
      }
      TimestampFormat format = capture.timestampFormat == TimestampFormat.ISO_8601 ? TimestampFormat.AUTO
          : capture.timestampFormat;
      micros = Timestamps.epochMicros(epoch, format);
    } catch (ArithmeticException e) {
      micros = Long.MIN_VALUE;
    }
    if (micros == Long.MIN_VALUE || micros < Timestamps.MIN_MICROS) {
      return "the timestamp is outside the range PostgreSQL stores (4713 BC onwards)";
    }
    into.setTimestamp(capture.column, micros);
    return null;
  }

  private static String array(String text, Capture capture, Slots into) {
    Object parsed;
    try {
      parsed = CanonicalJson.parse(text);
    } catch (IllegalArgumentException e) {
      return "expected a JSON array: " + e.getMessage();
    }
    if (!(parsed instanceof List<?> list)) {
      return "expected a JSON array such as [1, 2]";
    }
    if (capture.kind == Capture.Kind.DOUBLE_ARRAY) {
      double[] values = new double[list.size()];
      for (int i = 0; i < values.length; i++) {
        if (!(list.get(i) instanceof BigDecimal number)) {
          return "expected a JSON array of numbers";
        }
        values[i] = number.doubleValue();
        if (!Double.isFinite(values[i])) {
          return "element " + i + " is outside the double-precision range";
        }
      }
      into.tag[capture.column] = Slots.DOUBLE_ARRAY;
      into.ref[capture.column] = values;
      into.len[capture.column] = values.length;
      return null;
    }
    String[] values = new String[list.size()];
    for (int i = 0; i < values.length; i++) {
      Object element = list.get(i);
      if (element instanceof Map || element instanceof List) {
        return "expected a JSON array of strings, numbers or booleans";
      }
      values[i] = element == null ? null : element.toString();
      if (values[i] != null && invalidText(values[i]) != null) {
        return "element " + i + ": " + invalidText(values[i]);
      }
    }
    into.tag[capture.column] = Slots.STRING_ARRAY;
    into.ref[capture.column] = values;
    into.len[capture.column] = values.length;
    return null;
  }

  private static String json(FieldMapping field, String text, int col, Slots into) {
    Object parsed;
    try {
      parsed = CanonicalJson.parse(text);
    } catch (IllegalArgumentException e) {
      if (field.dataType() == DataType.JSON) {
        return "expected JSON: " + e.getMessage();
      }
      String bad = invalidText(text);
      if (bad != null) {
        return bad;
      }
      into.setJson(col, JsonText.quote(text));
      return null;
    }
    String bad = invalidStrings(parsed);
    if (bad != null) {
      return bad;
    }
    into.setJson(col, CanonicalJson.write(parsed));
    return null;
  }

  private static String invalidText(String text) {
    int bad = JsonText.findInvalidChar(text);
    return bad < 0 ? null : JsonText.describeInvalidChar(text.charAt(bad));
  }

  /** The first problem of any key or string inside a parsed JSON value (iterative: any depth). */
  private static String invalidStrings(Object parsed) {
    Deque<Object> pending = new ArrayDeque<>();
    if (parsed != null) {
      pending.push(parsed);
    }
    while (!pending.isEmpty()) {
      Object value = pending.pop();
      if (value instanceof String s) {
        String bad = invalidText(s);
        if (bad != null) {
          return bad;
        }
      } else if (value instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          pending.push(String.valueOf(e.getKey()));
          if (e.getValue() != null) {
            pending.push(e.getValue());
          }
        }
      } else if (value instanceof List<?> list) {
        for (Object item : list) {
          if (item != null) {
            pending.push(item);
          }
        }
      }
    }
    return null;
  }
}
