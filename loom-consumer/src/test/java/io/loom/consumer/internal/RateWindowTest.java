package io.loom.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class RateWindowTest {
  private final MutableClock clock = new MutableClock();
  private final RateWindow window = new RateWindow(clock);

  @Test
  void perSecond_averagesOverTheLastMinute() {
    window.add(600);
    clock.advance(Duration.ofSeconds(10));
    window.add(600);

    assertThat(window.perSecond()).isCloseTo(20.0, within(1e-9));
  }

  @Test
  void perSecond_forgetsCountsOlderThanAMinute() {
    window.add(6000);
    clock.advance(Duration.ofSeconds(30));
    window.add(60);
    clock.advance(Duration.ofSeconds(45));

    assertThat(window.perSecond()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void perSecond_isZeroAfterALongPause() {
    window.add(6000);
    clock.advance(Duration.ofHours(2));

    assertThat(window.perSecond()).isZero();
  }

  /** A clock a test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-27T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
