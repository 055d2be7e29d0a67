package io.loom.sink;

import java.util.Objects;

/**
 * A message whose rows PostgreSQL (or the sink's own type encoding) refused. One entry per message:
 * when a message produced several rows, none of them is written and the entry names the first
 * failure. The message's offset is still committed with the batch, so the caller must dead-letter it
 * (see {@link RejectHandler}).
 *
 * @param topic the message's topic
 * @param partition its partition
 * @param offset its offset
 * @param table the table its rows were meant for
 * @param sqlState the SQLSTATE of the failure ({@code 23502}, {@code 22003}, ...); the sink's own
 *     encoding checks use the code PostgreSQL would have used
 * @param message what was wrong, naming the column where it is known
 */
public record RejectedRow(String topic, int partition, long offset, String table, String sqlState, String message) {
  public RejectedRow {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(sqlState, "sqlState");
    Objects.requireNonNull(message, "message");
  }

  /** The message's partition. */
  public SourcePartition sourcePartition() {
    return new SourcePartition(topic, partition);
  }

  /** {@code topic[partition]@offset table: SQLSTATE message}. */
  @Override
  public String toString() {
    return topic + "[" + partition + "]@" + offset + " " + table + ": " + sqlState + " " + message;
  }
}
