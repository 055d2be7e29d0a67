package io.loom.consumer.settings;

import java.util.Locale;
import java.util.Objects;

/**
 * Where the value of a setting came from.
 *
 * @param kind the kind of source
 * @param name how the setting was named there: {@code LOOM_BATCH_MAX_ROWS}, {@code
 *     loom.properties:3: loom.batch.max-rows}, {@code --batch-max-rows}, or the property name for a default
 */
public record Origin(Kind kind, String name) {

  /** The sources, from the lowest precedence to the highest. */
  public enum Kind {
    /** The built-in default. */
    DEFAULT,
    /** An environment variable. */
    ENVIRONMENT,
    /** The properties file ({@code --config-file}). */
    FILE,
    /** A command-line flag, or a value the embedding application set. */
    ARGUMENT;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Origin {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return kind + " " + name;
  }
}
