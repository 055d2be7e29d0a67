package io.loom.mapping;

import java.util.Objects;

/**
 * One JSON field -> one column ({@code topic_field_mappings} row).
 *
 * <p>{@code sourcePath} is a dotted path into the message: {@code data.latitude}, an array element
 * {@code data.items[0].x}, every element of an array {@code data.items[*].x} (the message then
 * explodes into one row per element), or Kafka metadata: {@code $kafka.topic}, {@code
 * $kafka.partition}, {@code $kafka.offset}, {@code $kafka.key}, {@code $kafka.timestamp}, {@code
 * $kafka.header.<name>}.
 *
 * <p>The constructor checks only that the mandatory parts are present; the rules between fields
 * (known identifiers, unique columns, parseable defaults) are checked by {@link ConfigValidator}, which
 * reports every problem at once.
 *
 * @param sourcePath where the value is read from
 * @param targetColumn the column it is written to
 * @param dataType the type the value is converted to
 * @param transformation an optional conversion applied first, or {@code null}
 * @param required whether a message without this field is rejected
 * @param defaultValue the value used when the field is absent or null, as configuration text, or
 *     {@code null} for SQL NULL
 * @param timestampFormat how a timestamp is read, or {@code null} for {@link TimestampFormat#AUTO}
 */
public record FieldMapping(
    String sourcePath,
    String targetColumn,
    DataType dataType,
    Transformation transformation,
    boolean required,
    String defaultValue,
    TimestampFormat timestampFormat) {

  public FieldMapping {
    Objects.requireNonNull(sourcePath, "sourcePath");
    Objects.requireNonNull(targetColumn, "targetColumn");
    Objects.requireNonNull(dataType, "dataType");
  }

  /** A plain mapping: no transformation, optional, no default. */
  public static FieldMapping of(String sourcePath, String targetColumn, DataType dataType) {
    return new FieldMapping(sourcePath, targetColumn, dataType, null, false, null, null);
  }

  public FieldMapping withRequired(boolean required) {
    return new FieldMapping(sourcePath, targetColumn, dataType, transformation, required, defaultValue, timestampFormat);
  }

  public FieldMapping withTransformation(Transformation transformation) {
    return new FieldMapping(sourcePath, targetColumn, dataType, transformation, required, defaultValue, timestampFormat);
  }

  public FieldMapping withDefaultValue(String defaultValue) {
    return new FieldMapping(sourcePath, targetColumn, dataType, transformation, required, defaultValue, timestampFormat);
  }

  public FieldMapping withTimestampFormat(TimestampFormat timestampFormat) {
    return new FieldMapping(sourcePath, targetColumn, dataType, transformation, required, defaultValue, timestampFormat);
  }

  /** The effective timestamp format ({@link TimestampFormat#AUTO} when none is set). */
  public TimestampFormat effectiveTimestampFormat() {
    return timestampFormat == null ? TimestampFormat.AUTO : timestampFormat;
  }
}
