package io.loom.consumer.admin.internal;

import io.loom.mapping.internal.Redaction;

/**
 * A copy of an exception chain whose messages have their passwords masked, for logging a stack trace
 * that may carry a database URL. Design note: the copy keeps each original's class name in its message
 * and its stack frames, so the log reads as the original did.
 */
public final class SanitizedThrowable extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private SanitizedThrowable(String message, StackTraceElement[] trace, Throwable cause) {
    super(message, cause, false, true);
    setStackTrace(trace);
  }

  /** The masked copy of {@code error} and its causes (at most 16 deep). */
  public static Throwable of(Throwable error) {
    return copy(error, 0);
  }

  private static Throwable copy(Throwable error, int depth) {
    if (error == null || depth >= 16) {
      return null;
    }
    String message = error.getMessage() == null ? "" : ": " + Redaction.mask(error.getMessage());
    return new SanitizedThrowable(error.getClass().getName() + message, error.getStackTrace(),
        copy(error.getCause(), depth + 1));
  }

  @Override
  public String toString() {
    return getMessage();
  }
}
