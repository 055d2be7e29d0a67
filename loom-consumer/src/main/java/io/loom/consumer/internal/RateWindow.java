package io.loom.consumer.internal;

import java.time.Clock;

/**
 * Events per second averaged over the last minute, from 60 one-second buckets. Design note: the loop
 * adds, admin threads read; both are short and synchronized. Time comes from the injected clock, so a
 * test can move it.
 */
final class RateWindow {
  private static final int SECONDS = 60;

  private final Clock clock;
  private final long[] buckets = new long[SECONDS];
  private long lastSecond;

  RateWindow(Clock clock) {
    this.clock = clock;
    this.lastSecond = clock.millis() / 1000;
  }

  synchronized void add(long count) {
    advance();
    buckets[(int) (lastSecond % SECONDS)] += count;
  }

  /** The average per second over the last {@value #SECONDS} seconds. */
  synchronized double perSecond() {
    advance();
    long sum = 0;
    for (long b : buckets) {
      sum += b;
    }
    return (double) sum / SECONDS;
  }

  private void advance() {
    long now = clock.millis() / 1000;
    if (now <= lastSecond) {
      return;
    }
    long steps = Math.min(now - lastSecond, SECONDS);
    for (long s = 1; s <= steps; s++) {
      buckets[(int) ((lastSecond + s) % SECONDS)] = 0;
    }
    lastSecond = now;
  }
}
