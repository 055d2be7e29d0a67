package io.loom.consumer.internal;

import io.loom.mapping.SourceRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A {@link SourceRecord} view of a Kafka {@link ConsumerRecord}, without copying the payload. Design
 * note: the poll loop reuses one instance for every record ({@link #wrap}), since a mapper does not
 * keep the record after {@code map} returns. Not thread-safe.
 */
final class KafkaSourceRecord implements SourceRecord {
  private ConsumerRecord<byte[], byte[]> record;

  KafkaSourceRecord wrap(ConsumerRecord<byte[], byte[]> record) {
    this.record = record;
    return this;
  }

  @Override
  public String topic() {
    return record.topic();
  }

  @Override
  public int partition() {
    return record.partition();
  }

  @Override
  public long offset() {
    return record.offset();
  }

  @Override
  public long timestamp() {
    return record.timestamp() < 0 ? -1L : record.timestamp();
  }

  @Override
  public byte[] key() {
    return record.key();
  }

  @Override
  public byte[] value() {
    return record.value();
  }

  @Override
  public byte[] header(String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : header.value();
  }

  @Override
  public String toString() {
    return record == null ? "KafkaSourceRecord[]" : record.topic() + "[" + record.partition() + "]@" + record.offset();
  }
}
