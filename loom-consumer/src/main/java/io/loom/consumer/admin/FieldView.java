package io.loom.consumer.admin;

import io.loom.mapping.FieldMapping;

/**
 * One field mapping as {@code /topics} shows it, with the names of the {@code topic_field_mappings}
 * columns.
 *
 * @param sourceFieldPath the path into the message
 * @param targetColumn the column
 * @param dataType the configuration name of the type: {@code string}, {@code float_array}, ...
 * @param transformation the configuration name of the transformation, or {@code null}
 * @param isRequired whether a message without the field is rejected
 * @param defaultValue the default as configuration text, or {@code null}
 */
public record FieldView(
    String sourceFieldPath,
    String targetColumn,
    String dataType,
    String transformation,
    boolean isRequired,
    String defaultValue) {

  /** The view of a field mapping. */
  public static FieldView of(FieldMapping field) {
    return new FieldView(
        field.sourcePath(),
        field.targetColumn(),
        field.dataType().configName(),
        field.transformation() == null ? null : field.transformation().configName(),
        field.required(),
        field.defaultValue());
  }
}
