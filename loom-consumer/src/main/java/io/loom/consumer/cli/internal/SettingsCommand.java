package io.loom.consumer.cli.internal;

import io.loom.consumer.settings.LoomSettings;
import io.loom.consumer.settings.Origin;
import io.loom.consumer.settings.Setting;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code loom settings}: the effective settings with their origins (secrets masked), or the Markdown table. */
@Command(
    name = "settings",
    description = "Prints the effective settings, each with where its value came from (secrets masked), or with"
        + " --markdown the documentation table of every setting.",
    sortOptions = false,
    abbreviateSynopsis = true)
public final class SettingsCommand extends BaseCommand {
  @Option(names = "--markdown", order = 0, description = "Print the Markdown table of every setting instead.")
  private boolean markdown;

  @Override
  public Setting.Group[] settingGroups() {
    return Setting.Group.values();
  }

  @Override
  protected int execute() {
    PrintWriter out = out();
    if (markdown) {
      out.print(Setting.markdownTable());
      return 0;
    }
    LoomSettings settings = settings();
    int width = Setting.all().stream().mapToInt(s -> s.property().length()).max().orElse(0);
    for (Setting<?> s : Setting.all()) {
      String shown = settings.display(s);
      Origin origin = settings.origin(s);
      if (shown == null) {
        out.printf("%-" + width + "s  (not set)%n", s.property());
      } else {
        out.printf("%-" + width + "s  %s  (%s)%n", s.property(), shown,
            origin.kind() == Origin.Kind.DEFAULT ? "default" : origin);
      }
    }
    settings.describe().forEach((key, value) -> {
      if (key.startsWith(LoomSettings.KAFKA_CLIENT_PROPERTY_PREFIX)) {
        out.printf("%-" + width + "s  %s%n", key, value);
      }
    });
    return 0;
  }
}
