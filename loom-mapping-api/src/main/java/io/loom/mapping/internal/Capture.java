package io.loom.mapping.internal;

import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.TimestampFormat;
import io.loom.mapping.Transformation;

/**
 * One column of a compiled mapping: where its value comes from and how it is converted.
 *
 * <p>Design: the data type and transformation collapse into one {@link Kind}, the conversion the hot
 * path switches on; {@code element} says whether the value belongs to the exploded array element
 * ({@code [*]} paths) or to the whole message. The texts used in error messages are built here, once.
 */
final class Capture {
  /** The conversion applied, one per {@link io.loom.mapping.Column.ValueKind}. */
  enum Kind {
    STRING,
    BASE64,
    LONG,
    DOUBLE,
    BOOLEAN,
    TIMESTAMP,
    STRING_ARRAY,
    DOUBLE_ARRAY,
    JSON
  }

  final int column;
  final Kind kind;
  final TimestampFormat timestampFormat;
  final boolean element;
  final boolean required;
  /** The configured source path, e.g. {@code data.items[*].x} or {@code $kafka.key}. */
  final String sourcePath;
  /** Kafka metadata read by this column, or {@code null} for a JSON path. */
  final FieldPath.Metadata metadata;
  final String headerName;
  /** {@code integer column battery_level}, for error messages. */
  final String label;

  Capture(int column, FieldMapping field, FieldPath path, Kind kind) {
    this.column = column;
    this.kind = kind;
    this.timestampFormat = field.effectiveTimestampFormat();
    this.element = path.wildcardPosition() >= 0;
    this.required = field.required();
    this.sourcePath = field.sourcePath();
    this.metadata = path.metadata();
    this.headerName = path.headerName();
    String base = field.dataType().configName() + " column " + field.targetColumn();
    this.label = field.transformation() == null ? base : base + " (" + field.transformation().configName() + ")";
  }

  /**
   * The conversion for a data type and transformation, or {@code null} if the transformation cannot
   * produce the type.
   */
  static Kind kindOf(DataType type, Transformation transformation) {
    if (transformation != null) {
      return switch (transformation) {
        case BASE64_DECODE -> type == DataType.STRING ? Kind.BASE64 : null;
        case TIMESTAMP_PARSE -> type == DataType.TIMESTAMP ? Kind.TIMESTAMP : null;
        case JSON_STRINGIFY -> type == DataType.STRING || type == DataType.JSON ? Kind.JSON : null;
      };
    }
    return switch (type) {
      case STRING -> Kind.STRING;
      case INTEGER -> Kind.LONG;
      case FLOAT -> Kind.DOUBLE;
      case BOOLEAN -> Kind.BOOLEAN;
      case TIMESTAMP -> Kind.TIMESTAMP;
      case ARRAY -> Kind.STRING_ARRAY;
      case FLOAT_ARRAY -> Kind.DOUBLE_ARRAY;
      case JSON -> Kind.JSON;
    };
  }

  boolean collectsArray() {
    return kind == Kind.STRING_ARRAY || kind == Kind.DOUBLE_ARRAY;
  }

  /** What a value of the wrong JSON type should have been. */
  String expected() {
    return switch (kind) {
      case STRING -> "expected a string, number or boolean for " + label
          + "; objects and arrays need data_type json or transformation json_stringify";
      case BASE64 -> "expected base64 text for " + label;
      case LONG -> "expected a whole number for " + label;
      case DOUBLE -> "expected a number for " + label;
      case BOOLEAN -> "expected true or false for " + label;
      case TIMESTAMP -> switch (timestampFormat) {
        case ISO_8601 -> "expected ISO-8601 text with an offset for " + label + " (timestamp_format iso_8601)";
        case EPOCH_SECONDS, EPOCH_MILLIS, EPOCH_MICROS -> "expected a number of " + unit() + " since 1970 for "
            + label + " (timestamp_format " + timestampFormat.configName() + ")";
        case AUTO -> "expected ISO-8601 text with an offset or an epoch number for " + label;
      };
      case STRING_ARRAY -> "expected an array of strings, numbers or booleans for " + label;
      case DOUBLE_ARRAY -> "expected an array of numbers for " + label;
      case JSON -> "expected a JSON value for " + label;
    };
  }

  private String unit() {
    return switch (timestampFormat) {
      case EPOCH_SECONDS -> "seconds";
      case EPOCH_MILLIS -> "milliseconds";
      default -> "microseconds";
    };
  }
}
