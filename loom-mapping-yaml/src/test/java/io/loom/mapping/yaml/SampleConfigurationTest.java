package io.loom.mapping.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConfigValidator;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleConfigurationTest {
  private static final ConfigSnapshot SAMPLE = SampleConfiguration.load();

  @Test
  void load_isValid_andMapsTheDeviceTopics() {
    assertThat(ConfigValidator.validate(SAMPLE)).isEmpty();
    assertThat(SAMPLE.mappedTopics()).containsExactly(
        "device.audio.raw", "device.health.heartrate.raw", "device.network.wifi.raw", "device.os.events.raw",
        "device.power.battery.raw", "device.sensor.accelerometer.raw", "device.sensor.barometer.raw",
        "device.sensor.gps.raw", "device.sensor.telemetry.raw", "device.sensor.temperature.raw");
    assertThat(SAMPLE.topics()).hasSize(18);
  }

  @Test
  void telemetry_isTheReferenceWorkloadsTwelveColumns() {
    TopicMapping telemetry = SAMPLE.mapping("device.sensor.telemetry.raw").orElseThrow();

    assertThat(telemetry.table()).isEqualTo("device_sensor_telemetry_raw");
    assertThat(telemetry.upsertKey()).containsExactly("device_id", "timestamp");
    assertThat(telemetry.fields()).extracting(f -> f.sourcePath() + "->" + f.targetColumn() + ":" + f.dataType())
        .containsExactly("device_id->device_id:string", "timestamp->timestamp:timestamp",
            "data.sensor_type->data_sensor_type:string", "data.value->data_value:float", "data.unit->data_unit:string",
            "battery_level->battery_level:integer", "tags.site->tags_site:string",
            "tags.building->tags_building:string", "tags.zone->tags_zone:string",
            "tags.firmware->tags_firmware:string", "tags.model->tags_model:string", "tags.region->tags_region:string");
  }

  @Test
  void sample_showsNestedPathsExplosionIndexesMetadataAndEveryType() {
    List<FieldMapping> fields = SAMPLE.mappings().stream().flatMap(m -> m.fields().stream()).toList();

    assertThat(fields).extracting(FieldMapping::sourcePath)
        .contains("data.latitude", "data.readings[*].x", "data.calibration[0].offset", "$kafka.offset",
            "$kafka.partition", "$kafka.timestamp", "$kafka.header.trace-id");
    assertThat(fields).extracting(FieldMapping::dataType).contains(DataType.values());
    assertThat(fields).extracting(FieldMapping::transformation).contains(io.loom.mapping.Transformation.values());
    assertThat(SAMPLE.mapping("device.sensor.accelerometer.raw").orElseThrow().isAppendOnly()).isTrue();
  }

  @Test
  void schemas_haveVersionsWithOneCurrent() {
    assertThat(SAMPLE.schemas()).extracting(s -> s.topicName() + "/" + s.version() + (s.current() ? "*" : ""))
        .containsExactly("device.audio.raw/v1", "device.audio.raw/v2*", "device.health.heartrate.raw/v1*",
            "device.sensor.gps.raw/v1", "device.sensor.gps.raw/v2*", "device.sensor.telemetry.raw/v1*");
    assertThat(SAMPLE.currentSchema("device.sensor.gps.raw")).get().extracting(TopicSchema::schemaPath)
        .isEqualTo("schemas/device.sensor.gps.raw.v2.json");
  }

  @Test
  void flows_haveStagesWithEveryRole() {
    assertThat(SAMPLE.flows()).extracting(PipelineFlow::flowName)
        .containsExactly("audio_processing", "health_monitoring", "location_enrichment");
    assertThat(SAMPLE.errorTopicsFor("device.sensor.gps.raw")).containsExactly("processing.errors.location.geocoding");
    assertThat(SAMPLE.errorTopicsFor("device.audio.raw")).containsExactly("processing.errors.audio.vad");
  }

  @Test
  void copyTo_givesAnEditableCopyWithItsSchemaFiles(@TempDir Path directory) throws Exception {
    Path file = SampleConfiguration.copyTo(directory.resolve("config"));

    assertThat(file).isEqualTo(directory.resolve("config/loom-sample.yml"));
    assertThat(Files.readString(file)).isEqualTo(SampleConfiguration.text());
    try (YamlMappingSource source = YamlMappingSource.of(file)) {
      assertThat(source.load()).isEqualTo(SAMPLE);
    }
  }

  @Test
  void text_isTheCanonicalShape() {
    assertThat(SampleConfiguration.text()).startsWith("# Loom sample configuration").contains("\nformat: loom\n");
  }
}
