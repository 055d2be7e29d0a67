package io.loom.mapping;

import io.loom.mapping.internal.CanonicalJson;
import java.util.Objects;

/**
 * A {@code kafka_topic_schemas} row: one version of a topic's JSON Schema.
 *
 * <p>{@code schemaJson} is kept in a canonical form (keys sorted, no insignificant white space) so
 * that a schema read from a file and the same schema read back from a {@code jsonb} column compare
 * equal. Text that is not JSON is kept as it is, and {@link ConfigValidator} reports it.
 *
 * @param version {@code v1}, {@code v2}, ...
 * @param schemaPath the file the schema came from, or {@code null}
 * @param current whether this is the topic's current version (at most one per topic)
 */
public record TopicSchema(String topicName, String version, String schemaJson, String schemaPath, boolean current) {
  public TopicSchema {
    Objects.requireNonNull(topicName, "topicName");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(schemaJson, "schemaJson");
    schemaJson = CanonicalJson.canonicalOrSame(schemaJson);
  }
}
