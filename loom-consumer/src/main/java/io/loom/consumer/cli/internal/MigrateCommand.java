package io.loom.consumer.cli.internal;

import io.loom.consumer.settings.Setting;
import io.loom.mapping.jdbc.DatabaseUrl;
import io.loom.mapping.jdbc.Migrator;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code loom migrate}: creates or upgrades Loom's tables in the database and prints what it applied. */
@Command(
    name = "migrate",
    description = "Creates or upgrades the configuration tables (the seven tables, their views and functions) and"
        + " Loom's own tables in the database of LOOM_DATABASE_URL, and prints each migration it applied. Safe to"
        + " run again: an up-to-date database is left as it is.",
    sortOptions = false,
    abbreviateSynopsis = true)
public final class MigrateCommand extends BaseCommand {

  @Override
  public Setting.Group[] settingGroups() {
    return new Setting.Group[] {Setting.Group.DATABASE};
  }

  @Override
  protected int execute() {
    DatabaseUrl url = Database.url(settings(), "loom migrate");
    PrintWriter out = out();
    Migrator.Result result = Migrator.migrate(Database.dataSource(url));
    for (Migrator.Applied applied : result.applied()) {
      out.println("applied V" + applied.version() + " " + applied.description()
          + (applied.kind().equals("baseline") ? " (baseline: the tables were already there)" : "")
          + " in " + applied.millis() + " ms");
    }
    out.println(result.changed()
        ? url.describe() + " is now at schema version " + result.version()
        : url.describe() + " is up to date at schema version " + result.version());
    return 0;
  }
}
