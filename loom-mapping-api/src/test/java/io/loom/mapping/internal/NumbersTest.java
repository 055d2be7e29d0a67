package io.loom.mapping.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The JSON number grammar and the whole-number helpers. */
class NumbersTest {
  private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private static int classify(String text) {
    return Numbers.classify(text.toCharArray(), 0, text.length());
  }

  @Test
  void classify_followsTheJsonGrammar() {
    assertThat(classify("0")).isEqualTo(Numbers.WHOLE);
    assertThat(classify("-12")).isEqualTo(Numbers.WHOLE);
    assertThat(classify("1.5")).isEqualTo(Numbers.DECIMAL);
    assertThat(classify("1e5")).isEqualTo(Numbers.DECIMAL);
    assertThat(classify("-0.0E-0")).isEqualTo(Numbers.DECIMAL);
    for (String bad : new String[] {"", "-", "+1", "01", "1.", ".5", "1e", "1e+", " 1", "1 ", "0x1", "NaN", "1_0", "--1"}) {
      assertThat(classify(bad)).as(bad).isEqualTo(Numbers.NOT_A_NUMBER);
    }
  }

  @Property(tries = 3000)
  void classify_agreesWithTheGrammarRegex(@ForAll @IntRange(max = 12) int length, @ForAll Random r) {
    String alphabet = "0123456789-+.eE x";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    String text = sb.toString();
    int expected = !JSON_NUMBER.matcher(text).matches() ? Numbers.NOT_A_NUMBER
        : text.matches("-?[0-9]+") ? Numbers.WHOLE : Numbers.DECIMAL;
    assertThat(classify(text)).as(text).isEqualTo(expected);
  }

  @Property(tries = 3000)
  void fitsLongAndParseLong_agreeWithBigInteger(@ForAll @IntRange(min = 1, max = 21) int digits, @ForAll boolean negative,
      @ForAll Random r) {
    StringBuilder sb = new StringBuilder(negative ? "-" : "");
    sb.append((char) ('1' + r.nextInt(9)));
    for (int i = 1; i < digits; i++) {
      sb.append((char) ('0' + r.nextInt(10)));
    }
    if (r.nextInt(4) == 0) {
      sb.setLength(negative ? 1 : 0);
      sb.append(negative ? "9223372036854775808" : "9223372036854775807").setCharAt(sb.length() - 1, (char) ('6' + r.nextInt(4)));
    }
    String text = sb.toString();
    char[] chars = text.toCharArray();
    BigInteger value = new BigInteger(text);
    boolean fits = value.bitLength() < 64;
    assertThat(Numbers.fitsLong(chars, 0, chars.length)).as(text).isEqualTo(fits);
    if (fits) {
      assertThat(Numbers.parseLong(chars, 0, chars.length)).isEqualTo(value.longValueExact());
    }
  }

  @Test
  void checkWhole_tellsWholeFractionAndRange() {
    assertThat(Numbers.checkWhole(new BigDecimal("1.000"))).isEqualTo(Numbers.FITS);
    assertThat(Numbers.checkWhole(new BigDecimal("2.5e1"))).isEqualTo(Numbers.FITS);
    assertThat(Numbers.checkWhole(new BigDecimal("-0.0"))).isEqualTo(Numbers.FITS);
    assertThat(Numbers.checkWhole(new BigDecimal("9223372036854775807.0"))).isEqualTo(Numbers.FITS);
    assertThat(Numbers.checkWhole(new BigDecimal("12.5"))).isEqualTo(Numbers.FRACTION);
    assertThat(Numbers.checkWhole(new BigDecimal("1e-999999999"))).isEqualTo(Numbers.FRACTION);
    assertThat(Numbers.checkWhole(new BigDecimal("9223372036854775808"))).isEqualTo(Numbers.TOO_LARGE);
    assertThat(Numbers.checkWhole(new BigDecimal("1e999999999"))).isEqualTo(Numbers.TOO_LARGE);
  }

  @Test
  void floorToLong_isGuardedAgainstHugeExponents() {
    assertThat(Numbers.floorToLong(new BigDecimal("-0.5"))).isEqualTo(-1L);
    assertThat(Numbers.floorToLong(new BigDecimal("1e-999999999"))).isZero();
    assertThat(Numbers.floorToLong(new BigDecimal("1e999999999"))).isEqualTo(Long.MIN_VALUE);
    assertThat(Numbers.floorToLong(new BigDecimal("123.9"))).isEqualTo(123L);
    assertThat(Numbers.floorToLong(new BigDecimal("9223372036854775808"))).isEqualTo(Long.MIN_VALUE);
  }
}
