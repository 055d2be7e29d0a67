package io.loom.sink;

import java.util.List;

/**
 * Receives the rejected messages of a write <em>inside</em> its transaction, after every row and the
 * new offsets have been written and before the commit. This is where the caller publishes the
 * rejected messages to their dead-letter topic and waits for the broker's acknowledgement:
 *
 * <ul>
 *   <li>if the handler returns normally, the transaction commits: the rows, the offsets past the
 *       rejected messages and (already) their dead letters are all stored;
 *   <li>if it throws, the transaction is rolled back and {@link JdbcSink#write} throws a {@link
 *       SinkException} with reason {@link SinkException.Reason#REJECT_HANDLER_FAILED}: nothing of the
 *       batch is stored, its offsets do not move, and the caller may write the batch again later.
 * </ul>
 *
 * <p>Dead letters are delivered at least once: when the commit itself fails for an infrastructure
 * reason, the sink retries the whole transaction and calls the handler again with the rejects of the
 * new attempt, so a message may be dead-lettered twice. The handler is called only when there is at
 * least one reject, on the thread that called {@code write}.
 */
@FunctionalInterface
public interface RejectHandler {
  /** A handler that does nothing: the caller takes the rejects from the {@link WriteResult}. */
  RejectHandler NONE = rejected -> {};

  /**
   * Publishes (or otherwise secures) the rejected messages.
   *
   * @param rejected the rejects of this attempt, in batch order; never empty
   * @throws Exception to roll the whole write back
   */
  void beforeCommit(List<RejectedRow> rejected) throws Exception;
}
