package io.loom.mapping.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.TimestampFormat;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The ISO-8601 parser agrees with {@link OffsetDateTime#parse}; epoch numbers follow their unit. */
class TimestampsTest {

  private static long micros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  /**
   * What {@code OffsetDateTime.parse} says about a text, after rewriting the two forms it lacks; {@code null}
   * when it refuses the text or the instant does not fit in microseconds (years beyond about 292,000).
   */
  private static Long reference(String text) {
    String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.substring(0, 10) + "T" + text.substring(11) : text;
    iso = iso.replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2");
    try {
      return micros(OffsetDateTime.parse(iso).toInstant());
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  private static Long parsed(String text) {
    try {
      return Timestamps.parseIso(text);
    } catch (Timestamps.InvalidTimestamp e) {
      return null;
    }
  }

  @Test
  void parseIso_commonForms() {
    assertThat(Timestamps.parseIso("2026-11-27T10:00:00.001Z")).isEqualTo(micros(Instant.parse("2026-11-27T10:00:00.001Z")));
    assertThat(Timestamps.parseIso("1970-01-01T00:00:00Z")).isZero();
    assertThat(Timestamps.parseIso("1970-01-01T01:00:00+01:00")).isZero();
    assertThat(Timestamps.parseIso("1969-12-31T23:59:59.999999999Z")).isEqualTo(-1L);
    assertThat(Timestamps.parseIso("0000-01-01T00:00:00Z")).isEqualTo(micros(Instant.parse("0000-01-01T00:00:00Z")));
    assertThat(Timestamps.parseIso("9999-12-31T23:59:59.999999Z")).isEqualTo(micros(Instant.parse("9999-12-31T23:59:59.999999Z")));
    assertThat(Timestamps.parseIso("2024-02-29t12:30z")).isEqualTo(micros(Instant.parse("2024-02-29T12:30:00Z")));
    assertThat(Timestamps.parseIso("2026-01-01T00:00:00-00:30:15")).isEqualTo(micros(Instant.parse("2026-01-01T00:30:15Z")));
  }

  @Test
  void parseIso_failures_sayWhy() {
    assertThatThrownBy(() -> Timestamps.parseIso("2026-11-27T10:00:00")).hasMessage(
        "no offset; expected Z or an offset such as +02:00 after the time");
    assertThatThrownBy(() -> Timestamps.parseIso("2026-02-29T10:00:00Z")).hasMessage("day 29 does not exist in 2026-02");
    assertThatThrownBy(() -> Timestamps.parseIso("2026-11-27T10:00:00.1234567890Z")).hasMessage("more than 9 fraction digits");
    assertThatThrownBy(() -> Timestamps.parseIso("2026-11-27T10:00:00+18:30")).hasMessage("offset beyond 18:00");
    assertThatThrownBy(() -> Timestamps.parseIso("2026/11/27T10:00:00Z")).hasMessage("expected '-' after the year");
    assertThatThrownBy(() -> Timestamps.parseIso("2026-11-27")).hasMessage("too short for an ISO-8601 timestamp");
    assertThatThrownBy(() -> Timestamps.parseIso("2026-11-27T10:00:00Z ")).hasMessage(
        "unexpected characters after the offset at position 20");
  }

  @Test
  void parseIso_failuresCarryNoStackTrace() {
    try {
      Timestamps.parseIso("nonsense-but-long-enough");
    } catch (Timestamps.InvalidTimestamp e) {
      assertThat(e.getStackTrace()).isEmpty();
      return;
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void epochMicros_autoPicksTheUnitByMagnitude() {
    assertThat(Timestamps.epochMicros(1_700_000_000L, TimestampFormat.AUTO)).isEqualTo(1_700_000_000_000_000L);
    assertThat(Timestamps.epochMicros(1_700_000_000_000L, TimestampFormat.AUTO)).isEqualTo(1_700_000_000_000_000L);
    assertThat(Timestamps.epochMicros(1_700_000_000_000_000L, TimestampFormat.AUTO)).isEqualTo(1_700_000_000_000_000L);
    assertThat(Timestamps.epochMicros(-1_700_000_000L, TimestampFormat.AUTO)).isEqualTo(-1_700_000_000_000_000L);
    assertThat(Timestamps.epochMicros(99_999_999_999L, TimestampFormat.AUTO)).isEqualTo(99_999_999_999_000_000L);
    assertThat(Timestamps.epochMicros(100_000_000_000L, TimestampFormat.AUTO)).isEqualTo(100_000_000_000_000L);
    assertThat(Timestamps.epochMicros(100_000_000_000_000L, TimestampFormat.AUTO)).isEqualTo(100_000_000_000_000L);
  }

  @Test
  void epochMicros_outOfRangeIsMinValue() {
    assertThat(Timestamps.epochMicros(Long.MAX_VALUE, TimestampFormat.EPOCH_SECONDS)).isEqualTo(Long.MIN_VALUE);
    assertThat(Timestamps.epochMicros(Long.MIN_VALUE, TimestampFormat.AUTO)).isEqualTo(Long.MIN_VALUE);
    assertThat(Timestamps.epochMicros(Timestamps.MIN_MICROS, TimestampFormat.EPOCH_MICROS)).isEqualTo(Timestamps.MIN_MICROS);
    assertThat(Timestamps.epochMicros(Timestamps.MIN_MICROS - 1, TimestampFormat.EPOCH_MICROS)).isEqualTo(Long.MIN_VALUE);
    assertThat(Timestamps.epochMicros(new BigDecimal("1e30"), TimestampFormat.AUTO)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void epochMicros_fractionsTruncateTowardsThePast() {
    assertThat(Timestamps.epochMicros(new BigDecimal("1.0000009"), TimestampFormat.EPOCH_SECONDS)).isEqualTo(1_000_000L);
    assertThat(Timestamps.epochMicros(new BigDecimal("-0.0000001"), TimestampFormat.EPOCH_SECONDS)).isEqualTo(-1L);
    assertThat(Timestamps.epochMicros(new BigDecimal("1700000000123.4567"), TimestampFormat.AUTO)).isEqualTo(1_700_000_000_123_456L);
  }

  @Test
  void minMicros_isPostgresqlsEarliestTimestamp() {
    assertThat(Timestamps.MIN_MICROS).isEqualTo(micros(OffsetDateTime.parse("-4713-11-24T00:00:00Z").toInstant()));
  }

  @Provide
  Arbitrary<String> validIsoTexts() {
    return Arbitraries.randomValue(JsonGenerator::randomIso);
  }

  @Property(tries = 3000)
  void parseIso_validTexts_matchOffsetDateTime(@ForAll("validIsoTexts") String text) {
    Long expected = reference(text);
    assertThat(expected).as("the generator made a text OffsetDateTime refuses: %s", text).isNotNull();
    assertThat(Timestamps.parseIso(text)).as(text).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> mutatedIsoTexts() {
    return Arbitraries.randomValue(r -> {
      StringBuilder sb = new StringBuilder(JsonGenerator.randomIso(r));
      String alphabet = "0123456789-:T.Z+ tz9";
      int edits = 1 + r.nextInt(3);
      for (int i = 0; i < edits && sb.length() > 0; i++) {
        int at = r.nextInt(sb.length());
        switch (r.nextInt(3)) {
          case 0 -> sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
          case 1 -> sb.deleteCharAt(at);
          default -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      return sb.toString();
    });
  }

  @Property(tries = 5000)
  void parseIso_mutatedTexts_agreeWithOffsetDateTime(@ForAll("mutatedIsoTexts") String text) {
    Long mine = parsed(text);
    Long expected = reference(text);
    if (mine != null) {
      assertThat(expected).as("accepted what OffsetDateTime refuses: %s", text).isNotNull();
      assertThat(mine).as(text).isEqualTo(expected);
    } else if (text.matches("\\d{4}-.*")) {
      assertThat(expected).as("refused what OffsetDateTime accepts: %s", text).isNull();
    }
  }

  @Property(tries = 2000)
  void parseIso_anyText_neverFailsOtherThanInvalidTimestamp(@ForAll @IntRange(max = 40) int length, @ForAll Random r) {
    char[] chars = new char[length];
    String alphabet = "0123456789-:T.Z+ tz\u00e9\u0000";
    for (int i = 0; i < length; i++) {
      chars[i] = alphabet.charAt(r.nextInt(alphabet.length()));
    }
    String text = new String(chars);
    Long mine = parsed(text);
    if (mine != null) {
      assertThat(reference(text)).as(text).isEqualTo(mine);
    }
  }

  @Test
  void parseIso_worksOnASliceOfALargerBuffer() {
    char[] buffer = "xx2026-11-27T10:00:00Zyy".toCharArray();
    assertThat(Timestamps.parseIso(buffer, 2, 20)).isEqualTo(micros(Instant.parse("2026-11-27T10:00:00Z")));
  }
}
