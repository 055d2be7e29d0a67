package io.loom.mapping.yaml;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.MappingSource;
import io.loom.mapping.testkit.MappingSourceContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The MappingSource contract, over a canonical YAML file written by {@link YamlConfigWriter}. */
class YamlMappingSourceContractTest extends MappingSourceContract {
  @TempDir Path directory;

  private Path file() {
    return directory.resolve("loom.yml");
  }

  @Override
  protected MappingSource sourceWith(ConfigSnapshot fixture) {
    YamlConfigWriter.write(fixture, file());
    return YamlMappingSource.builder(file())
        .pollInterval(Duration.ofMillis(20))
        .quietPeriod(Duration.ofMillis(100))
        .build();
  }

  @Override
  protected void replaceContent(MappingSource source, ConfigSnapshot content) {
    YamlConfigWriter.write(content, file());
  }

  @Override
  protected boolean supportsChanges() {
    return true;
  }

  @Override
  protected boolean supportsChangeNotification() {
    return true;
  }
}
