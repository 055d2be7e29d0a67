package io.loom.mapping.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Lower-case configuration names of enums: {@code FLOAT_ARRAY <-> "float_array"}. */
public final class ConfigNames {
  private ConfigNames() {}

  public static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  public static <E extends Enum<E>> Optional<E> parse(E[] values, String name) {
    if (name == null) {
      return Optional.empty();
    }
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (E value : values) {
      if (of(value).equals(wanted)) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  public static String known(Enum<?>[] values) {
    return Arrays.stream(values).map(ConfigNames::of).collect(Collectors.joining(", "));
  }
}
