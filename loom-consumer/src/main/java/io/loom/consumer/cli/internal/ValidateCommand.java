package io.loom.consumer.cli.internal;

import io.loom.consumer.settings.LoomSettings;
import io.loom.consumer.settings.Setting;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.MappingSource;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code loom validate}: loads the configured source (YAML or the database, per USE_DATABASE_CONFIG)
 * and prints every problem. Design note: it opens the source exactly as {@code run} would, through
 * {@link Sources}, so what passes here loads there.
 */
@Command(
    name = "validate",
    description = "Loads the configuration from the configured source (the YAML file, or the database when"
        + " USE_DATABASE_CONFIG is true) and prints every problem, each with where it is. Exits with 1 if there"
        + " is any.",
    sortOptions = false,
    abbreviateSynopsis = true)
public final class ValidateCommand extends BaseCommand {

  @Override
  public Setting.Group[] settingGroups() {
    return new Setting.Group[] {Setting.Group.CONFIGURATION, Setting.Group.DATABASE};
  }

  @Override
  protected int execute() {
    LoomSettings settings = settings();
    PrintWriter out = out();
    try (MappingSource source = Sources.openConfigured(settings, "loom validate")) {
      ConfigSnapshot snapshot;
      try {
        snapshot = source.reload();
      } catch (InvalidConfigurationException e) {
        List<ConfigProblem> problems = e.problems();
        out.println("configuration from " + source.describe() + " is invalid (" + problems.size()
            + (problems.size() == 1 ? " problem" : " problems") + "):");
        problems.forEach(p -> out.println("  " + p));
        return 1;
      }
      out.println("configuration from " + source.describe() + " is valid: " + summary(snapshot));
      return 0;
    }
  }

  static String summary(ConfigSnapshot snapshot) {
    return snapshot.mappings().size() + " mapped topics, " + snapshot.topics().size() + " registered topics, "
        + snapshot.schemas().size() + " schemas, " + snapshot.flows().size() + " pipeline flows; fingerprint "
        + snapshot.fingerprint();
  }
}
