package io.loom.consumer.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

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
    write("device/audio/wav/raw/v1.json", "{}");
    write("flat/device.audio.mp3.raw.v4.json", "{}");
    write("device/sensor/gps/README.md", "ignored");

    ConfigSnapshot merged = SchemaFiles.merge(ConfigSnapshot.ofMappings(List.of(GPS)), dir);

    assertThat(merged.schemas()).extracting(TopicSchema::topicName, TopicSchema::version, TopicSchema::schemaPath,
        TopicSchema::current).containsExactly(
            tuple("device.audio.mp3.raw", "v4", "flat/device.audio.mp3.raw.v4.json", true),
            tuple("device.audio.wav.raw", "v1", "device/audio/wav/raw/v1.json", true),
            tuple("device.sensor.gps.raw", "v1", "device/sensor/gps/v1.json", false),
            tuple("device.sensor.gps.raw", "v2", "device/sensor/gps/v2.json", true));
  }

  @Test
  void merge_aDatatypeDirectoryMatchingOneTopic_belongsToIt_andSaysSo() throws Exception {
    write("device/sensor/gps/v1.json", "{}");
    write("device/sensor/gps/v2.json", "{\"type\":\"object\"}");
    List<String> notes = new ArrayList<>();

    ConfigSnapshot merged = SchemaFiles.merge(ConfigSnapshot.ofMappings(List.of(GPS)), dir, notes);

    assertThat(merged.schemas()).extracting(TopicSchema::topicName, TopicSchema::version, TopicSchema::current)
        .containsExactly(tuple("device.sensor.gps.raw", "v1", false), tuple("device.sensor.gps.raw", "v2", true));
    assertThat(notes).containsExactly("schemas in device/sensor/gps/ (v1, v2) apply to topic device.sensor.gps.raw");
  }

  @Test
  void merge_aDatatypeDirectoryMatchingSeveralTopics_belongsToEachOfThem_byTheirFieldsNotTheirNames()
      throws Exception {
    TopicDefinition renamed = new TopicDefinition("gps.fixes", "device", "sensor", "gps", "raw", null,
        TopicDefinition.DEFAULT_RETENTION_DAYS, TopicDefinition.DEFAULT_PARTITIONS,
        TopicDefinition.DEFAULT_REPLICATION_FACTOR, null, true);
    ConfigSnapshot config = new ConfigSnapshot(List.of(renamed, TopicDefinition.of("device.sensor.gps.processed", null),
        TopicDefinition.of("device.sensor.gpsx.raw", null)), List.of(), List.of(GPS), List.of());
    write("device/sensor/gps/v1.json", "{}");
    List<String> notes = new ArrayList<>();

    ConfigSnapshot merged = SchemaFiles.merge(config, dir, notes);

    assertThat(merged.schemas()).extracting(TopicSchema::topicName, TopicSchema::version, TopicSchema::schemaPath,
        TopicSchema::current).containsExactly(
            tuple("device.sensor.gps.processed", "v1", "device/sensor/gps/v1.json", true),
            tuple("device.sensor.gps.raw", "v1", "device/sensor/gps/v1.json", true),
            tuple("gps.fixes", "v1", "device/sensor/gps/v1.json", true));
    assertThat(notes).containsExactly(
        "schemas in device/sensor/gps/ (v1) apply to topic device.sensor.gps.processed",
        "schemas in device/sensor/gps/ (v1) apply to topic device.sensor.gps.raw",
        "schemas in device/sensor/gps/ (v1) apply to topic gps.fixes");
  }

  @Test
  void merge_aDatatypeDirectoryBesideStageDirectories_goesOnlyToTheTopicsWithoutFilesOfTheirOwn() throws Exception {
    ConfigSnapshot config = new ConfigSnapshot(List.of(TopicDefinition.of("device.sensor.gps.processed", null),
        TopicDefinition.of("device.sensor.gps.enriched", null)), List.of(), List.of(GPS), List.of());
    write("device/sensor/gps/v1.json", "{}");
    write("device/sensor/gps/v2.json", "{\"type\":\"object\"}");
    write("device/sensor/gps/raw/v1.json", "{\"required\":[\"device_id\"]}");
    write("device.sensor.gps.enriched.v7.json", "{}");
    List<String> notes = new ArrayList<>();

    ConfigSnapshot merged = SchemaFiles.merge(config, dir, notes);

    assertThat(merged.schemas()).extracting(TopicSchema::topicName, TopicSchema::version, TopicSchema::schemaPath,
        TopicSchema::current).containsExactly(
            tuple("device.sensor.gps.enriched", "v7", "device.sensor.gps.enriched.v7.json", true),
            tuple("device.sensor.gps.processed", "v1", "device/sensor/gps/v1.json", false),
            tuple("device.sensor.gps.processed", "v2", "device/sensor/gps/v2.json", true),
            tuple("device.sensor.gps.raw", "v1", "device/sensor/gps/raw/v1.json", true));
    assertThat(notes).containsExactly(
        "schemas in device/sensor/gps/ do not apply to topic device.sensor.gps.enriched, which has schema files"
            + " of its own",
        "schemas in device/sensor/gps/ (v1, v2) apply to topic device.sensor.gps.processed",
        "schemas in device/sensor/gps/ do not apply to topic device.sensor.gps.raw, which has schema files of its own");
  }

  @Test
  void merge_aDatatypeDirectoryWhoseTopicsAllHaveFilesOfTheirOwn_isRefused() throws Exception {
    write("device/sensor/gps/v1.json", "{}");
    write("device/sensor/gps/raw/v1.json", "{}");

    assertThatThrownBy(() -> SchemaFiles.merge(ConfigSnapshot.ofMappings(List.of(GPS)), dir))
        .isInstanceOf(InvalidConfigurationException.class)
        .extracting(e -> ((InvalidConfigurationException) e).problems())
        .isEqualTo(List.of(new ConfigProblem(dir.resolve("device/sensor/gps/v1.json").toString(), "schemas",
            "file 'device/sensor/gps/v1.json' belongs to no topic: every configured topic with category 'device',"
                + " source 'sensor' and datatype 'gps' has schema files of its own (device.sensor.gps.raw); move the"
                + " file into the directory of the topic it describes, or remove it")));
  }

  @Test
  void merge_aDatatypeDirectoryMatchingNoTopic_isRefusedNamingTheClosestTopics() throws Exception {
    ConfigSnapshot config = new ConfigSnapshot(List.of(TopicDefinition.of("device.audio.mp3.raw", null),
        TopicDefinition.of("device.sensor.wav.raw", null), TopicDefinition.of("phone.mic.wav.raw", null)),
        List.of(), List.of(GPS), List.of());
    write("device/audio/wav/v1.json", "{}");
    write("device/audio/wav/current", "v1");
    write("other/feed/news/v1.json", "{}");

    assertThatThrownBy(() -> SchemaFiles.merge(config, dir))
        .isInstanceOf(InvalidConfigurationException.class)
        .extracting(e -> ((InvalidConfigurationException) e).problems())
        .isEqualTo(List.of(
            new ConfigProblem(dir.resolve("device/audio/wav/current").toString(), "schemas", "file"
                + " 'device/audio/wav/current' belongs to no configured topic: no topic has category 'device', source"
                + " 'audio' and datatype 'wav'; the closest configured topics are device.audio.mp3.raw,"
                + " device.sensor.wav.raw; configure the topic, or give the file the topic's own directory"
                + " <category>/<source>/<datatype>/<stage>/"),
            new ConfigProblem(dir.resolve("device/audio/wav/v1.json").toString(), "schemas", "file"
                + " 'device/audio/wav/v1.json' belongs to no configured topic: no topic has category 'device', source"
                + " 'audio' and datatype 'wav'; the closest configured topics are device.audio.mp3.raw,"
                + " device.sensor.wav.raw; configure the topic, or give the file the topic's own directory"
                + " <category>/<source>/<datatype>/<stage>/"),
            new ConfigProblem(dir.resolve("other/feed/news/v1.json").toString(), "schemas", "file"
                + " 'other/feed/news/v1.json' belongs to no configured topic: no topic has category 'other', source"
                + " 'feed' and datatype 'news'; configure the topic, or give the file the topic's own directory"
                + " <category>/<source>/<datatype>/<stage>/")));
  }

  @Test
  void merge_aDatatypeDirectoryMatchingNoTopic_belongsToTheThreePartTopicOfItsName() throws Exception {
    TopicDefinition audio = new TopicDefinition("device.audio.wav", "media", "microphone", "pcm", null, null,
        TopicDefinition.DEFAULT_RETENTION_DAYS, TopicDefinition.DEFAULT_PARTITIONS,
        TopicDefinition.DEFAULT_REPLICATION_FACTOR, null, true);
    ConfigSnapshot config = new ConfigSnapshot(List.of(audio), List.of(), List.of(GPS), List.of());
    write("device/audio/wav/v1.json", "{}");
    write("device/audio/wav/v2.json", "{\"type\":\"object\"}");
    write("device/audio/wav/current", "v1");
    List<String> notes = new ArrayList<>();

    ConfigSnapshot merged = SchemaFiles.merge(config, dir, notes);

    assertThat(merged.schemas()).extracting(TopicSchema::topicName, TopicSchema::version, TopicSchema::current)
        .containsExactly(tuple("device.audio.wav", "v1", true), tuple("device.audio.wav", "v2", false));
    assertThat(notes).isEmpty();
  }

  @Test
  void merge_aDatatypeDirectoryNamingAConfiguredThreePartTopic_isThatTopicsAlone() throws Exception {
    TopicMapping threePart = new TopicMapping("device.sensor.gps", "gps_all", List.of(), ConflictStrategy.IGNORE,
        List.of(FieldMapping.of("device_id", "device_id", DataType.STRING)));
    write("device/sensor/gps/v1.json", "{}");

    ConfigSnapshot merged = SchemaFiles.merge(ConfigSnapshot.ofMappings(List.of(GPS, threePart)), dir);

    assertThat(merged.schemas()).extracting(TopicSchema::topicName, TopicSchema::version)
        .containsExactly(tuple("device.sensor.gps", "v1"));
  }

  @Test
  void merge_aCurrentFileInADatatypeDirectory_choosesTheCurrentVersionOfEachTopicItGoesTo() throws Exception {
    ConfigSnapshot config = new ConfigSnapshot(List.of(TopicDefinition.of("device.sensor.gps.processed", null),
        TopicDefinition.of("device.sensor.gps.enriched", null)), List.of(), List.of(GPS), List.of());
    write("device/sensor/gps/v1.json", "{}");
    write("device/sensor/gps/v2.json", "{\"type\":\"object\"}");
    write("device/sensor/gps/current", "v1\n");
    write("device/sensor/gps/enriched/v1.json", "{}");
    write("device/sensor/gps/enriched/v2.json", "{\"type\":\"object\"}");
    List<String> notes = new ArrayList<>();

    ConfigSnapshot merged = SchemaFiles.merge(config, dir, notes);

    assertThat(merged.currentSchema("device.sensor.gps.raw")).map(TopicSchema::version).contains("v1");
    assertThat(merged.currentSchema("device.sensor.gps.processed")).map(TopicSchema::version).contains("v1");
    assertThat(merged.currentSchema("device.sensor.gps.enriched")).map(TopicSchema::version).contains("v2");
    assertThat(notes).contains("schemas in device/sensor/gps/ (v1, v2, current) apply to topic device.sensor.gps.raw");
  }

  @Test
  void merge_aStageDirectorysCurrentFile_winsOverItsDatatypeDirectorys() throws Exception {
    write("device/sensor/gps/v1.json", "{}");
    write("device/sensor/gps/v2.json", "{\"type\":\"object\"}");
    write("device/sensor/gps/current", "v1");
    write("device/sensor/gps/raw/current", "v2");

    ConfigSnapshot merged = SchemaFiles.merge(ConfigSnapshot.ofMappings(List.of(GPS)), dir);

    assertThat(merged.currentSchema("device.sensor.gps.raw")).map(TopicSchema::version).contains("v2");
  }

  @Test
  void merge_aCurrentFileInADatatypeDirectory_namingNoVersion_isRefusedForEachTopic() throws Exception {
    ConfigSnapshot config = new ConfigSnapshot(List.of(TopicDefinition.of("device.sensor.gps.processed", null)),
        List.of(), List.of(GPS), List.of());
    write("device/sensor/gps/v1.json", "{}");
    write("device/sensor/gps/current", "v3");
    String marker = dir.resolve("device/sensor/gps/current").toString();

    assertThatThrownBy(() -> SchemaFiles.merge(config, dir))
        .isInstanceOf(InvalidConfigurationException.class)
        .extracting(e -> ((InvalidConfigurationException) e).problems())
        .isEqualTo(List.of(
            new ConfigProblem(marker, "schemas[device.sensor.gps.processed].current",
                "names version 'v3', but topic device.sensor.gps.processed has only v1"),
            new ConfigProblem(marker, "schemas[device.sensor.gps.raw].current",
                "names version 'v3', but topic device.sensor.gps.raw has only v1")));
  }

  @Test
  void merge_aDatatypeDirectoryContradictingTheYaml_isRefusedAtTheFile() throws Exception {
    ConfigSnapshot yaml = new ConfigSnapshot(List.of(),
        List.of(new TopicSchema("device.sensor.gps.raw", "v1", "{\"type\":\"object\"}", null, true)),
        List.of(GPS), List.of());
    write("device/sensor/gps/v1.json", "{\"type\":\"string\"}");

    assertThatThrownBy(() -> SchemaFiles.merge(yaml, dir))
        .isInstanceOf(InvalidConfigurationException.class)
        .extracting(e -> ((InvalidConfigurationException) e).problems())
        .isEqualTo(List.of(new ConfigProblem(dir.resolve("device/sensor/gps/v1.json").toString(),
            "schemas[device.sensor.gps.raw/v1]", "schema device.sensor.gps.raw/v1 is also in the YAML configuration"
                + " with different content; keep one of them")));
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
