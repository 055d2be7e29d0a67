package io.loom.mapping.yaml;

import static io.loom.mapping.yaml.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import io.loom.mapping.MappingSourceProvider;
import io.loom.mapping.MappingSources;
import io.loom.mapping.testkit.ContractFixtures;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening YAML sources by location through {@link MappingSources}. */
class YamlMappingSourceProviderTest {
  @TempDir Path directory;

  private Path file() {
    Path file = directory.resolve("topic_mappings.yml");
    YamlConfigWriter.write(ContractFixtures.full(), file);
    return file;
  }

  @Test
  void providers_includeTheYamlKind() {
    assertThat(MappingSources.providers()).extracting(MappingSourceProvider::kind).containsExactly("yaml");
  }

  @Test
  void open_yamlKind_readsTheFile() {
    Path file = file();

    try (MappingSource source = MappingSources.open("yaml:" + file)) {
      assertThat(source).isInstanceOf(YamlMappingSource.class);
      assertThat(source.describe()).isEqualTo("yaml:" + file);
      assertThat(source.load()).isEqualTo(ContractFixtures.full());
    }
  }

  @Test
  void open_barePathEndingInYmlOrYaml_isYaml() {
    Path yml = file();
    Path yaml = directory.resolve("loom.yaml");
    YamlConfigWriter.write(ContractFixtures.changed(), yaml);

    try (MappingSource a = MappingSources.open(yml.toString()); MappingSource b = MappingSources.open(yaml.toString())) {
      assertThat(a.load()).isEqualTo(ContractFixtures.full());
      assertThat(b.load()).isEqualTo(ContractFixtures.changed());
    }
  }

  @Test
  void open_directory_readsItsYamlFiles() {
    file();
    write(directory.resolve("extra.yml"), "format: loom\ntopics: [{topic_name: extra.topic.raw}]\n");

    try (MappingSource source = MappingSources.open("yaml:" + directory)) {
      assertThat(source.load().topic("extra.topic.raw")).isPresent();
    }
  }

  @Test
  void open_classpath_readsTheSample() {
    try (MappingSource source = MappingSources.open(SampleConfiguration.location())) {
      assertThat(source.describe()).isEqualTo("yaml:classpath:io/loom/mapping/yaml/sample/loom-sample.yml");
      assertThat(source.load()).isEqualTo(SampleConfiguration.load());
    }
  }

  @Test
  void open_unknownKind_listsTheKnownKinds() {
    assertThatThrownBy(() -> MappingSources.open("consul:loom/config"))
        .isInstanceOf(LoomException.class)
        .hasMessage("no mapping source accepts location 'consul:loom/config' (kind 'consul'); known kinds: yaml");
  }

  @Test
  void open_settings_setTheWatchTimings_andBadValuesAreNamed() {
    Path file = file();

    try (MappingSource source = MappingSources.open("yaml:" + file,
        Map.of(YamlMappingSourceProvider.POLL_INTERVAL_MS, "50", YamlMappingSourceProvider.QUIET_PERIOD_MS, "0",
            "jdbc.password", "not for yaml"))) {
      assertThat(source.load()).isEqualTo(ContractFixtures.full());
    }
    assertThatThrownBy(() -> MappingSources.open("yaml:" + file, Map.of("yaml.poll-interval-ms", "fast")))
        .isInstanceOf(LoomException.class)
        .hasMessage("setting yaml.poll-interval-ms was 'fast' but it must be a whole number of milliseconds, at least 1");
    assertThatThrownBy(() -> MappingSources.open("yaml:" + file, Map.of("yaml.quiet-period-ms", "-1")))
        .hasMessage("setting yaml.quiet-period-ms was '-1' but it must be a whole number of milliseconds, at least 0");
  }

  @Test
  void create_withoutPath_saysWhatIsNeeded() {
    assertThatThrownBy(() -> MappingSources.open("yaml:"))
        .isInstanceOf(LoomException.class)
        .hasMessage("a yaml mapping source needs a file or directory: yaml:<path>");
  }

  @Test
  void builder_refusesNonsenseTimings() {
    assertThatThrownBy(() -> YamlMappingSource.builder(directory).pollInterval(java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("pollInterval was PT0S but it must be positive");
    assertThatThrownBy(() -> YamlMappingSource.builder(directory).quietPeriod(java.time.Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quietPeriod was PT-0.001S but it must be zero or positive");
  }
}
