package io.loom.benchmarks.e2e;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka consumer interceptor that notes, per consumer group, when the first poll returned records:
 * the start of a measured run, taken the same way for Loom and for the hand-written pipeline without
 * touching either. Configured through {@code interceptor.classes}; Kafka instantiates it. Thread-safe.
 */
public final class FirstPollInterceptor implements ConsumerInterceptor<byte[], byte[]> {
  private static final Map<String, Long> FIRST_POLL = new ConcurrentHashMap<>();
  private String group = "";

  /** {@link System#nanoTime()} of the group's first poll that returned records, or null if none yet. */
  static Long firstPollNanos(String group) {
    return FIRST_POLL.get(group);
  }

  @Override
  public void configure(Map<String, ?> configs) {
    Object id = configs.get(ConsumerConfig.GROUP_ID_CONFIG);
    group = id == null ? "" : id.toString();
  }

  @Override
  public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
    if (!records.isEmpty()) {
      FIRST_POLL.putIfAbsent(group, System.nanoTime());
    }
    return records;
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

  @Override
  public void close() {}
}
