package io.loom.mapping.internal;

import io.loom.mapping.TimestampFormat;
import java.math.BigDecimal;

/**
 * Timestamps on the hot path: ISO-8601 text parsed straight from a {@code char[]} and epoch numbers,
 * both converted to microseconds since 1970-01-01T00:00:00Z.
 *
 * <p>Design: a hand-written parser, because {@code Instant.parse}/{@code DateTimeFormatter} allocate a
 * resolver map and several objects per call. It accepts exactly what {@code OffsetDateTime.parse}
 * accepts for four-digit years ({@code yyyy-MM-ddTHH:mm[:ss[.fffffffff]]} with {@code Z} or an offset
 * {@code ±hh}, {@code ±hh:mm}, {@code ±hh:mm:ss}, letters in either case), plus a space instead of
 * {@code T} and the basic offset form {@code ±hhmm}. Fractions beyond microseconds are truncated
 * (towards the past). Failures are rare, so they throw a stack-less {@link InvalidTimestamp}
 * carrying the reason; success allocates nothing.
 */
public final class Timestamps {
  /** {@code -4713-11-24T00:00:00Z} (24 November 4714 BC), the earliest instant PostgreSQL stores, in epoch microseconds. */
  public static final long MIN_MICROS = -210_866_803_200_000_000L;

  /** Below this magnitude an {@link TimestampFormat#AUTO} epoch number is seconds. */
  static final long AUTO_SECONDS_BELOW = 100_000_000_000L;

  /** Below this magnitude (and above the seconds bound) an AUTO epoch number is milliseconds. */
  static final long AUTO_MILLIS_BELOW = 100_000_000_000_000L;

  private static final long DAYS_0000_TO_1970 = 719_528L;
  private static final int MAX_OFFSET_SECONDS = 18 * 3600;

  private Timestamps() {}

  /** Why a text is not a timestamp; thrown without a stack trace. */
  public static final class InvalidTimestamp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidTimestamp(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Parses ISO-8601 text held in a string. */
  public static long parseIso(String text) {
    return parseIso(text.toCharArray(), 0, text.length());
  }

  /**
   * Parses ISO-8601 text with an offset into epoch microseconds.
   *
   * @throws InvalidTimestamp naming what is wrong
   */
  public static long parseIso(char[] c, int off, int len) {
    int end = off + len;
    int p = off;
    if (len < 17) {
      throw new InvalidTimestamp("too short for an ISO-8601 timestamp");
    }
    int year = digits(c, p, 4, "year");
    p += 4;
    p = expect(c, p, end, '-', "after the year");
    int month = digits(c, p, 2, "month");
    p += 2;
    p = expect(c, p, end, '-', "after the month");
    int day = digits(c, p, 2, "day");
    p += 2;
    char sep = c[p];
    if (sep != 'T' && sep != 't' && sep != ' ') {
      throw new InvalidTimestamp("expected 'T' between date and time at position " + (p - off));
    }
    p++;
    int hour = digits(c, p, 2, "hour");
    p += 2;
    p = expect(c, p, end, ':', "after the hour");
    if (p + 2 > end) {
      throw new InvalidTimestamp("the minute is missing");
    }
    int minute = digits(c, p, 2, "minute");
    p += 2;
    int second = 0;
    int nanos = 0;
    if (p < end && c[p] == ':') {
      p++;
      if (p + 2 > end) {
        throw new InvalidTimestamp("the second is missing");
      }
      second = digits(c, p, 2, "second");
      p += 2;
      if (p < end && c[p] == '.') {
        p++;
        int n = 0;
        int scale = 100_000_000;
        while (p < end && c[p] >= '0' && c[p] <= '9') {
          if (n == 9) {
            throw new InvalidTimestamp("more than 9 fraction digits");
          }
          nanos += (c[p] - '0') * scale;
          scale /= 10;
          n++;
          p++;
        }
      }
    }
    if (p >= end) {
      throw new InvalidTimestamp("no offset; expected Z or an offset such as +02:00 after the time");
    }
    int offsetSeconds;
    char o = c[p];
    if (o == 'Z' || o == 'z') {
      offsetSeconds = 0;
      p++;
    } else if (o == '+' || o == '-') {
      p++;
      if (p + 2 > end) {
        throw new InvalidTimestamp("incomplete offset");
      }
      int oh = digits(c, p, 2, "offset hour");
      p += 2;
      int om = 0;
      int os = 0;
      if (p < end && c[p] == ':') {
        p++;
        if (p + 2 > end) {
          throw new InvalidTimestamp("incomplete offset minutes");
        }
        om = digits(c, p, 2, "offset minute");
        p += 2;
        if (p < end && c[p] == ':') {
          p++;
          if (p + 2 > end) {
            throw new InvalidTimestamp("incomplete offset seconds");
          }
          os = digits(c, p, 2, "offset second");
          p += 2;
        }
      } else if (p + 2 <= end && isDigit(c[p]) && isDigit(c[p + 1])) {
        om = digits(c, p, 2, "offset minute");
        p += 2;
      }
      if (om > 59 || os > 59) {
        throw new InvalidTimestamp("offset minutes and seconds must be 00 to 59");
      }
      offsetSeconds = oh * 3600 + om * 60 + os;
      if (offsetSeconds > MAX_OFFSET_SECONDS) {
        throw new InvalidTimestamp("offset beyond 18:00");
      }
      if (o == '-') {
        offsetSeconds = -offsetSeconds;
      }
    } else {
      throw new InvalidTimestamp("expected Z or an offset such as +02:00 at position " + (p - off));
    }
    if (p != end) {
      throw new InvalidTimestamp("unexpected characters after the offset at position " + (p - off));
    }
    if (month < 1 || month > 12) {
      throw new InvalidTimestamp("month " + month + " is not 01 to 12");
    }
    if (day < 1 || day > daysInMonth(year, month)) {
      throw new InvalidTimestamp("day " + day + " does not exist in " + year + "-" + (month < 10 ? "0" : "") + month);
    }
    if (hour > 23) {
      throw new InvalidTimestamp("hour " + hour + " is not 00 to 23");
    }
    if (minute > 59) {
      throw new InvalidTimestamp("minute " + minute + " is not 00 to 59");
    }
    if (second > 59) {
      throw new InvalidTimestamp("second " + second + " is not 00 to 59");
    }
    long seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return seconds * 1_000_000L + nanos / 1000;
  }

  private static boolean isDigit(char ch) {
    return ch >= '0' && ch <= '9';
  }

  private static int digits(char[] c, int p, int count, String what) {
    int value = 0;
    for (int i = 0; i < count; i++) {
      int d = c[p + i] - '0';
      if (d < 0 || d > 9) {
        throw new InvalidTimestamp("the " + what + " must be " + count + " digits");
      }
      value = value * 10 + d;
    }
    return value;
  }

  private static int expect(char[] c, int p, int end, char ch, String where) {
    if (p >= end || c[p] != ch) {
      throw new InvalidTimestamp("expected '" + ch + "' " + where);
    }
    return p + 1;
  }

  static boolean isLeap(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  private static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date with a non-negative year. */
  static long epochDay(int year, int month, int day) {
    long y = year;
    long total = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    total += (367L * month - 362) / 12;
    total += day - 1;
    if (month > 2) {
      total--;
      if (!isLeap(year)) {
        total--;
      }
    }
    return total - DAYS_0000_TO_1970;
  }

  /** The unit an epoch number is read in: 1 (micros), 1,000 (millis) or 1,000,000 (seconds) micros. */
  static long unitMicros(TimestampFormat format, long magnitude) {
    return switch (format) {
      case EPOCH_SECONDS -> 1_000_000L;
      case EPOCH_MILLIS -> 1_000L;
      case EPOCH_MICROS -> 1L;
      default -> magnitude < AUTO_SECONDS_BELOW ? 1_000_000L : magnitude < AUTO_MILLIS_BELOW ? 1_000L : 1L;
    };
  }

  /**
   * An epoch number in the given format as microseconds, or {@link Long#MIN_VALUE} if it is out of
   * range (it overflows or lies before {@link #MIN_MICROS}).
   */
  public static long epochMicros(long value, TimestampFormat format) {
    long magnitude = value == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(value);
    long unit = unitMicros(format, magnitude);
    long micros;
    try {
      micros = Math.multiplyExact(value, unit);
    } catch (ArithmeticException overflow) {
      return Long.MIN_VALUE;
    }
    return micros < MIN_MICROS ? Long.MIN_VALUE : micros;
  }

  /**
   * A fractional epoch number in the given format as microseconds (fractions of a microsecond
   * truncated towards the past), or {@link Long#MIN_VALUE} if it is out of range.
   */
  public static long epochMicros(BigDecimal value, TimestampFormat format) {
    BigDecimal magnitude = value.abs();
    long unit;
    if (format == TimestampFormat.AUTO || format == TimestampFormat.ISO_8601) {
      unit = magnitude.compareTo(BigDecimal.valueOf(AUTO_SECONDS_BELOW)) < 0 ? 1_000_000L
          : magnitude.compareTo(BigDecimal.valueOf(AUTO_MILLIS_BELOW)) < 0 ? 1_000L : 1L;
    } else {
      unit = unitMicros(format, 0);
    }
    long micros = Numbers.floorToLong(value.multiply(BigDecimal.valueOf(unit)));
    return micros < MIN_MICROS ? Long.MIN_VALUE : micros;
  }
}
