package io.loom.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.internal.CanonicalJson;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonModelTest {

  @Test
  void canonical_sortsKeysAndDropsWhiteSpace() {
    assertThat(CanonicalJson.canonical("{ \"b\" : 1 ,\n\t\"a\" : { \"d\": [ 1 , 2 ], \"c\": null } }"))
        .isEqualTo("{\"a\":{\"c\":null,\"d\":[1,2]},\"b\":1}");
  }

  @Test
  void canonical_duplicateKeys_lastWins() {
    assertThat(CanonicalJson.canonical("{\"a\":1,\"a\":2}")).isEqualTo("{\"a\":2}");
  }

  @Test
  void canonical_numbers_arePlainAndKeepTheirScale() {
    assertThat(CanonicalJson.canonical("[1e3, 1.50, -0.0001, 12345678901234567890123, 1E-2]"))
        .isEqualTo("[1000,1.50,-0.0001,12345678901234567890123,0.01]");
  }

  @Test
  void canonical_keepsUnicodeAndEscapesWhatJsonMust() {
    assertThat(CanonicalJson.canonical("{\"température\":\"°C \\u00ab\\n\\\"x\\\"\"}"))
        .isEqualTo("{\"température\":\"°C «\\n\\\"x\\\"\"}");
  }

  @Test
  void canonical_isIdempotent() {
    String once = CanonicalJson.canonical("{\"b\":[{\"y\":true,\"x\":false}],\"a\":\"s\"}");

    assertThat(CanonicalJson.canonical(once)).isEqualTo(once);
  }

  @Test
  void canonical_scalarsAreDocumentsToo() {
    assertThat(CanonicalJson.canonical(" \"text\" ")).isEqualTo("\"text\"");
    assertThat(CanonicalJson.canonical("true")).isEqualTo("true");
    assertThat(CanonicalJson.canonical("null")).isEqualTo("null");
  }

  @Test
  void parse_givesPlainJavaValues() {
    Object value = CanonicalJson.parse("{\"b\":[1,\"x\",true,null],\"a\":2.5}");

    assertThat(value).isInstanceOf(Map.class);
    Map<?, ?> map = (Map<?, ?>) value;
    assertThat(List.copyOf(map.keySet())).isEqualTo(List.of("a", "b"));
    assertThat(map.get("a")).isEqualTo(new BigDecimal("2.5"));
    assertThat((List<?>) map.get("b")).isEqualTo(Arrays.asList(BigDecimal.ONE, "x", Boolean.TRUE, null));
  }

  @Test
  void parse_notJson_saysWhatAndWhere() {
    assertThatThrownBy(() -> CanonicalJson.parse("{\"a\":\n  tru}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at line 2, column");
    assertThatThrownBy(() -> CanonicalJson.parse("")).hasMessage("empty document, expected a JSON value");
    assertThatThrownBy(() -> CanonicalJson.parse("{} {}")).hasMessage("unexpected content after the JSON value at"
        + " column 5");
  }

  @Test
  void canonicalOrSame_keepsTextThatIsNotJson() {
    assertThat(CanonicalJson.canonicalOrSame("{not json")).isEqualTo("{not json");
    assertThat(CanonicalJson.canonicalOrSame("{ }")).isEqualTo("{}");
  }

  @Test
  void write_sortsMapsAndWritesNumbersPlainly() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("z", 1.5e-3);
    map.put("a", Arrays.asList(1, 2L, null, "s"));

    assertThat(CanonicalJson.write(map)).isEqualTo("{\"a\":[1,2,null,\"s\"],\"z\":0.0015}");
  }
}
