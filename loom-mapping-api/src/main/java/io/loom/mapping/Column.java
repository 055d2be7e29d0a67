package io.loom.mapping;

/**
 * A target column of a compiled mapping, at its position in the row.
 *
 * @param index the position in the row (0-based), as passed to {@link RowSink}
 * @param name the column name (validated, unquoted)
 * @param dataType the mapped type
 * @param transformation the transformation, or {@code null}
 */
public record Column(int index, String name, DataType dataType, Transformation transformation) {

  /**
   * The kind of value a {@link RowSink} receives for this column: the data type, except that
   * {@code base64_decode} gives bytes and {@code json_stringify} gives JSON text.
   */
  public ValueKind valueKind() {
    if (transformation == Transformation.BASE64_DECODE) {
      return ValueKind.BYTES;
    }
    if (transformation == Transformation.JSON_STRINGIFY) {
      return ValueKind.JSON;
    }
    return switch (dataType) {
      case STRING -> ValueKind.STRING;
      case INTEGER -> ValueKind.LONG;
      case FLOAT -> ValueKind.DOUBLE;
      case BOOLEAN -> ValueKind.BOOLEAN;
      case TIMESTAMP -> ValueKind.TIMESTAMP;
      case ARRAY -> ValueKind.STRING_ARRAY;
      case FLOAT_ARRAY -> ValueKind.DOUBLE_ARRAY;
      case JSON -> ValueKind.JSON;
    };
  }

  /** Which {@link RowSink} method carries the column's non-null values. */
  public enum ValueKind {
    STRING,
    LONG,
    DOUBLE,
    BOOLEAN,
    TIMESTAMP,
    BYTES,
    JSON,
    STRING_ARRAY,
    DOUBLE_ARRAY
  }
}
