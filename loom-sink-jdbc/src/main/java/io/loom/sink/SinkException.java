package io.loom.sink;

import io.loom.mapping.LoomException;

/**
 * A write (or offset read, or check) that the sink could not complete. Its transaction was rolled
 * back: nothing of the batch is stored and no offset moved. Row-level problems never cause it (they
 * come back as {@link RejectedRow}s), and infrastructure failures cause it only once the retries
 * allowed by {@link SinkOptions} are used up or the sink is closed.
 */
public class SinkException extends LoomException {
  private static final long serialVersionUID = 1L;

  /** Why the write failed; says what the caller can do about it. */
  public enum Reason {
    /**
     * The database was unreachable or failed transiently and the retries allowed by {@link
     * SinkOptions#maxAttempts()} are used up. Writing the same batch again later is safe.
     */
    RETRIES_EXHAUSTED,
    /**
     * The target table does not fit the mapping (missing table or column, a type the mapped values
     * can never be written to, no unique index for the upsert key). Needs a configuration or schema
     * change; the batch can be written again afterwards.
     */
    SCHEMA,
    /**
     * The stored offset of a partition is already past the first message of the batch: another
     * consumer (or an earlier attempt whose commit was reported as failed) stored these messages.
     * The caller must re-read the offsets ({@link JdbcSink#readOffsets}) and resume from there.
     */
    OFFSET_CONFLICT,
    /** The {@link RejectHandler} threw; its exception is the cause. */
    REJECT_HANDLER_FAILED,
    /** The sink was closed before or during the write. */
    CLOSED,
    /** Anything else PostgreSQL refused for the whole transaction; the cause says what. */
    FAILED
  }

  private final Reason reason;

  public SinkException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public SinkException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
