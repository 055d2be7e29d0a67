package io.loom.mapping.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.LoomException;
import io.loom.mapping.testkit.ContractFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigWriterTest {
  @TempDir Path directory;

  @Test
  void write_sample_givesTheCanonicalFixture() {
    assertThat(YamlConfigWriter.toYaml(SampleConfiguration.load()))
        .isEqualTo(TestFiles.resource("canonical/loom-sample.yml"));
  }

  @Test
  void read_canonicalFixture_givesTheSample() {
    ConfigSnapshot fixture = YamlMappingSource.parse(TestFiles.resource("canonical/loom-sample.yml"), "loom-sample.yml");

    assertThat(fixture).isEqualTo(SampleConfiguration.load());
    assertThat(fixture.fingerprint()).isEqualTo(SampleConfiguration.load().fingerprint());
  }

  @Test
  void canonicalText_readAndWrittenBack_isByteIdentical() {
    String canonical = TestFiles.resource("canonical/loom-sample.yml");

    assertThat(YamlConfigWriter.toYaml(YamlMappingSource.parse(canonical, "loom-sample.yml"))).isEqualTo(canonical);
  }

  @Test
  void writeThenRead_everyFeatureOfTheModel_givesAnEqualSnapshot() {
    for (ConfigSnapshot snapshot : List.of(ContractFixtures.full(), ContractFixtures.changed(), ConfigSnapshot.empty())) {
      String yaml = YamlConfigWriter.toYaml(snapshot);

      ConfigSnapshot back = YamlMappingSource.parse(yaml, "loom.yml");

      assertThat(back).isEqualTo(snapshot);
      assertThat(YamlConfigWriter.toYaml(back)).isEqualTo(yaml);
    }
  }

  @Test
  void write_isDeterministic_whateverTheInputOrder() {
    ConfigSnapshot full = ContractFixtures.full();
    String expected = YamlConfigWriter.toYaml(full);
    for (long seed = 1; seed <= 5; seed++) {
      ConfigSnapshot reordered = new ConfigSnapshot(shuffled(full.topics(), seed), shuffled(full.schemas(), seed),
          shuffled(full.mappings(), seed), shuffled(full.flows(), seed));

      assertThat(YamlConfigWriter.toYaml(reordered)).isEqualTo(expected);
    }
  }

  @Test
  void write_empty_isJustTheHeader() {
    assertThat(YamlConfigWriter.toYaml(ConfigSnapshot.empty())).isEqualTo(
        "# Loom configuration, canonical form (format version 1).\n"
            + "# Keys are the configuration tables' column names; see the loom-mapping-yaml README.\n"
            + "format: loom\n"
            + "version: 1\n");
  }

  @Test
  void write_awkwardValues_areQuotedSoTheyReadBackAsWritten() {
    String yaml = YamlConfigWriter.toYaml(ContractFixtures.full());

    assertThat(yaml)
        .contains("    description: 'null'\n")
        .contains("    description: yes\n")
        .contains("    description: \"line one\\nline two\"\n")
        .contains("    description: '  padded  '\n")
        .contains("    description: 'GPS fixes: lat/lon # from phones'\n")
        .contains("    description: 'Température °C — «audio» chunks ✓'\n")
        .contains("      - {source_field_path: data.label, target_column: label, data_type: string, default_value: ''}\n")
        .contains("      - {source_field_path: data.note, target_column: note, data_type: string, default_value: 'null'}\n")
        .contains("      - {source_field_path: 'data.items[0].x', target_column: first_x, data_type: float}\n")
        .contains("default_value: '2026-01-01T00:00:00Z', timestamp_format: epoch_seconds}\n")
        .contains("    compression_type: producer\n");
  }

  @Test
  void write_toFile_replacesItAtomicallyAndKeepsItsPermissions() throws Exception {
    Path file = directory.resolve("loom.yml");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));

    YamlConfigWriter.write(ContractFixtures.full(), file);

    assertThat(Files.readString(file)).isEqualTo(YamlConfigWriter.toYaml(ContractFixtures.full()));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-rw----");
    try (var entries = Files.list(directory)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void write_toNewFile_createsDirectoriesAndIsReadableByOthers() throws Exception {
    Path file = directory.resolve("conf/d/loom.yml");

    YamlConfigWriter.write(ConfigSnapshot.empty(), file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
    assertThat(YamlMappingSource.of(file).load()).isEqualTo(ConfigSnapshot.empty());
  }

  @Test
  void write_whereItCannot_saysWhereAndLeavesNothingBehind() throws Exception {
    Path blocker = directory.resolve("blocker");
    Files.writeString(blocker, "a file, not a directory");

    assertThatThrownBy(() -> YamlConfigWriter.write(ConfigSnapshot.empty(), blocker.resolve("loom.yml")))
        .isInstanceOf(LoomException.class)
        .hasMessageStartingWith("cannot write configuration file " + blocker.resolve("loom.yml") + ": ");
    try (var entries = Files.list(directory)) {
      assertThat(entries).containsExactly(blocker);
    }
  }

  private static <T> List<T> shuffled(List<T> items, long seed) {
    List<T> copy = new ArrayList<>(items);
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }
}
