package io.loom.consumer.cli.internal;

import io.loom.consumer.settings.LoomSettings;
import io.loom.consumer.settings.Setting;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.MappingCompiler;
import io.loom.mapping.MappingSource;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.jdbc.DatabaseUrl;
import io.loom.sink.JdbcSink;
import io.loom.sink.SinkOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loom validate}: loads the configured source (YAML or the database, per USE_DATABASE_CONFIG)
 * and prints every problem; with a database, also checks that every target table can take its rows.
 * Design note: it opens the source exactly as {@code run} would ({@link LoomSettings#configLocation()}),
 * and the table check is the sink's own, so what passes here loads and writes there.
 */
@Command(
    name = "validate",
    description = {
        "Loads the configuration from the configured source (the YAML file, or the database when"
            + " USE_DATABASE_CONFIG is true) and prints every problem, each with where it is.",
        "When LOOM_DATABASE_URL is set, also checks the target tables: each exists, has every mapped column with"
            + " a type the mapped data can be written to, and a unique index on the upsert key.",
        "Exits with 1 if there is any problem."},
    sortOptions = false,
    abbreviateSynopsis = true)
public final class ValidateCommand extends BaseCommand {
  @Option(names = "--no-table-check", order = 0,
      description = "Check the configuration only, not the target tables in the database.")
  private boolean noTableCheck;

  @Override
  public Setting.Group[] settingGroups() {
    return new Setting.Group[] {Setting.Group.CONFIGURATION, Setting.Group.DATABASE};
  }

  @Override
  protected int execute() {
    LoomSettings settings = settings();
    PrintWriter out = out();
    ConfigSnapshot snapshot;
    try (MappingSource source = Sources.openConfigured(settings, "loom validate")) {
      try {
        snapshot = source.reload();
      } catch (InvalidConfigurationException e) {
        List<ConfigProblem> problems = e.problems();
        out.println("configuration from " + source.describe() + " is invalid (" + count(problems) + "):");
        problems.forEach(p -> out.println("  " + p));
        return 1;
      }
      out.println("configuration from " + source.describe() + " is valid: " + summary(snapshot));
    }
    if (noTableCheck || settings.databaseUrl().isEmpty()) {
      return 0;
    }
    DatabaseUrl url = Database.url(settings, "loom validate");
    List<ConfigProblem> problems = new ArrayList<>();
    try (JdbcSink sink = new JdbcSink(Database.dataSource(url), SinkOptions.builder()
        .createMissingTables(settings.createMissingTables()).build())) {
      for (TopicMapping mapping : snapshot.mappings()) {
        problems.addAll(sink.check(mapping, MappingCompiler.compile(mapping).columns()));
      }
    }
    if (!problems.isEmpty()) {
      out.println("the target tables in " + url.describe() + " do not fit the configuration (" + count(problems)
          + "):");
      problems.forEach(p -> out.println("  " + p));
      return 1;
    }
    out.println(snapshot.mappings().size() + " target tables checked in " + url.describe()
        + ": every mapped column can be written");
    return 0;
  }

  private static String count(List<ConfigProblem> problems) {
    return problems.size() + (problems.size() == 1 ? " problem" : " problems");
  }

  static String summary(ConfigSnapshot snapshot) {
    return snapshot.mappings().size() + " mapped topics, " + snapshot.topics().size() + " registered topics, "
        + snapshot.schemas().size() + " schemas, " + snapshot.flows().size() + " pipeline flows; fingerprint "
        + snapshot.fingerprint();
  }
}
