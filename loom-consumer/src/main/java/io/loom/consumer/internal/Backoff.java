package io.loom.consumer.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Capped exponential backoff: the wait after the n-th consecutive failure is {@code initial * 2^(n-1)},
 * at most {@code max}. Design note: a value type so that the loop, the position resolver and the
 * tests compute waits the same way. Immutable.
 */
public record Backoff(Duration initial, Duration max) {
  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial backoff was '" + initial + "' but it must be positive");
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("maximum backoff was '" + max + "' but it must be at least the initial backoff ("
          + initial + ")");
    }
  }

  /** The wait after {@code failures} consecutive failures (1 or more). */
  public Duration after(int failures) {
    long millis = initial.toMillis();
    long cap = max.toMillis();
    for (int i = 1; i < failures && millis < cap; i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, cap));
  }
}
