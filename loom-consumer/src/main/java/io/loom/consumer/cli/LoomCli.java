package io.loom.consumer.cli;

import io.loom.consumer.admin.LoomServiceFactory;
import io.loom.consumer.cli.internal.BaseCommand;
import io.loom.consumer.cli.internal.ExportCommand;
import io.loom.consumer.cli.internal.ImportCommand;
import io.loom.consumer.cli.internal.MigrateCommand;
import io.loom.consumer.cli.internal.RunCommand;
import io.loom.consumer.cli.internal.SettingsCommand;
import io.loom.consumer.cli.internal.SettingsOptions;
import io.loom.consumer.cli.internal.ValidateCommand;
import io.loom.consumer.settings.InvalidSettingsException;
import io.loom.mapping.internal.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code loom} command line: {@code run}, {@code migrate}, {@code import}, {@code export}, {@code
 * validate} and {@code settings}, each with {@code --help}. Every setting of the registry ({@link
 * io.loom.consumer.settings.Setting}) is a flag of the commands that use it, named as in the registry
 * ({@code --database-url}, {@code --group-id}); {@code --config-file FILE} reads a properties file.
 *
 * <p>Exit status: 0 success, 1 failure, 2 usage error (unknown option, bad setting). Errors are one
 * line, {@code loom <command>: <message>}, with the stack trace only under {@code --verbose}.
 *
 * <pre>{@code
 * java -jar loom.jar migrate --database-url postgresql://loom:secret@localhost:5432/loom
 * java -jar loom.jar import config/topic_mappings.yml --yes
 * java -jar loom.jar run
 * }</pre>
 */
@Command(
    name = "loom",
    mixinStandardHelpOptions = true,
    versionProvider = LoomCli.Version.class,
    description = "Moves JSON events from Kafka topics into PostgreSQL/TimescaleDB tables, configured from YAML or"
        + " from the database.",
    subcommands = {
        RunCommand.class,
        MigrateCommand.class,
        ImportCommand.class,
        ExportCommand.class,
        ValidateCommand.class,
        SettingsCommand.class
    },
    footer = {"", "Run 'loom <command> --help' for the options of a command."})
public final class LoomCli implements Runnable {
  /** Exit status of a failure. */
  public static final int FAILURE = 1;

  /** Exit status of a usage error. */
  public static final int USAGE = 2;

  private final Map<String, String> environment;
  private final Supplier<Optional<LoomServiceFactory>> engines;

  @Spec private CommandSpec spec;

  private LoomCli(Map<String, String> environment, Supplier<Optional<LoomServiceFactory>> engines) {
    this.environment = Map.copyOf(environment);
    this.engines = engines;
  }

  /** The environment the commands read settings from. */
  public Map<String, String> environment() {
    return environment;
  }

  /** The engine {@code run} runs, if there is one. */
  public Optional<LoomServiceFactory> engine() {
    return engines.get();
  }

  /** Without a command: the usage, as a usage error. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Runs the command line and exits the JVM with its status. */
  public static void main(String[] args) {
    if (List.of(args).contains("--verbose")) {
      System.setProperty("org.slf4j.simpleLogger.log.io.loom", "debug");
    }
    PrintWriter out = new PrintWriter(new PrintStream(System.out, true, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new PrintStream(System.err, true, StandardCharsets.UTF_8), true);
    System.exit(execute(System.getenv(), out, err, args));
  }

  /**
   * Runs a command line.
   *
   * @param environment the environment variables to read settings from
   * @return the exit status
   */
  public static int execute(Map<String, String> environment, PrintWriter out, PrintWriter err, String... args) {
    return execute(commandLine(environment), out, err, args);
  }

  /** Runs a command line built by {@link #commandLine}; returns the exit status. */
  public static int execute(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
    cli.setOut(out);
    cli.setErr(err);
    int status = cli.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  /** The configured picocli command line; {@code run} runs the engine found by {@link LoomServiceFactory#find()}. */
  public static CommandLine commandLine(Map<String, String> environment) {
    return commandLine(environment, LoomServiceFactory::find);
  }

  /**
   * The configured picocli command line with the engine {@code run} runs given, for embedding
   * applications that bring their own {@link LoomServiceFactory}, and for tests.
   */
  public static CommandLine commandLine(
      Map<String, String> environment, Supplier<Optional<LoomServiceFactory>> engines) {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(engines, "engines");
    CommandLine cli = new CommandLine(new LoomCli(environment, engines));
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (sub.getCommand() instanceof BaseCommand command) {
        SettingsOptions.add(sub.getCommandSpec(), command.settingGroups());
      }
    }
    cli.setExecutionExceptionHandler(LoomCli::handleExecutionException);
    cli.setParameterExceptionHandler(LoomCli::handleParameterException);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setUsageHelpWidth(100);
    return cli;
  }

  private static int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    PrintWriter err = cli.getErr();
    String name = cli.getCommandSpec().qualifiedName();
    boolean verbose = cli.getCommand() instanceof BaseCommand command && command.verbose();
    if (e instanceof InvalidSettingsException invalid) {
      err.println(name + ": " + invalid.getMessage());
      err.println("Try '" + name + " --help' for the settings and their rules.");
      return USAGE;
    }
    String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
    err.println(name + ": " + Redaction.mask(message));
    if (verbose) {
      e.printStackTrace(err);
    }
    return FAILURE;
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    String name = cli.getCommandSpec().qualifiedName();
    err.println(name + ": " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + name + " --help' for more information.");
    return USAGE;
  }

  /** The version from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"loom " + version()};
    }

    static String version() {
      try (InputStream in = LoomCli.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return "(development build)";
        }
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "(development build)");
      } catch (IOException e) {
        return "(development build)";
      }
    }
  }
}
