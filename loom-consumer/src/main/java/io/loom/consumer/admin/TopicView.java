package io.loom.consumer.admin;

import io.loom.mapping.TopicMapping;
import java.util.List;
import java.util.Objects;

/**
 * One mapped topic as {@code /topics} shows it.
 *
 * @param topic the Kafka topic
 * @param table the target table
 * @param upsertKey the key columns; empty means append-only
 * @param conflictStrategy {@code ignore}, {@code update} or {@code replace}
 * @param deadLetterTopic where rejected messages of this topic go
 * @param consuming whether the consumer is subscribed to it right now
 * @param fields the field mappings in column order
 */
public record TopicView(
    String topic,
    String table,
    List<String> upsertKey,
    String conflictStrategy,
    String deadLetterTopic,
    boolean consuming,
    List<FieldView> fields) {

  public TopicView {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(table, "table");
    upsertKey = upsertKey == null ? List.of() : List.copyOf(upsertKey);
    fields = fields == null ? List.of() : List.copyOf(fields);
  }

  /**
   * The view of a mapping.
   *
   * @param deadLetterTopic the dead-letter topic in effect for it (the mapping's own, the pipeline's error
   *     topic or the default suffix)
   * @param consuming whether the consumer is subscribed to the topic
   */
  public static TopicView of(TopicMapping mapping, String deadLetterTopic, boolean consuming) {
    return new TopicView(
        mapping.topic(),
        mapping.table(),
        mapping.upsertKey(),
        mapping.conflictStrategy().configName(),
        deadLetterTopic,
        consuming,
        mapping.fields().stream().map(FieldView::of).toList());
  }
}
