package io.loom.consumer.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's settings table is generated from the registry; this test fails when the two drift apart. */
class SettingsTableTest {
  private static final String START = "<!-- settings:start -->\n";
  private static final String END = "<!-- settings:end -->";

  @Test
  void readme_settingsTableMatchesTheRegistry() throws IOException {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme).replace("\r\n", "\n");
    int start = text.indexOf(START);
    int end = text.indexOf(END);
    assertThat(start).as("README.md has the marker %s", START.strip()).isNotNegative();
    assertThat(end).as("README.md has the marker %s after the start marker", END).isGreaterThan(start);

    String table = text.substring(start + START.length(), end);

    assertThat(table)
        .as("README.md's settings table is out of date; replace the text between the markers with"
            + " `java -jar loom-consumer/target/loom.jar settings --markdown`")
        .isEqualTo(Setting.markdownTable());
  }

  @Test
  void markdownTable_hasOneRowPerSettingAndMarksSecrets() {
    String table = Setting.markdownTable();

    for (Setting<?> s : Setting.all()) {
      assertThat(table).contains("| `" + s.env() + "` | `" + s.property() + "` | `" + s.flag() + "` |");
    }
    assertThat(table).contains("| `LOOM_ADMIN_TOKEN` | `loom.admin.token` | `--admin-token` | (none) |");
    assertThat(table.lines().filter(l -> l.contains("Secret: shown as `****`."))).hasSize(2);
    assertThat(table).contains("| `KAFKA_GROUP_ID` | `loom.kafka.group-id` | `--group-id` | `generic-kafka-to-db-consumer` |");
  }
}
