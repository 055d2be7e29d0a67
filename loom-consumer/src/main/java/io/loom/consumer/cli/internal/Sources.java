package io.loom.consumer.cli.internal;

import io.loom.consumer.settings.LoomSettings;
import io.loom.mapping.MappingSource;
import io.loom.mapping.MappingSources;
import java.util.HashMap;
import java.util.Map;

/**
 * Opens the configuration source the settings name: the database's configuration tables when
 * USE_DATABASE_CONFIG is true, otherwise the YAML file. Design note: it goes through the {@link
 * MappingSources} SPI, so the command line does not depend on either source's classes, and one-off
 * commands ask for no change watching.
 */
final class Sources {
  private Sources() {}

  /**
   * The configured source, for a one-off read.
   *
   * @param task the command, for the message when the database URL is missing
   */
  static MappingSource openConfigured(LoomSettings settings, String task) {
    if (settings.useDatabaseConfig()) {
      return MappingSources.open(settings.requireDatabaseUrl(task), databaseSourceSettings(settings, false));
    }
    return MappingSources.open("yaml:" + settings.yamlFile(), Map.of());
  }

  /** Settings of a database source: credentials given apart from the URL, no watching. */
  static Map<String, String> databaseSourceSettings(LoomSettings settings, boolean includeInactiveTopics) {
    Map<String, String> map = new HashMap<>();
    settings.databaseUser().ifPresent(u -> map.put("user", u));
    settings.databasePassword().ifPresent(p -> map.put("password", p));
    map.put("watch", "false");
    map.put("pool_size", "1");
    if (includeInactiveTopics) {
      map.put("include_inactive_topics", "true");
    }
    return map;
  }
}
