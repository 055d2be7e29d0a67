package io.loom.mapping.internal;

import java.math.BigDecimal;

/**
 * Number text on the hot path: the JSON number grammar checked on a {@code char[]}, whole numbers
 * parsed without allocation, and guarded {@link BigDecimal} conversions.
 *
 * <p>Design: a string given to a numeric column is accepted only if it is exactly a JSON number
 * ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}: no blanks, no {@code +}, no hex, no
 * {@code NaN}), so that {@code "12"} and {@code 12} mean the same and nothing looser slips in. The
 * {@link BigDecimal} helpers refuse huge exponents before scaling, so that {@code 1e999999999} costs no
 * more than {@code 1}.
 */
public final class Numbers {
  /** Not a JSON number. */
  public static final int NOT_A_NUMBER = 0;
  /** A JSON number without fraction or exponent. */
  public static final int WHOLE = 1;
  /** A JSON number with a fraction or an exponent. */
  public static final int DECIMAL = 2;

  private static final char[] MAX_LONG = "9223372036854775807".toCharArray();
  private static final char[] MIN_LONG = "9223372036854775808".toCharArray();

  private Numbers() {}

  /** Classifies text as {@link #NOT_A_NUMBER}, {@link #WHOLE} or {@link #DECIMAL} by the JSON grammar. */
  public static int classify(char[] c, int off, int len) {
    int end = off + len;
    int p = off;
    if (p < end && c[p] == '-') {
      p++;
    }
    if (p >= end) {
      return NOT_A_NUMBER;
    }
    if (c[p] == '0') {
      p++;
    } else if (c[p] >= '1' && c[p] <= '9') {
      while (p < end && c[p] >= '0' && c[p] <= '9') {
        p++;
      }
    } else {
      return NOT_A_NUMBER;
    }
    int kind = WHOLE;
    if (p < end && c[p] == '.') {
      p++;
      int start = p;
      while (p < end && c[p] >= '0' && c[p] <= '9') {
        p++;
      }
      if (p == start) {
        return NOT_A_NUMBER;
      }
      kind = DECIMAL;
    }
    if (p < end && (c[p] == 'e' || c[p] == 'E')) {
      p++;
      if (p < end && (c[p] == '+' || c[p] == '-')) {
        p++;
      }
      int start = p;
      while (p < end && c[p] >= '0' && c[p] <= '9') {
        p++;
      }
      if (p == start) {
        return NOT_A_NUMBER;
      }
      kind = DECIMAL;
    }
    return p == end ? kind : NOT_A_NUMBER;
  }

  /** Whether a {@link #WHOLE} number fits in a {@code long}. */
  public static boolean fitsLong(char[] c, int off, int len) {
    boolean negative = c[off] == '-';
    int start = negative ? off + 1 : off;
    int digits = off + len - start;
    if (digits != 19) {
      return digits < 19;
    }
    char[] limit = negative ? MIN_LONG : MAX_LONG;
    for (int i = 0; i < 19; i++) {
      char ch = c[start + i];
      if (ch != limit[i]) {
        return ch < limit[i];
      }
    }
    return true;
  }

  /** Parses a {@link #WHOLE} number that {@link #fitsLong fits}. */
  public static long parseLong(char[] c, int off, int len) {
    boolean negative = c[off] == '-';
    long result = 0;
    for (int i = negative ? off + 1 : off, end = off + len; i < end; i++) {
      result = result * 10 - (c[i] - '0');
    }
    return negative ? result : -result;
  }

  /** {@link #checkWhole}: a whole number within the {@code long} range. */
  public static final int FITS = 0;
  /** {@link #checkWhole}: the number has a fractional part. */
  public static final int FRACTION = 1;
  /** {@link #checkWhole}: a number beyond the {@code long} range. */
  public static final int TOO_LARGE = 2;

  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  /**
   * Whether {@code value} is a whole number that fits in a {@code long} ({@code 1.0} and {@code 1e3}
   * are whole): {@link #FITS}, {@link #FRACTION} or {@link #TOO_LARGE}.
   */
  public static int checkWhole(BigDecimal value) {
    if (value.signum() == 0) {
      return FITS;
    }
    int integerDigits = value.precision() - value.scale();
    if (integerDigits > 19) {
      return TOO_LARGE;
    }
    if (integerDigits <= 0 || (value.scale() > 0 && value.stripTrailingZeros().scale() > 0)) {
      return FRACTION;
    }
    return value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0 ? FITS : TOO_LARGE;
  }

  /** The largest {@code long} not above {@code value}, or {@link Long#MIN_VALUE} if it does not fit. */
  public static long floorToLong(BigDecimal value) {
    if (value.signum() == 0) {
      return 0L;
    }
    int integerDigits = value.precision() - value.scale();
    if (integerDigits <= 0) {
      return value.signum() < 0 ? -1L : 0L;
    }
    if (integerDigits > 19) {
      return Long.MIN_VALUE;
    }
    try {
      return value.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
    } catch (ArithmeticException e) {
      return Long.MIN_VALUE;
    }
  }
}
