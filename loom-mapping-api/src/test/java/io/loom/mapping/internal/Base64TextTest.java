package io.loom.mapping.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Base64 decoding from characters agrees with {@link java.util.Base64}. */
class Base64TextTest {

  private static byte[] decode(String text) {
    char[] chars = text.toCharArray();
    byte[] out = new byte[Base64Text.maxDecodedLength(chars.length)];
    int n = Base64Text.decode(chars, 0, chars.length, out);
    return n < 0 ? null : Arrays.copyOf(out, n);
  }

  private static int failure(String text) {
    char[] chars = text.toCharArray();
    return -Base64Text.decode(chars, 0, chars.length, new byte[Base64Text.maxDecodedLength(chars.length)]) - 1;
  }

  @Test
  void decode_acceptsBothAlphabetsWithAndWithoutPadding() {
    assertThat(decode("aGVsbG8=")).isEqualTo("hello".getBytes());
    assertThat(decode("aGVsbG8")).isEqualTo("hello".getBytes());
    assertThat(decode("aGVsbA==")).isEqualTo("hell".getBytes());
    assertThat(decode("aGVsbA")).isEqualTo("hell".getBytes());
    assertThat(decode("+/+/")).isEqualTo(decode("-_-_"));
    assertThat(decode("")).isEmpty();
  }

  @Test
  void decode_reportsTheFirstBadCharacter() {
    assertThat(failure("aGV$bG8=")).isEqualTo(3);
    assertThat(failure("aGVsbG8=\n")).isEqualTo(8);
    assertThat(failure("aG=sbG8=")).isEqualTo(2);
    assertThat(failure("aGVs bG8")).isEqualTo(4);
    assertThat(failure("aGVsé")).isEqualTo(4);
  }

  @Test
  void decode_reportsAGroupCutShortAtTheEnd() {
    assertThat(failure("aGVsb")).isEqualTo(5);
    assertThat(failure("aGVsbG8==")).isEqualTo(9);
    assertThat(failure("aGk===")).isEqualTo(6);
    assertThat(failure("a=")).isEqualTo(2);
  }

  @Property(tries = 2000)
  void decode_roundTripsJavaEncoders(@ForAll byte[] bytes, @ForAll @IntRange(max = 3) int variant) {
    Base64.Encoder encoder = switch (variant) {
      case 0 -> Base64.getEncoder();
      case 1 -> Base64.getEncoder().withoutPadding();
      case 2 -> Base64.getUrlEncoder();
      default -> Base64.getUrlEncoder().withoutPadding();
    };
    assertThat(decode(encoder.encodeToString(bytes))).isEqualTo(bytes);
  }

  @Property(tries = 3000)
  void decode_randomTexts_acceptsExactlyWhatJavaAccepts(@ForAll @IntRange(max = 24) int length, @ForAll Random r) {
    String alphabet = "ABCabc019+/-_=====!";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    String text = sb.toString();
    byte[] expected;
    try {
      expected = Base64.getDecoder().decode(text.replace('-', '+').replace('_', '/'));
    } catch (IllegalArgumentException e) {
      expected = null;
    }
    assertThat(decode(text)).as(text).isEqualTo(expected);
  }
}
