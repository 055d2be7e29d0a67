package io.loom.sink;

import java.util.List;
import java.util.Map;

/**
 * What one committed {@link JdbcSink#write} stored.
 *
 * @param rowsWritten per table, the rows PostgreSQL inserted or updated (rows skipped by {@code
 *     ignore}, stored rows that {@code update} or {@code replace} left alone because they already held
 *     identical values, and rows superseded by another row with the same key in the same batch are not
 *     counted); tables in the order they first appeared in the batch
 * @param rejected the rejected messages in batch order; their offsets were committed too
 * @param offsets the next offset stored for every partition of the batch
 * @param attempts how many transactions it took (1 unless infrastructure failures were retried)
 */
public record WriteResult(
    Map<String, Long> rowsWritten, List<RejectedRow> rejected, Map<SourcePartition, Long> offsets, int attempts) {

  public WriteResult {
    rowsWritten = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rowsWritten));
    rejected = List.copyOf(rejected);
    offsets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(offsets));
  }

  /** The result of writing an empty batch. */
  public static WriteResult empty() {
    return new WriteResult(Map.of(), List.of(), Map.of(), 0);
  }

  /** The rows written to all tables. */
  public long totalRowsWritten() {
    return rowsWritten.values().stream().mapToLong(Long::longValue).sum();
  }
}
