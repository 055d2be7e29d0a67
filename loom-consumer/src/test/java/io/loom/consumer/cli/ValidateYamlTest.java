package io.loom.consumer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.yaml.SampleConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loom validate} over YAML files. */
class ValidateYamlTest {
  static final String GPS_YAML = """
      topics:
        device.sensor.gps.raw:
          table: device_sensor_gps_raw
          description: GPS fixes
          upsert_key: "device_id, timestamp"
          conflict_strategy: update
          field_mappings:
            device_id: device_id
            timestamp: timestamp
            data.latitude: latitude
          data_types:
            timestamp: timestamp
            latitude: float
          required_fields: [device_id, timestamp]
      """;

  @TempDir Path dir;

  @Test
  void validate_validYaml_exits0WithASummary() throws Exception {
    Path yaml = write("topic_mappings.yml", GPS_YAML);

    CliRun run = CliRun.of(Map.of("LOOM_CONFIG_YAML_FILE", yaml.toString()), "validate");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).matches("configuration from yaml:" + java.util.regex.Pattern.quote(yaml.toString())
        + " is valid: 1 mapped topics, 1 registered topics, 0 schemas, 0 pipeline flows; fingerprint [0-9a-f]{16}\n");
  }

  @Test
  void validate_theSample_isValid() {
    Path sample = SampleConfiguration.copyTo(dir.resolve("sample"));

    CliRun run = CliRun.of(Map.of(), "validate", "--yaml-file", sample.toString());

    assertThat(run.status()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains(" is valid: 10 mapped topics");
  }

  @Test
  void validate_invalidYaml_printsEveryProblemWithItsLineAndExits1() throws Exception {
    Path yaml = write("topic_mappings.yml", GPS_YAML.replace("latitude: float", "latitude: flaot")
        .replace("table: device_sensor_gps_raw", "table: Device-GPS"));

    CliRun run = CliRun.of(Map.of(), "validate", "--yaml-file", yaml.toString());

    assertThat(run.status()).isEqualTo(1);
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("configuration from yaml:" + yaml + " is invalid (2 problems):");
    assertThat(lines.subList(1, lines.size())).containsExactly(
        "  topic_mappings.yml:3: mappings[device.sensor.gps.raw].table_name: table name 'Device-GPS' is not allowed;"
            + " expected ^[a-z_][a-z0-9_]{0,62}$, optionally schema-qualified",
        "  topic_mappings.yml:13: mappings[device.sensor.gps.raw].data_types.latitude: data type 'flaot' is unknown;"
            + " expected one of string, integer, float, boolean, timestamp, array, float_array, json");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void validate_missingYamlFile_failsOnOneLine() {
    Path missing = dir.resolve("absent.yml");

    CliRun run = CliRun.of(Map.of(), "validate", "--yaml-file", missing.toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("loom validate: ").contains(missing.toString());
    assertThat(run.err().lines()).hasSize(1);
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}
