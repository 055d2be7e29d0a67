package io.loom.consumer.cli.internal;

import io.loom.consumer.cli.LoomCli;
import io.loom.consumer.settings.LoomSettings;
import io.loom.consumer.settings.Setting;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every subcommand shares: {@code --config-file}, {@code --verbose}, {@code --help}, and the
 * settings resolved from the environment, the properties file and the setting flags of its groups
 * (added by {@link SettingsOptions}). Design note: flags are plain strings here; the settings registry
 * parses them, so a bad flag value is reported exactly like a bad environment variable.
 */
public abstract class BaseCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @ParentCommand private LoomCli parent;

  @Option(names = "--config-file", paramLabel = "FILE", order = -3,
      description = "A properties file of settings (keys: the property names below). Default: the file named by"
          + " LOOM_CONFIG_FILE, if set.")
  private Path configFile;

  @Option(names = "--verbose", order = -2, description = "Print the stack trace of an error and debug logs.")
  private boolean verbose;

  @Option(names = {"-h", "--help"}, usageHelp = true, order = -1, description = "Show this help and exit.")
  private boolean help;

  /** The groups of settings this command takes as flags. */
  public abstract Setting.Group[] settingGroups();

  /** Whether {@code --verbose} was given. */
  public boolean verbose() {
    return verbose;
  }

  @Override
  public final Integer call() throws Exception {
    return execute();
  }

  /** Runs the command; returns the exit status. */
  protected abstract int execute() throws Exception;

  /** Settings from the environment, the properties file and the flags; warnings go to standard error. */
  protected LoomSettings settings() {
    LoomSettings.Builder builder = LoomSettings.builder().environment(environment());
    if (configFile != null) {
      builder.propertiesFile(configFile);
    }
    SettingsOptions.apply(spec, builder);
    customize(builder);
    LoomSettings settings = builder.build();
    settings.warnings().forEach(w -> err().println(spec.qualifiedName() + ": warning: " + w));
    return settings;
  }

  /** Adds command-specific values to the settings (Kafka properties of {@code run}). */
  protected void customize(LoomSettings.Builder builder) {}

  protected Map<String, String> environment() {
    return parent.environment();
  }

  protected LoomCli cli() {
    return parent;
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
