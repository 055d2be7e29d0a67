package io.loom.mapping.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.MappingSource;
import io.loom.mapping.testkit.ContractFixtures;
import io.loom.mapping.yaml.SampleConfiguration;
import io.loom.mapping.yaml.YamlConfigWriter;
import io.loom.mapping.yaml.YamlMappingSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Import and export meet only in the model: a YAML file imported into the tables and exported again is
 * the same file, and the same configuration loaded from YAML and from the tables is the same snapshot.
 */
class YamlDatabaseRoundTripTest {
  @TempDir Path dir;

  @Test
  void contractFixture_yamlToDatabaseToYaml_givesBackTheSameFile() throws Exception {
    Path original = dir.resolve("loom.yml");
    YamlConfigWriter.write(ContractFixtures.full(), original);

    Path exported = roundTrip(original, "round_trip_fixture");

    assertThat(Files.readString(exported)).isEqualTo(Files.readString(original));
  }

  @Test
  void sampleConfiguration_importedFromItsFileAndExported_isThatFileInCanonicalForm() throws Exception {
    Db db = Db.migrated("round_trip_sample");
    try (MappingSource sample = SampleConfiguration.source()) {
      new JdbcConfigWriter(db.dataSource).apply(sample.load());
    }

    Path exported = dir.resolve("sample-exported.yml");
    try (JdbcMappingSource jdbc = JdbcMappingSource.builder(db.dataSource).watch(false).includeInactiveTopics(true)
        .build()) {
      YamlConfigWriter.write(jdbc.load(), exported);
    }

    assertThat(Files.readString(exported)).isEqualTo(YamlConfigWriter.toYaml(SampleConfiguration.load()));
  }

  @Test
  void sameConfiguration_fromYamlAndFromTheDatabase_givesEqualSnapshots() throws Exception {
    Path file = dir.resolve("loom.yml");
    YamlConfigWriter.write(ContractFixtures.full(), file);
    Db db = Db.migrated("round_trip_equal");
    ConfigSnapshot fromYaml;
    try (YamlMappingSource yaml = YamlMappingSource.of(file)) {
      fromYaml = yaml.load();
    }
    new JdbcConfigWriter(db.dataSource).apply(fromYaml);

    try (JdbcMappingSource jdbc = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      ConfigSnapshot fromDatabase = jdbc.load();
      assertThat(fromDatabase).isEqualTo(fromYaml);
      assertThat(fromDatabase.fingerprint()).isEqualTo(fromYaml.fingerprint());
    }
  }

  /** YAML file -> tables (import) -> snapshot (export source) -> YAML file. */
  private Path roundTrip(Path yamlFile, String database) {
    Db db = Db.migrated(database);
    try (YamlMappingSource yaml = YamlMappingSource.of(yamlFile)) {
      new JdbcConfigWriter(db.dataSource).apply(yaml.load());
    }
    Path exported = dir.resolve(database + "-exported.yml");
    try (JdbcMappingSource jdbc = JdbcMappingSource.builder(db.dataSource).watch(false).includeInactiveTopics(true)
        .build()) {
      YamlConfigWriter.write(jdbc.load(), exported);
    }
    return exported;
  }
}
