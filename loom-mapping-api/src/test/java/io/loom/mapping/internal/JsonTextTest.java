package io.loom.mapping.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Compacting JSON bytes and quoting strings. */
class JsonTextTest {

  private static String compact(String json) {
    byte[] doc = json.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[doc.length];
    int n = JsonText.compact(doc, 0, doc.length, out);
    return n < 0 ? "error " + n : new String(out, 0, n, StandardCharsets.UTF_8);
  }

  @Test
  void compact_dropsBlanksOutsideStringsOnly() {
    assertThat(compact(" { \"a b\" : [ 1 ,\t2 ] ,\n\"c\":\" x \" } ")).isEqualTo("{\"a b\":[1,2],\"c\":\" x \"}");
    assertThat(compact("[\"\\\" \", \"\\\\\", 1.50e+3]")).isEqualTo("[\"\\\" \",\"\\\\\",1.50e+3]");
  }

  @Test
  void compact_refusesNulAndUnpairedSurrogateEscapes() {
    assertThat(compact("[\"\\u0000\"]")).isEqualTo("error " + JsonText.NUL_ESCAPE);
    assertThat(compact("{\"\\u0000\":1}")).isEqualTo("error " + JsonText.NUL_ESCAPE);
    assertThat(compact("[\"\\ud800\"]")).isEqualTo("error " + JsonText.BAD_SURROGATE);
    assertThat(compact("[\"\\ud800x\"]")).isEqualTo("error " + JsonText.BAD_SURROGATE);
    assertThat(compact("[\"\\ud800\\n\"]")).isEqualTo("error " + JsonText.BAD_SURROGATE);
    assertThat(compact("[\"\\udc00\"]")).isEqualTo("error " + JsonText.BAD_SURROGATE);
    assertThat(compact("[\"\\uD83D\\uDE00\", \"\\\\u0000\"]")).isEqualTo("[\"\\uD83D\\uDE00\",\"\\\\u0000\"]");
  }

  @Test
  void appendQuoted_escapesWhatJsonRequires() {
    String text = "a\"b\\c\n\r\t\b\f\u0001é\uD83D\uDE00";
    StringBuilder sb = new StringBuilder();
    JsonText.appendQuoted(sb, text.toCharArray(), 0, text.length());
    assertThat(sb).hasToString("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001é\uD83D\uDE00\"");
    assertThat(CanonicalJson.parse(sb.toString())).isEqualTo(text);
  }

  @Test
  void findInvalidChar_findsNulAndUnpairedSurrogates() {
    assertThat(JsonText.findInvalidChar("plain \uD83D\uDE00 text")).isEqualTo(-1);
    assertThat(JsonText.findInvalidChar("ab\u0000")).isEqualTo(2);
    assertThat(JsonText.findInvalidChar("a\uD83D")).isEqualTo(1);
    assertThat(JsonText.findInvalidChar("\uDE00a")).isEqualTo(0);
    assertThat(JsonText.findInvalidChar("\uD83D\uD83D\uDE00")).isEqualTo(0);
  }

  @Test
  void printable_escapesControlCharacters() {
    assertThat(JsonText.printable("a\nb\u0000")).isEqualTo("a\\u000ab\\u0000");
    assertThat(JsonText.printable("plain")).isEqualTo("plain");
  }

  @Provide
  Arbitrary<String> documents() {
    return Arbitraries.randomValue(r -> JsonGenerator.anyJson(r, 5, false));
  }

  @Property(tries = 2000)
  void compact_keepsTheValue(@ForAll("documents") String json) {
    String compacted = compact(json);
    assertThat(CanonicalJson.canonical(compacted)).isEqualTo(CanonicalJson.canonical(json));
    assertThat(compacted).doesNotContain("\n").doesNotContain("\t");
  }

  @Property(tries = 500)
  void preview_neverFails(@ForAll("documents") String json, @ForAll Random r) {
    byte[] doc = json.getBytes(StandardCharsets.UTF_8);
    int start = r.nextInt(doc.length);
    int end = start + r.nextInt(doc.length - start + 1);
    assertThat(JsonText.preview(doc, start, end, 40).length()).isLessThanOrEqualTo(44);
  }
}
