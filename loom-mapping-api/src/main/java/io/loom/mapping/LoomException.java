package io.loom.mapping;

/**
 * The root of Loom's few unchecked exceptions. Messages carry their context (topic, partition, offset,
 * table, configuration key) so that a log line alone says what went wrong and where.
 */
public class LoomException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LoomException(String message) {
    super(message);
  }

  public LoomException(String message, Throwable cause) {
    super(message, cause);
  }
}
