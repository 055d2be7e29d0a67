package io.loom.mapping.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonTokenId;
import com.fasterxml.jackson.core.io.NumberInput;
import io.loom.mapping.MappingError.Kind;
import io.loom.mapping.TimestampFormat;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * The conversions of {@link CompiledRecordMapper}: one JSON scalar (or Kafka metadata value) into one
 * typed slot, by the coercion rules listed on {@link CompiledRecordMapper}.
 *
 * <p>Design: text is read from the parser's own character buffer ({@code getTextCharacters}), so that
 * numbers, booleans, timestamps and base64 in strings are converted without creating a
 * {@code String}; text for a string column is copied into the column's reusable {@code char[]} and
 * handed to the sink as characters, so it makes none either. Failures throw a {@link Rejection}
 * naming the path at the walk's cursor.
 */
final class Conversions {
  private static final int PREVIEW_BYTES = 160;

  private Conversions() {}

  /** Converts the scalar at the parser's current token ({@code t} is not a structure start or null). */
  static void scalar(JsonParser p, JsonToken t, Capture c, Slots out, Scratch s) throws IOException {
    switch (t.id()) {
      case JsonTokenId.ID_STRING -> text(c, out, s, p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), p, null);
      case JsonTokenId.ID_NUMBER_INT -> wholeNumber(p, c, out, s);
      case JsonTokenId.ID_NUMBER_FLOAT -> fractionalNumber(p, c, out, s);
      case JsonTokenId.ID_TRUE -> bool(c, out, s, true);
      case JsonTokenId.ID_FALSE -> bool(c, out, s, false);
      default -> throw new IllegalStateException("unexpected token " + t + " for a scalar");
    }
  }

  /**
   * Converts text: a JSON string (from the parser, {@code str} null) or metadata text ({@code str}
   * given, {@code p} null).
   */
  static void text(Capture c, Slots out, Scratch s, char[] buf, int off, int len, JsonParser p, String str)
      throws IOException {
    int col = c.column;
    switch (c.kind) {
      case STRING -> {
        checkText(c, s, buf, off, len);
        if (str != null) {
          out.setString(col, str);
        } else {
          out.setChars(col, buf, off, len);
        }
      }
      case JSON -> {
        checkText(c, s, buf, off, len);
        StringBuilder sb = s.text;
        sb.setLength(0);
        JsonText.appendQuoted(sb, buf, off, len);
        out.setJson(col, sb.toString());
      }
      case BASE64 -> {
        byte[] bytes = out.bytes(col, Base64Text.maxDecodedLength(len));
        int n = Base64Text.decode(buf, off, len, bytes);
        if (n < 0) {
          int at = -n - 1;
          String why = at < len
              ? "character '" + buf[off + at] + "' at position " + at + " is not base64"
              : "base64 text of length " + len + " stops in the middle of a 4-character group";
          throw new Rejection(Kind.INVALID_BASE64, s.path(c.sourcePath), new String(buf, off, len),
              why + "; expected base64 (A-Z a-z 0-9 + / or - _, optional = padding) for " + c.label);
        }
        out.setBytes(col, bytes, n);
      }
      case LONG -> {
        int kind = Numbers.classify(buf, off, len);
        if (kind == Numbers.WHOLE) {
          if (!Numbers.fitsLong(buf, off, len)) {
            throw longRange(c, s, new String(buf, off, len));
          }
          out.setLong(col, Numbers.parseLong(buf, off, len));
        } else if (kind == Numbers.DECIMAL) {
          exactLong(c, out, s, new BigDecimal(buf, off, len), buf, off, len);
        } else {
          throw wrongType(c, s, new String(buf, off, len));
        }
      }
      case DOUBLE -> {
        if (Numbers.classify(buf, off, len) == Numbers.NOT_A_NUMBER) {
          if (isNonFinite(buf, off, len)) {
            throw new Rejection(Kind.OUT_OF_RANGE, s.path(c.sourcePath), new String(buf, off, len),
                "expected a finite number for " + c.label);
          }
          throw wrongType(c, s, new String(buf, off, len));
        }
        setFinite(c, out, s, NumberInput.parseDouble(buf, off, len, true), buf, off, len);
      }
      case BOOLEAN -> {
        if (equals(buf, off, len, "true")) {
          out.setBoolean(col, true);
        } else if (equals(buf, off, len, "false")) {
          out.setBoolean(col, false);
        } else {
          throw wrongType(c, s, new String(buf, off, len));
        }
      }
      case TIMESTAMP -> timestampText(c, out, s, buf, off, len);
      case STRING_ARRAY, DOUBLE_ARRAY -> throw wrongType(c, s, new String(buf, off, len));
    }
  }

  private static void timestampText(Capture c, Slots out, Scratch s, char[] buf, int off, int len) {
    TimestampFormat format = c.timestampFormat;
    // ISO text has '-' after the year; no number does, so AUTO skips the number check for it.
    boolean looksIso = len > 10 && buf[off + 4] == '-';
    if (format != TimestampFormat.ISO_8601 && !(looksIso && format == TimestampFormat.AUTO)) {
      int kind = Numbers.classify(buf, off, len);
      if (kind == Numbers.WHOLE) {
        long micros = Numbers.fitsLong(buf, off, len)
            ? Timestamps.epochMicros(Numbers.parseLong(buf, off, len), format) : Long.MIN_VALUE;
        out.setTimestamp(c.column, checkEpoch(c, s, micros, buf, off, len));
        return;
      }
      if (kind == Numbers.DECIMAL) {
        long micros = Timestamps.epochMicros(new BigDecimal(buf, off, len), format);
        out.setTimestamp(c.column, checkEpoch(c, s, micros, buf, off, len));
        return;
      }
      if (format != TimestampFormat.AUTO) {
        throw new Rejection(Kind.INVALID_TIMESTAMP, s.path(c.sourcePath), new String(buf, off, len), c.expected());
      }
    }
    try {
      out.setTimestamp(c.column, Timestamps.parseIso(buf, off, len));
    } catch (Timestamps.InvalidTimestamp e) {
      throw new Rejection(Kind.INVALID_TIMESTAMP, s.path(c.sourcePath), new String(buf, off, len),
          e.getMessage() + "; " + c.expected());
    }
  }

  private static long checkEpoch(Capture c, Scratch s, long micros, char[] buf, int off, int len) {
    if (micros == Long.MIN_VALUE) {
      throw epochRange(c, s, new String(buf, off, len));
    }
    return micros;
  }

  private static Rejection epochRange(Capture c, Scratch s, String value) {
    return new Rejection(Kind.OUT_OF_RANGE, s.path(c.sourcePath), value,
        "epoch value outside the range of timestamps (4713 BC onwards, 64-bit microseconds) for " + c.label);
  }

  /** Converts a whole-number value given as a {@code long} (a JSON integer or Kafka metadata). */
  static void longValue(Capture c, Slots out, Scratch s, long v, String jsonText) {
    int col = c.column;
    switch (c.kind) {
      case LONG -> out.setLong(col, v);
      case DOUBLE -> out.setDouble(col, v);
      case STRING -> out.setString(col, jsonText != null ? jsonText : Long.toString(v));
      case JSON -> out.setJson(col, jsonText != null ? jsonText : Long.toString(v));
      case TIMESTAMP -> {
        if (c.timestampFormat == TimestampFormat.ISO_8601) {
          throw wrongType(c, s, Long.toString(v));
        }
        long micros = Timestamps.epochMicros(v, c.timestampFormat);
        if (micros == Long.MIN_VALUE) {
          throw epochRange(c, s, Long.toString(v));
        }
        out.setTimestamp(col, micros);
      }
      default -> throw wrongType(c, s, jsonText != null ? jsonText : Long.toString(v));
    }
  }

  private static void wholeNumber(JsonParser p, Capture c, Slots out, Scratch s) throws IOException {
    switch (c.kind) {
      case LONG, TIMESTAMP -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw c.kind == Capture.Kind.LONG ? longRange(c, s, p.getText()) : epochRange(c, s, p.getText());
        }
        longValue(c, out, s, p.getLongValue(), null);
      }
      case DOUBLE -> {
        double d = p.getDoubleValue();
        if (Double.isInfinite(d)) {
          throw doubleRange(c, s, p.getText());
        }
        out.setDouble(c.column, d);
      }
      case STRING -> out.setString(c.column, p.getText());
      case JSON -> out.setJson(c.column, p.getText());
      default -> throw wrongType(c, s, p.getText());
    }
  }

  private static void fractionalNumber(JsonParser p, Capture c, Slots out, Scratch s) throws IOException {
    switch (c.kind) {
      case DOUBLE -> {
        double d = p.getDoubleValue();
        if (Double.isInfinite(d)) {
          throw doubleRange(c, s, p.getText());
        }
        out.setDouble(c.column, d);
      }
      case LONG -> {
        char[] buf = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        exactLong(c, out, s, decimal(p, c, s), buf, off, len);
      }
      case TIMESTAMP -> {
        if (c.timestampFormat == TimestampFormat.ISO_8601) {
          throw wrongType(c, s, p.getText());
        }
        long micros = Timestamps.epochMicros(decimal(p, c, s), c.timestampFormat);
        if (micros == Long.MIN_VALUE) {
          throw epochRange(c, s, p.getText());
        }
        out.setTimestamp(c.column, micros);
      }
      case STRING -> out.setString(c.column, p.getText());
      case JSON -> out.setJson(c.column, p.getText());
      default -> throw wrongType(c, s, p.getText());
    }
  }

  private static BigDecimal decimal(JsonParser p, Capture c, Scratch s) throws IOException {
    try {
      return p.getDecimalValue();
    } catch (JsonProcessingException | NumberFormatException | ArithmeticException e) {
      // An exponent beyond what BigDecimal holds (1e9999999999).
      throw new Rejection(Kind.OUT_OF_RANGE, s.path(c.sourcePath), p.getText(), "number out of range for " + c.label);
    }
  }

  private static void exactLong(Capture c, Slots out, Scratch s, BigDecimal value, char[] buf, int off, int len) {
    switch (Numbers.checkWhole(value)) {
      case Numbers.FITS -> out.setLong(c.column, value.longValue());
      case Numbers.TOO_LARGE -> throw longRange(c, s, new String(buf, off, len));
      default -> throw wrongType(c, s, new String(buf, off, len));
    }
  }

  static void bool(Capture c, Slots out, Scratch s, boolean v) {
    switch (c.kind) {
      case BOOLEAN -> out.setBoolean(c.column, v);
      case STRING -> out.setString(c.column, v ? "true" : "false");
      case JSON -> out.setJson(c.column, v ? "true" : "false");
      default -> throw wrongType(c, s, v ? "true" : "false");
    }
  }

  /** Adds one element of an array to an {@code array}/{@code float_array} column. */
  static void element(JsonParser p, JsonToken t, Capture c, Slots out, Scratch s, int index) throws IOException {
    int col = c.column;
    if (c.kind == Capture.Kind.STRING_ARRAY) {
      switch (t.id()) {
        case JsonTokenId.ID_STRING -> {
          checkElementText(c, s, index, p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
          out.addString(col, p.getText());
        }
        case JsonTokenId.ID_NUMBER_INT, JsonTokenId.ID_NUMBER_FLOAT -> out.addString(col, p.getText());
        case JsonTokenId.ID_TRUE -> out.addString(col, "true");
        case JsonTokenId.ID_FALSE -> out.addString(col, "false");
        case JsonTokenId.ID_NULL -> out.addString(col, null);
        default -> throw new Rejection(Kind.WRONG_TYPE, elementPath(c, s, index), offending(p, t, s), c.expected());
      }
      return;
    }
    switch (t.id()) {
      case JsonTokenId.ID_NUMBER_INT, JsonTokenId.ID_NUMBER_FLOAT -> {
        double d = p.getDoubleValue();
        if (Double.isInfinite(d)) {
          throw new Rejection(Kind.OUT_OF_RANGE, elementPath(c, s, index), p.getText(),
              "number outside the double-precision range for " + c.label);
        }
        out.addDouble(col, d);
      }
      case JsonTokenId.ID_STRING -> {
        char[] buf = p.getTextCharacters();
        int off = p.getTextOffset();
        int len = p.getTextLength();
        if (Numbers.classify(buf, off, len) == Numbers.NOT_A_NUMBER) {
          throw new Rejection(Kind.WRONG_TYPE, elementPath(c, s, index), p.getText(), c.expected());
        }
        double d = NumberInput.parseDouble(buf, off, len, true);
        if (Double.isInfinite(d)) {
          throw new Rejection(Kind.OUT_OF_RANGE, elementPath(c, s, index), p.getText(),
              "number outside the double-precision range for " + c.label);
        }
        out.addDouble(col, d);
      }
      default -> throw new Rejection(Kind.WRONG_TYPE, elementPath(c, s, index), offending(p, t, s), c.expected());
    }
  }

  private static String elementPath(Capture c, Scratch s, int index) {
    String base = s.path(c.sourcePath);
    return (base == null ? "" : base) + "[" + index + "]";
  }

  private static void checkText(Capture c, Scratch s, char[] buf, int off, int len) {
    int bad = JsonText.findInvalidChar(buf, off, len);
    if (bad >= 0) {
      throw new Rejection(Kind.INVALID_TEXT, s.path(c.sourcePath), new String(buf, off, len),
          JsonText.describeInvalidChar(buf[off + bad]) + " (" + c.label + ")");
    }
  }

  private static void checkElementText(Capture c, Scratch s, int index, char[] buf, int off, int len) {
    int bad = JsonText.findInvalidChar(buf, off, len);
    if (bad >= 0) {
      throw new Rejection(Kind.INVALID_TEXT, elementPath(c, s, index), new String(buf, off, len),
          JsonText.describeInvalidChar(buf[off + bad]) + " (" + c.label + ")");
    }
  }

  private static void setFinite(Capture c, Slots out, Scratch s, double d, char[] buf, int off, int len) {
    if (Double.isInfinite(d) || Double.isNaN(d)) {
      throw doubleRange(c, s, new String(buf, off, len));
    }
    out.setDouble(c.column, d);
  }

  private static boolean isNonFinite(char[] buf, int off, int len) {
    return equals(buf, off, len, "NaN") || equals(buf, off, len, "Infinity") || equals(buf, off, len, "-Infinity")
        || equals(buf, off, len, "+Infinity");
  }

  private static boolean equals(char[] buf, int off, int len, String word) {
    if (len != word.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (buf[off + i] != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static Rejection wrongType(Capture c, Scratch s, String value) {
    return new Rejection(Kind.WRONG_TYPE, s.path(c.sourcePath), value, c.expected());
  }

  private static Rejection longRange(Capture c, Scratch s, String value) {
    return new Rejection(Kind.OUT_OF_RANGE, s.path(c.sourcePath), value,
        "whole number outside the 64-bit integer range for " + c.label);
  }

  private static Rejection doubleRange(Capture c, Scratch s, String value) {
    return new Rejection(Kind.OUT_OF_RANGE, s.path(c.sourcePath), value,
        "number outside the double-precision range for " + c.label);
  }

  /**
   * The value at the current token for an error message: a scalar's text, or a structure's compact
   * JSON (the parser then stands on its end).
   */
  static String offending(JsonParser p, JsonToken t, Scratch s) throws IOException {
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      int start = CompiledRecordMapper.tokenStart(p, s);
      p.skipChildren();
      int end = CompiledRecordMapper.tokenStart(p, s) + 1;
      return JsonText.preview(s.doc, start, end, PREVIEW_BYTES);
    }
    return p.getText();
  }
}
