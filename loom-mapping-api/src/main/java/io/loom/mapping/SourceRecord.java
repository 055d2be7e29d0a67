package io.loom.mapping;

/**
 * The message a {@link RecordMapper} reads: its value and the Kafka metadata a mapping may copy into
 * columns. The consumer adapts Kafka's {@code ConsumerRecord} to it without copying the payload.
 */
public interface SourceRecord {
  String topic();

  int partition();

  long offset();

  /** The record timestamp in epoch milliseconds, or -1 if it has none. */
  long timestamp();

  /** The key bytes, or {@code null}. */
  byte[] key();

  /** The value bytes (the JSON document), or {@code null} for a tombstone. */
  byte[] value();

  /** The value of the last header with this name, or {@code null}. */
  byte[] header(String name);

  /** A record with no headers, for tests and tools. */
  static SourceRecord of(String topic, int partition, long offset, byte[] key, byte[] value) {
    return new SimpleSourceRecord(topic, partition, offset, -1L, key, value, java.util.Map.of());
  }
}
