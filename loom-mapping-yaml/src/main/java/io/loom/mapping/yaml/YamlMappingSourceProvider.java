package io.loom.mapping.yaml;

import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import io.loom.mapping.MappingSourceProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code yaml} kind of {@link MappingSource}, found by {@link java.util.ServiceLoader}: {@code
 * MappingSources.open("yaml:config/topic_mappings.yml")}, a bare {@code config/topic_mappings.yml},
 * {@code yaml:config/} (a directory) or {@code yaml:classpath:io/loom/mapping/yaml/sample/loom-sample.yml}.
 *
 * <p>Settings (others are ignored, so one settings map can serve every kind):
 * <ul>
 *   <li>{@value #POLL_INTERVAL_MS}: how often files are looked at, in milliseconds (default 250);
 *   <li>{@value #QUIET_PERIOD_MS}: how long files must stay unchanged before subscribers are told, in
 *       milliseconds (default 500).
 * </ul>
 */
public final class YamlMappingSourceProvider implements MappingSourceProvider {
  /** Setting: poll interval in milliseconds. */
  public static final String POLL_INTERVAL_MS = "yaml.poll-interval-ms";
  /** Setting: quiet period in milliseconds. */
  public static final String QUIET_PERIOD_MS = "yaml.quiet-period-ms";

  private static final String CLASSPATH = "classpath:";

  @Override
  public String kind() {
    return "yaml";
  }

  @Override
  public MappingSource create(String location, Map<String, String> settings) {
    if (location == null || location.isBlank()) {
      throw new LoomException("a yaml mapping source needs a file or directory: yaml:<path>");
    }
    if (location.startsWith(CLASSPATH)) {
      return YamlMappingSource.classpath(location.substring(CLASSPATH.length()));
    }
    Path path;
    try {
      path = Path.of(location);
    } catch (InvalidPathException e) {
      throw new LoomException("yaml mapping source location '" + location + "' is not a valid path: " + e.getReason());
    }
    Map<String, String> s = settings == null ? Map.of() : settings;
    YamlMappingSource.Builder builder = YamlMappingSource.builder(path);
    Duration poll = millis(s, POLL_INTERVAL_MS, 1);
    if (poll != null) {
      builder.pollInterval(poll);
    }
    Duration quiet = millis(s, QUIET_PERIOD_MS, 0);
    if (quiet != null) {
      builder.quietPeriod(quiet);
    }
    return builder.build();
  }

  private static Duration millis(Map<String, String> settings, String key, long minimum) {
    String value = settings.get(key);
    if (value == null) {
      return null;
    }
    try {
      long ms = Long.parseLong(value.trim());
      if (ms >= minimum) {
        return Duration.ofMillis(ms);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new LoomException("setting " + key + " was '" + value + "' but it must be a whole number of milliseconds, at least "
        + minimum);
  }
}
