package io.loom.consumer.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.consumer.settings.internal.PropertiesFile;
import io.loom.consumer.settings.internal.PropertiesFile.Entry;
import org.junit.jupiter.api.Test;

class PropertiesFileTest {
  @Test
  void parse_keepsTheStartingLineOfEveryEntry() {
    String text = """
        # a comment \\
        a=1
        ! another comment
        b : two \\
            words
          c   3

        d=\\u0041\\tz
        """;

    assertThat(PropertiesFile.parse(text)).containsExactly(
        new Entry("a", "1", 2),
        new Entry("b", "two words", 4),
        new Entry("c", "3", 6),
        new Entry("d", "A\tz", 8));
  }

  @Test
  void parse_reportsAMalformedEscapeAsAnEntryWithoutKey() {
    assertThat(PropertiesFile.parse("ok=1\nbad=\\uZZZZ\n")).containsExactly(
        new Entry("ok", "1", 1), new Entry("", "bad=\\uZZZZ", 2));
  }
}
