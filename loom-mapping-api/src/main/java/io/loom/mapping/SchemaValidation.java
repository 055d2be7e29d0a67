package io.loom.mapping;

/**
 * Whether messages of a topic are validated against its JSON Schema before they are mapped.
 *
 * @param enabled validate at all
 * @param versionField a top-level message field naming the schema version to use (e.g. {@code
 *     schema_version}), or {@code null} to always use the current version
 * @param versionHeader a Kafka header naming the schema version, or {@code null}
 */
public record SchemaValidation(boolean enabled, String versionField, String versionHeader) {
  /** Validation off. */
  public static final SchemaValidation DISABLED = new SchemaValidation(false, null, null);

  /** Validation against the current schema. */
  public static final SchemaValidation CURRENT = new SchemaValidation(true, null, null);
}
