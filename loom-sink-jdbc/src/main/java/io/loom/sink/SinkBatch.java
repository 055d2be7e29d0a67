package io.loom.sink;

import io.loom.mapping.RowSink;
import io.loom.sink.internal.BatchData;
import java.util.Map;

/**
 * The rows and offsets of one write, collected in memory for any number of tables and partitions.
 * Values are encoded into compact byte buffers as they arrive; no object is kept per row.
 *
 * <pre>{@code
 * SinkBatch batch = sink.newBatch();
 * for (SourceRecord record : polled) {
 *   RowSink rows = batch.rowsFor(target, record.topic(), record.partition(), record.offset());
 *   MappingError error = mapper.map(record, rows);      // 0..n rows
 *   if (error != null) deadLetters.add(record, error);   // the offset still advances
 *   if (batch.byteSize() > limit) break;
 * }
 * WriteResult result = sink.write(batch, group, rejects -> deadLetters.publish(rejects));
 * batch.clear();
 * }</pre>
 *
 * <p>Each message is announced once with {@link #rowsFor} (which also advances its partition's
 * offset) or, when it produces no row for any table, with {@link #markProcessed}. The {@link RowSink}
 * returned by {@code rowsFor} is valid until the next call on this batch. Within one partition offsets
 * must not decrease. A batch may be written again after a failed write (it is not changed by {@link
 * JdbcSink#write}); {@link #clear()} empties it and keeps its buffers for reuse.
 *
 * <p>Not thread-safe: one thread fills a batch, then hands it to {@code write}.
 */
public final class SinkBatch {
  private final BatchData data = new BatchData();

  SinkBatch() {}

  /**
   * The sink for the rows that the message at {@code topic/partition/offset} produces for {@code
   * target}; marks the message as processed.
   *
   * @throws IllegalArgumentException if {@code offset} is below an offset already seen on the partition
   * @throws IllegalStateException if the previous message's last row was not ended
   */
  public RowSink rowsFor(TableTarget target, String topic, int partition, long offset) {
    return data.rowsFor(target, topic, partition, offset);
  }

  /**
   * Records a message that produced no row (filtered out or dead-lettered by the caller): its
   * partition's next stored offset moves past it.
   */
  public void markProcessed(String topic, int partition, long offset) {
    data.markProcessed(topic, partition, offset);
  }

  /** The rows collected so far, over all tables. */
  public int rowCount() {
    return data.rowCount();
  }

  /** The messages announced so far (with or without rows). */
  public long messageCount() {
    return data.messageCount();
  }

  /** About how many bytes of heap the collected rows take: use it to flush at a memory limit. */
  public long byteSize() {
    return data.byteSize();
  }

  /** True when no message was announced. */
  public boolean isEmpty() {
    return data.messageCount() == 0;
  }

  /** The offset that {@code write} will store for each partition: the highest offset seen plus one. */
  public Map<SourcePartition, Long> nextOffsets() {
    return data.nextOffsets();
  }

  /** Empties the batch, keeping its buffers. */
  public void clear() {
    data.clear();
  }

  BatchData data() {
    return data;
  }
}
