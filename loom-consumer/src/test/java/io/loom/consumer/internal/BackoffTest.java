package io.loom.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

  @Test
  void after_doublesFromTheInitialWait() {
    assertThat(backoff.after(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.after(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.after(5)).isEqualTo(Duration.ofMillis(3200));
  }

  @Test
  void after_isCappedAtTheMaximum() {
    assertThat(backoff.after(6)).isEqualTo(Duration.ofSeconds(5));
    assertThat(backoff.after(10_000)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void constructor_refusesAMaximumBelowTheInitialWait() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximum backoff was 'PT1S' but it must be at least the initial backoff (PT2S)");
  }

  @Test
  void constructor_refusesAZeroInitialWait() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("initial backoff was 'PT0S' but it must be positive");
  }
}
