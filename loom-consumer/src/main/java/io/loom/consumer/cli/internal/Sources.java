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
      Map<String, String> map = new HashMap<>(settings.configSourceSettings());
      map.put("watch", "false");
      map.put("pool_size", "1");
      return MappingSources.open(settings.requireDatabaseUrl(task), map);
    }
    return MappingSources.open(settings.configLocation(), settings.configSourceSettings());
  }
}
