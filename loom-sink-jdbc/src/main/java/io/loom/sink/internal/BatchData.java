package io.loom.sink.internal;

import io.loom.mapping.RowSink;
import io.loom.sink.SourcePartition;
import io.loom.sink.TableTarget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Design note: the state behind {@code SinkBatch}. One {@link TableBuffer} per distinct target (found
 * by identity first, so a caller that reuses its target instances pays no hashing per message), and
 * per partition the first and last offset seen. The last partition looked up is remembered, since
 * consecutive messages usually share it.
 *
 * <p>{@link #rowCount()} and {@link #byteSize()} are asked once per message, so they are O(1): only the
 * open buffer (the one the last {@code rowsFor} returned) takes rows and bytes, so the totals of all the
 * other buffers are kept in {@code closedRows}/{@code closedBytes}, and the open buffer's own counts are
 * added on reading. When another buffer opens, the one closing adds its counts and the one opening takes
 * its counts back out. A write only reads the buffers (rejected rows are marked in the writer, not
 * removed here), so nothing else changes them between {@code rowsFor} and {@link #clear()}.
 */
public final class BatchData {
  private final List<TableBuffer> tables = new ArrayList<>();
  private final Map<TableTarget, TableBuffer> byIdentity = new IdentityHashMap<>();
  private final Map<TableTarget, TableBuffer> byValue = new HashMap<>();
  private final List<SourcePartition> partitions = new ArrayList<>();
  private final Map<SourcePartition, Integer> partitionIndex = new HashMap<>();
  private long[] firstOffset = new long[16];
  private long[] lastOffset = new long[16];
  private long messages;

  private String lastTopic;
  private int lastPartition = -1;
  private int lastIndex = -1;
  private TableTarget lastTarget;
  private TableBuffer lastBuffer;
  private TableBuffer openBuffer;
  /** The rows of every buffer but {@code openBuffer}. */
  private int closedRows;
  /** The {@link TableBuffer#byteSize()} of every buffer but {@code openBuffer}. */
  private long closedBytes;

  public RowSink rowsFor(TableTarget target, String topic, int partition, long offset) {
    int p = track(topic, partition, offset);
    TableBuffer buffer;
    if (target == lastTarget) {
      buffer = lastBuffer;
    } else {
      buffer = byIdentity.get(target);
      if (buffer == null) {
        buffer = byValue.get(target);
        if (buffer == null) {
          buffer = new TableBuffer(target);
          tables.add(buffer);
          byValue.put(target, buffer);
        }
        byIdentity.put(target, buffer);
      }
      lastTarget = target;
      lastBuffer = buffer;
    }
    if (openBuffer != null && openBuffer != buffer) {
      openBuffer.announce(-1, 0);
    }
    buffer.announce(p, offset);
    if (openBuffer != buffer) {
      open(buffer);
    }
    return buffer;
  }

  public void markProcessed(String topic, int partition, long offset) {
    track(topic, partition, offset);
  }

  private int track(String topic, int partition, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException(topic + "[" + partition + "]: offset " + offset + " is negative");
    }
    int p;
    if (partition == lastPartition && topic.equals(lastTopic)) {
      p = lastIndex;
    } else {
      SourcePartition key = new SourcePartition(topic, partition);
      Integer index = partitionIndex.get(key);
      if (index == null) {
        index = partitions.size();
        partitions.add(key);
        partitionIndex.put(key, index);
        firstOffset = Bytes.ensure(firstOffset, index + 1);
        lastOffset = Bytes.ensure(lastOffset, index + 1);
        firstOffset[index] = offset;
        lastOffset[index] = offset;
      }
      p = index;
      lastTopic = topic;
      lastPartition = partition;
      lastIndex = p;
    }
    if (offset < lastOffset[p]) {
      throw new IllegalArgumentException(partitions.get(p) + ": offset " + offset + " comes after offset "
          + lastOffset[p] + "; offsets within a partition must not decrease");
    }
    lastOffset[p] = offset;
    messages++;
    return p;
  }

  /** Opens {@code buffer}: the closing buffer's counts join the totals, the opening buffer's leave them. */
  private void open(TableBuffer buffer) {
    if (openBuffer != null) {
      closedRows += openBuffer.rowCount;
      closedBytes += openBuffer.byteSize();
    }
    closedRows -= buffer.rowCount;
    closedBytes -= buffer.byteSize();
    openBuffer = buffer;
  }

  public int rowCount() {
    return openBuffer == null ? closedRows : closedRows + openBuffer.rowCount;
  }

  public long messageCount() {
    return messages;
  }

  public long byteSize() {
    long n = openBuffer == null ? closedBytes : closedBytes + openBuffer.byteSize();
    return n + partitions.size() * 64L;
  }

  public Map<SourcePartition, Long> nextOffsets() {
    Map<SourcePartition, Long> result = new LinkedHashMap<>();
    for (int i = 0; i < partitions.size(); i++) {
      result.put(partitions.get(i), lastOffset[i] + 1);
    }
    return Collections.unmodifiableMap(result);
  }

  /** The partitions in the order they were first seen. */
  public List<SourcePartition> partitions() {
    return Collections.unmodifiableList(partitions);
  }

  public long firstOffset(int partition) {
    return firstOffset[partition];
  }

  public long lastOffset(int partition) {
    return lastOffset[partition];
  }

  /** The tables in the order they were first seen. */
  public List<TableBuffer> tables() {
    return Collections.unmodifiableList(tables);
  }

  /** Empties the batch; keeps the buffers of targets that had rows, forgets the others. */
  public void clear() {
    tables.removeIf(t -> t.messageCount == 0);
    byIdentity.values().removeIf(t -> t.messageCount == 0);
    byValue.values().removeIf(t -> t.messageCount == 0);
    for (TableBuffer t : tables) {
      t.clear();
    }
    lastTarget = null;
    lastBuffer = null;
    partitions.clear();
    partitionIndex.clear();
    messages = 0;
    lastTopic = null;
    lastPartition = -1;
    lastIndex = -1;
    openBuffer = null;
    closedRows = 0;
    closedBytes = 0;
  }
}
