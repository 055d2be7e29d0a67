package io.loom.mapping.yaml;

import static io.loom.mapping.yaml.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.ConfigSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML examples of the module's README are valid configurations. */
class ReadmeExamplesTest {
  @TempDir Path directory;

  private static List<String> yamlBlocks() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    List<String> blocks = new ArrayList<>();
    int at = 0;
    while ((at = readme.indexOf("```yaml\n", at)) >= 0) {
      int end = readme.indexOf("```\n", at + 8);
      blocks.add(readme.substring(at + 8, end));
      at = end;
    }
    return blocks;
  }

  @Test
  void canonicalExample_isValid() throws Exception {
    write(directory.resolve("schemas/gps-v1.json"), "{\"type\": \"object\"}");
    Path file = write(directory.resolve("loom.yml"), yamlBlocks().get(0));

    ConfigSnapshot snapshot = YamlMappingSource.of(file).load();

    assertThat(snapshot.mappedTopics()).containsExactly("device.sensor.accelerometer.raw", "device.sensor.gps.raw");
    assertThat(snapshot.schemas()).hasSize(3);
    assertThat(snapshot.flows().get(0).stages().get(0).topics()).hasSize(3);
  }

  @Test
  void legacyExample_isValid() throws Exception {
    ConfigSnapshot snapshot = YamlMappingSource.parse(yamlBlocks().get(1), "topic_mappings.yml");

    assertThat(snapshot.mappedTopics()).containsExactly("device.sensor.gps.raw");
    assertThat(snapshot.topics()).hasSize(1);
  }
}
