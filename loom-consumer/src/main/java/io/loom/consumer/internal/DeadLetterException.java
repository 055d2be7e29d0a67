package io.loom.consumer.internal;

import io.loom.mapping.LoomException;
import java.util.Set;

/** Dead letters could not be published; the write they belong to is not committed. */
public final class DeadLetterException extends LoomException {
  private static final long serialVersionUID = 1L;

  private final transient Set<String> failedTopics;

  public DeadLetterException(String message, Set<String> failedTopics, Throwable cause) {
    super(message, cause);
    this.failedTopics = Set.copyOf(failedTopics);
  }

  /** The dead-letter topics that did not take their records. */
  public Set<String> failedTopics() {
    return failedTopics;
  }
}
