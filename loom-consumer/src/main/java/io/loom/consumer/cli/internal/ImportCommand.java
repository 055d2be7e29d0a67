package io.loom.consumer.cli.internal;

import io.loom.consumer.settings.LoomSettings;
import io.loom.consumer.settings.Setting;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConfigValidator;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicRole;
import io.loom.mapping.TopicSchema;
import io.loom.mapping.jdbc.ConfigDiff;
import io.loom.mapping.jdbc.DatabaseUrl;
import io.loom.mapping.jdbc.JdbcConfigWriter;
import io.loom.mapping.jdbc.Migrator;
import io.loom.mapping.yaml.YamlMappingSource;
import java.io.PrintWriter;
import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loom import}: a YAML configuration into the configuration tables. Design note: the YAML is
 * loaded and validated by the YAML source, the difference computed and applied by the JDBC writer; the
 * two meet only in the snapshot. Without {@code --yes} nothing is written.
 */
@Command(
    name = "import",
    description = {
        "Loads a YAML configuration (the canonical shape or the legacy topic_mappings.yml shape; a file or a"
            + " directory of YAML files) and prints what would change in the database's configuration tables."
            + " With --yes it applies the changes in one transaction, so that the tables hold exactly this"
            + " configuration; without it nothing is written (a dry run). Running it again finds nothing to change.",
        "Topics that the YAML maps or names in schemas or pipeline stages but does not list in its topic registry"
            + " are registered with the defaults derived from their names."},
    sortOptions = false,
    abbreviateSynopsis = true)
public final class ImportCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "YAML", description = "The YAML file, or a directory of YAML files.")
  private Path yaml;

  @Option(names = "--schemas-dir", paramLabel = "DIR", order = 0,
      description = "Also import the JSON Schema files under DIR, laid out as"
          + " <category>/<source>/<datatype>/<stage>/<version>.json (topic <category>.<source>.<datatype>.<stage>,"
          + " e.g. device/sensor/gps/raw/v2.json), named <topic>.<version>.json anywhere under DIR, or as"
          + " <category>/<source>/<datatype>/<version>.json: these belong to the configured topic"
          + " <category>.<source>.<datatype> if there is one, else to every configured topic of that category,"
          + " source and datatype (e.g. device.sensor.gps.raw) that has no schema files of its own; a file no"
          + " configured topic takes is refused. A topic's current version is the one the YAML marks, else the one"
          + " a 'current' file in its directory names (text: the version, e.g. v1), else the highest.")
  private Path schemasDir;

  @Option(names = {"-y", "--yes"}, order = 1, description = "Apply the changes; without it nothing is written.")
  private boolean yes;

  @Override
  public Setting.Group[] settingGroups() {
    return new Setting.Group[] {Setting.Group.DATABASE};
  }

  @Override
  protected int execute() {
    LoomSettings settings = settings();
    DatabaseUrl url = Database.url(settings, "loom import");
    PrintWriter out = out();

    ConfigSnapshot snapshot;
    String description;
    try (YamlMappingSource source = YamlMappingSource.of(yaml)) {
      description = source.describe();
      snapshot = source.load();
    }
    List<String> schemaNotes = new ArrayList<>();
    if (schemasDir != null) {
      snapshot = SchemaFiles.merge(snapshot, schemasDir, schemaNotes);
    }
    List<String> registered = new ArrayList<>();
    snapshot = ConfigValidator.requireValid(registerMissingTopics(snapshot, registered), ConfigValidator.Locator.NONE,
        description);

    DataSource dataSource = Database.dataSource(url);
    if (yes && settings.autoMigrate()) {
      Migrator.Result migrated = Migrator.migrate(dataSource);
      if (migrated.changed()) {
        out.println("migrated " + url.describe() + " to schema version " + migrated.version());
      }
    }
    out.println("importing " + ValidateCommand.summary(snapshot) + " from " + description + " into "
        + url.describe());
    if (!registered.isEmpty()) {
      out.println("registering " + registered.size() + " topics the YAML uses but does not list: "
          + String.join(", ", registered));
    }
    schemaNotes.forEach(out::println);
    JdbcConfigWriter writer = new JdbcConfigWriter(dataSource);
    ConfigDiff diff = writer.diff(snapshot);
    out.print(diff.report());
    if (diff.isEmpty()) {
      return 0;
    }
    if (!yes) {
      out.println("Dry run: nothing was written. Run again with --yes to apply these changes.");
      return 0;
    }
    ConfigDiff applied = writer.apply(snapshot);
    out.println("Applied: " + applied + ".");
    return 0;
  }

  /** Adds registry entries for topics that are used but not listed. */
  static ConfigSnapshot registerMissingTopics(ConfigSnapshot snapshot, List<String> registered) {
    Set<String> listed = snapshot.topics().stream().map(TopicDefinition::topicName).collect(Collectors.toSet());
    Set<String> used = new TreeSet<>();
    snapshot.mappings().stream().map(TopicMapping::topic).forEach(used::add);
    snapshot.schemas().stream().map(TopicSchema::topicName).forEach(used::add);
    for (PipelineFlow flow : snapshot.flows()) {
      for (PipelineStage stage : flow.stages()) {
        for (TopicRole role : TopicRole.values()) {
          used.addAll(stage.topics(role));
        }
      }
    }
    used.removeAll(listed);
    used.removeIf(t -> !ConfigValidator.TOPIC_NAME.matcher(t).matches());
    if (used.isEmpty()) {
      return snapshot;
    }
    registered.addAll(used);
    List<TopicDefinition> topics = new ArrayList<>(snapshot.topics());
    used.forEach(t -> topics.add(TopicDefinition.of(t, null)));
    return new ConfigSnapshot(topics, snapshot.schemas(), snapshot.mappings(), snapshot.flows());
  }
}
