package io.loom.consumer.cli.internal;

import io.loom.consumer.settings.Setting;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.jdbc.DatabaseUrl;
import io.loom.mapping.jdbc.JdbcMappingSource;
import io.loom.mapping.yaml.YamlConfigWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loom export}: the configuration tables as canonical YAML. Design note: inactive topics are
 * included, so that exporting and importing again gives back exactly the tables.
 */
@Command(
    name = "export",
    description = "Writes the configuration held in the database's configuration tables (all topics, including"
        + " inactive ones) as canonical YAML, to standard output or to a file. 'loom import' of that file gives"
        + " back the same tables.",
    sortOptions = false,
    abbreviateSynopsis = true)
public final class ExportCommand extends BaseCommand {
  @Option(names = {"-o", "--output"}, paramLabel = "FILE", order = 0,
      description = "Write to this file (replaced atomically) instead of standard output.")
  private Path output;

  @Override
  public Setting.Group[] settingGroups() {
    return new Setting.Group[] {Setting.Group.DATABASE};
  }

  @Override
  protected int execute() {
    DatabaseUrl url = Database.url(settings(), "loom export");
    ConfigSnapshot snapshot;
    try (JdbcMappingSource source = JdbcMappingSource.builder(Database.dataSource(url))
            .description(url.describe())
            .includeInactiveTopics(true)
            .watch(false)
            .build()) {
      snapshot = source.load();
    }
    if (output == null) {
      out().print(YamlConfigWriter.toYaml(snapshot));
      out().flush();
    } else {
      YamlConfigWriter.write(snapshot, output);
      out().println("exported " + ValidateCommand.summary(snapshot) + " from " + url.describe() + " to " + output);
    }
    return 0;
  }
}
