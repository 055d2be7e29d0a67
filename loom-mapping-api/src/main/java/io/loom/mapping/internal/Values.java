package io.loom.mapping.internal;

import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.Transformation;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Checks of configuration values against data types (default values). */
public final class Values {
  private Values() {}

  /**
   * Checks that a field's default value can be converted the way the compiled mapper will convert it:
   * decoded first for {@code base64_decode}, then typed.
   *
   * @return {@code null} if it can, otherwise what was expected
   */
  public static String checkDefault(FieldMapping field) {
    if (field.transformation() == Transformation.BASE64_DECODE && field.dataType() == DataType.STRING) {
      char[] chars = field.defaultValue().toCharArray();
      int decoded = Base64Text.decode(chars, 0, chars.length, new byte[Base64Text.maxDecodedLength(chars.length)]);
      return decoded < 0 ? "the column decodes base64 (base64_decode), and this is not base64 text" : null;
    }
    return checkDefault(field.dataType(), field.defaultValue());
  }

  /**
   * Checks that a default value written in configuration can be converted to {@code type}.
   *
   * @return {@code null} if it can, otherwise what was expected
   */
  public static String checkDefault(DataType type, String text) {
    switch (type) {
      case STRING:
        return text.indexOf('\0') >= 0 ? "text must not contain NUL characters" : null;
      case INTEGER:
        try {
          Long.parseLong(text.trim());
          return null;
        } catch (NumberFormatException e) {
          return "expected a whole number between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE;
        }
      case FLOAT:
        try {
          double d = Double.parseDouble(text.trim());
          return Double.isFinite(d) ? null : "expected a finite number";
        } catch (NumberFormatException e) {
          return "expected a number";
        }
      case BOOLEAN:
        return text.trim().equalsIgnoreCase("true") || text.trim().equalsIgnoreCase("false")
            ? null
            : "expected true or false";
      case TIMESTAMP:
        try {
          OffsetDateTime.parse(text.trim());
          return null;
        } catch (DateTimeParseException e) {
          try {
            Long.parseLong(text.trim());
            return null;
          } catch (NumberFormatException e2) {
            return "expected an ISO-8601 timestamp with an offset (2026-01-01T00:00:00Z) or an epoch number";
          }
        }
      case ARRAY:
      case FLOAT_ARRAY:
        try {
          Object parsed = CanonicalJson.parse(text);
          if (!(parsed instanceof List<?> list)) {
            return "expected a JSON array such as [1, 2]";
          }
          if (type == DataType.FLOAT_ARRAY && list.stream().anyMatch(v -> !(v instanceof Number))) {
            return "expected a JSON array of numbers";
          }
          return null;
        } catch (IllegalArgumentException e) {
          return "expected a JSON array: " + e.getMessage();
        }
      case JSON:
        try {
          CanonicalJson.parse(text);
          return null;
        } catch (IllegalArgumentException e) {
          return "expected JSON: " + e.getMessage();
        }
      default:
        throw new AssertionError(type);
    }
  }
}
