package io.loom.sink;

import java.util.Objects;

/**
 * A Kafka topic partition, as far as the sink knows it: the key of stored offsets.
 *
 * @param topic the topic name
 * @param partition the partition number (0 or more)
 */
public record SourcePartition(String topic, int partition) implements Comparable<SourcePartition> {
  public SourcePartition {
    Objects.requireNonNull(topic, "topic");
    if (partition < 0) {
      throw new IllegalArgumentException("partition of topic '" + topic + "' is " + partition + "; expected 0 or more");
    }
  }

  @Override
  public int compareTo(SourcePartition other) {
    int byTopic = topic.compareTo(other.topic);
    return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
  }

  /** {@code topic[partition]}. */
  @Override
  public String toString() {
    return topic + "[" + partition + "]";
  }
}
