package io.loom.consumer.admin;

import java.util.Objects;

/**
 * One assigned topic-partition as {@code /status} shows it. Offsets that are not known yet are {@code null}.
 *
 * @param topic the topic
 * @param partition the partition number
 * @param position the offset of the next record the consumer will read
 * @param committedOffset the offset stored in the database with the rows (the next offset to read after a restart)
 * @param endOffset the partition's log end offset, as last seen
 * @param lag records not yet stored in the database: {@code endOffset - committedOffset}
 */
public record PartitionView(
    String topic, int partition, Long position, Long committedOffset, Long endOffset, Long lag) {
  public PartitionView {
    Objects.requireNonNull(topic, "topic");
  }
}
