package io.loom.consumer.internal;

import io.loom.mapping.LoomException;

/** Dead letters could not be published; the write they belong to is not committed. */
public final class DeadLetterException extends LoomException {
  private static final long serialVersionUID = 1L;

  public DeadLetterException(String message, Throwable cause) {
    super(message, cause);
  }
}
