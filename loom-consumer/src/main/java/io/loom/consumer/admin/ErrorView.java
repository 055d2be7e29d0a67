package io.loom.consumer.admin;

import io.loom.mapping.internal.Redaction;
import java.time.Instant;
import java.util.Objects;

/**
 * An error as {@code /status} shows it. Passwords in URLs or {@code password=} parameters of the
 * message are masked by the constructor.
 *
 * @param at when it happened
 * @param message what happened, with its context (topic, partition, offset, table)
 */
public record ErrorView(Instant at, String message) {
  public ErrorView {
    Objects.requireNonNull(at, "at");
    message = Redaction.mask(Objects.requireNonNull(message, "message"));
  }

  /** The error of an exception: its message, or its class name if it has none. */
  public static ErrorView of(Instant at, Throwable error) {
    String message = error.getMessage();
    return new ErrorView(at, message == null || message.isBlank() ? error.getClass().getName() : message);
  }
}
