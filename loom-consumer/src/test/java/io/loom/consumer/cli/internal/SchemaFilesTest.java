package io.loom.consumer.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.StageTopic;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicRole;
import io.loom.mapping.TopicSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaFilesTest {
  @TempDir Path dir;

  private static final TopicMapping GPS = new TopicMapping("device.sensor.gps.raw", "gps", List.of(),
      ConflictStrategy.IGNORE, List.of(FieldMapping.of("device_id", "device_id", DataType.STRING)));

  @Test
  void merge_keepsTheYamlsCurrentVersion() throws Exception {
    ConfigSnapshot yaml = new ConfigSnapshot(List.of(TopicDefinition.of("device.sensor.gps.raw", null)),
        List.of(new TopicSchema("device.sensor.gps.raw", "v1", "{\"type\":\"object\"}", null, true)), List.of(GPS),
        List.of());
    Files.writeString(dir.resolve("device.sensor.gps.raw.v1.json"), "{ \"type\" : \"object\" }");
    Files.writeString(dir.resolve("device.sensor.gps.raw.v3.json"), "{\"type\":\"array\"}");

    ConfigSnapshot merged = SchemaFiles.merge(yaml, dir);

    assertThat(merged.schemas()).extracting(TopicSchema::version, TopicSchema::current)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("v1", true), org.assertj.core.groups.Tuple.tuple("v3", false));
    assertThat(merged.schemas().get(1).schemaPath()).isEqualTo("device.sensor.gps.raw.v3.json");
  }

  @Test
  void merge_makesVersion10CurrentOverVersion9() throws Exception {
    Files.writeString(dir.resolve("device.sensor.gps.raw.v9.json"), "{}");
    Files.writeString(dir.resolve("device.sensor.gps.raw.v10.json"), "{}");

    ConfigSnapshot merged = SchemaFiles.merge(ConfigSnapshot.ofMappings(List.of(GPS)), dir);

    assertThat(merged.currentSchema("device.sensor.gps.raw")).map(TopicSchema::version).contains("v10");
  }

  @Test
  void merge_refusesAFileThatContradictsTheYaml() throws Exception {
    ConfigSnapshot yaml = new ConfigSnapshot(List.of(),
        List.of(new TopicSchema("device.sensor.gps.raw", "v1", "{\"type\":\"object\"}", null, true)), List.of(GPS),
        List.of());
    Path file = dir.resolve("device.sensor.gps.raw.v1.json");
    Files.writeString(file, "{\"type\":\"string\"}");

    assertThatThrownBy(() -> SchemaFiles.merge(yaml, dir))
        .isInstanceOf(InvalidConfigurationException.class)
        .extracting(e -> ((InvalidConfigurationException) e).problems())
        .isEqualTo(List.of(new ConfigProblem(file.toString(), "schemas[device.sensor.gps.raw/v1]",
            "schema device.sensor.gps.raw/v1 is also in the YAML configuration with different content; keep one of them")));
  }

  @Test
  void merge_readsTheNestedLayout_withThreeAndFourLevels_andRecordsTheRelativePath() throws Exception {
    write("device/sensor/gps/v1.json", "{\"type\":\"object\"}");
    write("device/sensor/gps/v2.json", "{\"type\":\"object\",\"required\":[\"device_id\"]}");
    write("device/sensor/gps/raw/v1.json", "{}");
    write("flat/device.audio.wav.raw.v4.json", "{}");
    write("device/sensor/gps/README.md", "ignored");

    ConfigSnapshot merged = SchemaFiles.merge(ConfigSnapshot.ofMappings(List.of(GPS)), dir);

    assertThat(merged.schemas()).extracting(TopicSchema::topicName, TopicSchema::version, TopicSchema::schemaPath,
        TopicSchema::current).containsExactly(
            org.assertj.core.groups.Tuple.tuple("device.audio.wav.raw", "v4", "flat/device.audio.wav.raw.v4.json", true),
            org.assertj.core.groups.Tuple.tuple("device.sensor.gps", "v1", "device/sensor/gps/v1.json", false),
            org.assertj.core.groups.Tuple.tuple("device.sensor.gps", "v2", "device/sensor/gps/v2.json", true),
            org.assertj.core.groups.Tuple.tuple("device.sensor.gps.raw", "v1", "device/sensor/gps/raw/v1.json", true));
  }

  @Test
  void merge_aCurrentFile_choosesTheCurrentVersion() throws Exception {
    write("device/sensor/gps/raw/v1.json", "{}");
    write("device/sensor/gps/raw/v2.json", "{\"type\":\"object\"}");
    write("device/sensor/gps/raw/current", "v1\n");

    ConfigSnapshot merged = SchemaFiles.merge(ConfigSnapshot.ofMappings(List.of(GPS)), dir);

    assertThat(merged.currentSchema("device.sensor.gps.raw")).map(TopicSchema::version).contains("v1");
  }

  @Test
  void merge_refusesMisplacedFiles_andCurrentFilesNamingNoVersion_allAtOnce() throws Exception {
    write("device/sensor/gps/raw/v1.json", "{}");
    write("device/sensor/gps/raw/current", "v3");
    write("device/sensor/current", "v1");
    write("device/sensor/gps/latest.json", "{}");
    write("Device/sensor/gps/v1.json", "{}");

    assertThatThrownBy(() -> SchemaFiles.merge(ConfigSnapshot.ofMappings(List.of(GPS)), dir))
        .isInstanceOf(InvalidConfigurationException.class)
        .extracting(e -> ((InvalidConfigurationException) e).problems())
        .isEqualTo(List.of(
            new ConfigProblem(dir.resolve("Device/sensor/gps/v1.json").toString(), "schemas", "file"
                + " 'Device/sensor/gps/v1.json' follows neither <category>/<source>/<datatype>[/<stage>]/<version>.json"
                + " (e.g. device/sensor/gps/v2.json) nor <topic>.<version>.json (e.g. device.sensor.gps.raw.v2.json)"),
            new ConfigProblem(dir.resolve("device/sensor/current").toString(), "schemas", "a current-version file"
                + " belongs in a topic's directory, <category>/<source>/<datatype>[/<stage>]/current, not at"
                + " 'device/sensor/current'"),
            new ConfigProblem(dir.resolve("device/sensor/gps/latest.json").toString(), "schemas", "file"
                + " 'device/sensor/gps/latest.json' follows neither <category>/<source>/<datatype>[/<stage>]/<version>.json"
                + " (e.g. device/sensor/gps/v2.json) nor <topic>.<version>.json (e.g. device.sensor.gps.raw.v2.json)"),
            new ConfigProblem(dir.resolve("device/sensor/gps/raw/current").toString(), "schemas[device.sensor.gps.raw].current",
                "names version 'v3', but topic device.sensor.gps.raw has only v1")));
  }

  @Test
  void merge_refusesACurrentFileContradictingTheYaml() throws Exception {
    ConfigSnapshot yaml = new ConfigSnapshot(List.of(),
        List.of(new TopicSchema("device.sensor.gps.raw", "v1", "{}", null, true)), List.of(GPS), List.of());
    write("device/sensor/gps/raw/v2.json", "{}");
    write("device/sensor/gps/raw/current", "v2");

    assertThatThrownBy(() -> SchemaFiles.merge(yaml, dir))
        .isInstanceOf(InvalidConfigurationException.class)
        .extracting(e -> ((InvalidConfigurationException) e).problems())
        .isEqualTo(List.of(new ConfigProblem(dir.resolve("device/sensor/gps/raw/current").toString(),
            "schemas[device.sensor.gps.raw].current", "names version 'v2', but the YAML configuration makes v1 current;"
                + " keep one of them")));
  }

  @Test
  void merge_refusesTwoFilesOfOneVersionThatDiffer() throws Exception {
    write("device/sensor/gps/raw/v1.json", "{}");
    write("device.sensor.gps.raw.v1.json", "{\"type\":\"object\"}");

    assertThatThrownBy(() -> SchemaFiles.merge(ConfigSnapshot.ofMappings(List.of(GPS)), dir))
        .isInstanceOf(InvalidConfigurationException.class)
        .extracting(e -> ((InvalidConfigurationException) e).problems())
        .isEqualTo(List.of(new ConfigProblem(dir.resolve("device/sensor/gps/raw/v1.json").toString(),
            "schemas[device.sensor.gps.raw/v1]", "schema device.sensor.gps.raw/v1 is also in"
                + " device.sensor.gps.raw.v1.json with different content; keep one of them")));
  }

  private void write(String relative, String text) throws Exception {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void merge_ofAMissingDirectory_fails() {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> SchemaFiles.merge(ConfigSnapshot.empty(), missing))
        .isInstanceOf(LoomException.class)
        .hasMessage("schemas directory " + missing + " does not exist or is not a directory");
  }

  @Test
  void registerMissingTopics_addsTopicsUsedByMappingsSchemasAndStages() {
    PipelineStage stage = new PipelineStage("geocoding", 1, "geo", null, 1, null, null, 3, 1, null, null,
        List.of(new StageTopic("device.sensor.gps.raw", TopicRole.INPUT),
            new StageTopic("location.address.geocoded", TopicRole.OUTPUT)));
    ConfigSnapshot snapshot = new ConfigSnapshot(List.of(TopicDefinition.of("device.sensor.gps.raw", "listed")),
        List.of(new TopicSchema("device.audio.raw", "v1", "{}", null, true)), List.of(GPS),
        List.of(new PipelineFlow("location", null, null, null, null, 3, true, List.of(stage))));
    List<String> registered = new ArrayList<>();

    ConfigSnapshot completed = ImportCommand.registerMissingTopics(snapshot, registered);

    assertThat(registered).containsExactly("device.audio.raw", "location.address.geocoded");
    assertThat(completed.topics()).extracting(TopicDefinition::topicName)
        .containsExactly("device.audio.raw", "device.sensor.gps.raw", "location.address.geocoded");
    assertThat(completed.topic("device.sensor.gps.raw")).map(TopicDefinition::description).contains("listed");
  }
}
