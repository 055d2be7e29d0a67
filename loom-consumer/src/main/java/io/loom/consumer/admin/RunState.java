package io.loom.consumer.admin;

import java.util.Locale;

/** The life cycle of the running service, as {@code /status} reports it (in lower case). */
public enum RunState {
  /** Connecting, loading the configuration, joining the consumer group. */
  STARTING,
  /** Consuming and writing. */
  RUNNING,
  /** Paused by a transient failure (database or broker unreachable) and retrying with backoff. */
  RETRYING,
  /** Finishing the batch in flight and closing. */
  STOPPING,
  /** Stopped cleanly. */
  STOPPED,
  /** Stopped by an error it cannot recover from; {@link StatusView#lastError()} says which. */
  FAILED;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
