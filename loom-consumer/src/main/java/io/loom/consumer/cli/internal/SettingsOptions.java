package io.loom.consumer.cli.internal;

import io.loom.consumer.settings.LoomSettings;
import io.loom.consumer.settings.Setting;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns the settings registry into picocli options: one flag per {@link Setting}, grouped under the
 * setting's {@link Setting.Group} heading, with its documentation, environment name and default in the
 * help. Design note: the options are built from the registry at start-up, so a new setting is a flag
 * of every command that uses its group without touching the commands.
 */
public final class SettingsOptions {
  private SettingsOptions() {}

  /** Adds the flags of {@code groups} to a command. */
  public static void add(CommandSpec spec, Setting.Group... groups) {
    for (Setting.Group group : groups) {
      List<Setting<?>> settings = Setting.of(group);
      if (settings.isEmpty()) {
        continue;
      }
      ArgGroupSpec.Builder argGroup = ArgGroupSpec.builder()
          .heading("%n" + group.title() + " settings:%n")
          .exclusive(false)
          .multiplicity("0..1")
          .validate(false);
      for (Setting<?> s : settings) {
        argGroup.addArg(option(s));
      }
      spec.addArgGroup(argGroup.build());
    }
  }

  private static OptionSpec option(Setting<?> s) {
    boolean bool = s.typeName().equals("boolean");
    OptionSpec.Builder option = OptionSpec.builder(s.flag())
        .type(String.class)
        .paramLabel(label(s))
        .description(s.doc() + " Environment: " + s.env() + "; property: " + s.property() + "; default: "
            + (s.defaultText() == null ? "none" : s.defaultText()) + ".");
    if (bool) {
      option.arity("0..1").fallbackValue("true");
    }
    return option.build();
  }

  private static String label(Setting<?> s) {
    return switch (s.typeName()) {
      case "boolean" -> "BOOL";
      case "host:port list" -> "HOST:PORT[,...]";
      case "address list" -> "ADDRESS[,...]";
      case "topic suffix" -> "SUFFIX";
      default -> s.typeName().toUpperCase(Locale.ROOT);
    };
  }

  /** Passes every setting flag given on the command line to the settings builder. */
  public static void apply(CommandSpec spec, LoomSettings.Builder builder) {
    for (Setting<?> s : Setting.all()) {
      OptionSpec option = spec.findOption(s.flag());
      if (option != null && option.getValue() != null) {
        builder.argument(s, option.getValue());
      }
    }
  }
}
