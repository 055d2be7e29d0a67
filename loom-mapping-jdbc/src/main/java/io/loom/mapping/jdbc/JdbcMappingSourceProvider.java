package io.loom.mapping.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import io.loom.mapping.MappingSourceProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opens {@link JdbcMappingSource}s for {@link io.loom.mapping.MappingSources}: kind {@code jdbc}, and the
 * location schemes {@code jdbc} and {@code postgresql}, so each of these works:
 *
 * <pre>{@code
 * MappingSources.open("postgresql://app:secret@db:5432/loom");
 * MappingSources.open("jdbc:postgresql://db:5432/loom?user=app&password=secret");
 * MappingSources.open("jdbc:postgresql://db:5432/loom", Map.of("user", "app", "password", secret));
 * }</pre>
 *
 * <p>The source gets its own small HikariCP pool, which it closes when it is closed. Settings (all
 * optional; an unknown key is refused, naming the known ones):
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code user}, {@code password}</td><td>from the URL</td><td>credentials</td></tr>
 *   <tr><td>{@code pool_size}</td><td>2</td><td>connections of the source's pool</td></tr>
 *   <tr><td>{@code connection_timeout_ms}</td><td>10000</td><td>longest wait for a connection (at least 250)</td></tr>
 *   <tr><td>{@code listen}</td><td>true</td><td>LISTEN for change notifications (false: poll only)</td></tr>
 *   <tr><td>{@code watch}</td><td>true</td><td>watch for changes at all (false: one-off reads)</td></tr>
 *   <tr><td>{@code debounce_ms}</td><td>250</td><td>quiet period after a notification</td></tr>
 *   <tr><td>{@code poll_interval_ms}</td><td>5000</td><td>how often the revision counter is read</td></tr>
 *   <tr><td>{@code include_inactive_topics}</td><td>false</td><td>also load mappings of inactive topics</td></tr>
 *   <tr><td>{@code migrate}</td><td>false</td><td>migrate the schema when the source is opened</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
public final class JdbcMappingSourceProvider implements MappingSourceProvider {

  /** The setting keys {@link #create} understands. */
  public static final List<String> SETTINGS = List.of(
      "user", "password", "pool_size", "connection_timeout_ms", "listen", "watch", "debounce_ms", "poll_interval_ms", "include_inactive_topics",
      "migrate");

  @Override
  public String kind() {
    return "jdbc";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("jdbc", "postgresql");
  }

  /**
   * @param location {@code postgresql://...}, {@code postgres://...} or {@code jdbc:postgresql://...}; the
   *     kind prefix {@code jdbc:} may already have been removed
   */
  @Override
  public MappingSource create(String location, Map<String, String> settings) {
    return openSource(location, settings);
  }

  static JdbcMappingSource openSource(String location, Map<String, String> settings) {
    Map<String, String> s = settings == null ? Map.of() : settings;
    TreeSet<String> unknown = new TreeSet<>(s.keySet());
    unknown.removeAll(SETTINGS);
    if (!unknown.isEmpty()) {
      throw new LoomException("unknown setting(s) " + String.join(", ", unknown) + " for a jdbc mapping source; known: "
          + String.join(", ", SETTINGS));
    }
    String url = location.trim();
    if (url.startsWith("jdbc:jdbc:")) {
      url = url.substring("jdbc:".length());
    }
    DatabaseUrl parsed = DatabaseUrl.parse(url).withCredentials(s.get("user"), s.get("password"));
    int poolSize = intSetting(s, "pool_size", 2, 1);
    int connectionTimeout = intSetting(s, "connection_timeout_ms", 10_000, 250);
    boolean listen = booleanSetting(s, "listen", true);
    boolean watch = booleanSetting(s, "watch", true);
    int debounce = intSetting(s, "debounce_ms", 250, 1);
    int poll = intSetting(s, "poll_interval_ms", 5000, 1);
    boolean inactive = booleanSetting(s, "include_inactive_topics", false);
    boolean migrate = booleanSetting(s, "migrate", false);

    HikariDataSource pool = parsed.newPool("loom-config", poolSize, connectionTimeout);
    try {
      return JdbcMappingSource.builder(pool)
          .owning(pool)
          .description(parsed.describe())
          .listen(listen)
          .watch(watch)
          .debounce(Duration.ofMillis(debounce))
          .pollInterval(Duration.ofMillis(poll))
          .includeInactiveTopics(inactive)
          .migrate(migrate)
          .build();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static int intSetting(Map<String, String> s, String key, int defaultValue, int min) {
    String value = s.get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n < min) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new LoomException("setting " + key + " was '" + value + "' but it must be a whole number of at least " + min);
    }
  }

  private static boolean booleanSetting(Map<String, String> s, String key, boolean defaultValue) {
    String value = s.get(key);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new LoomException("setting " + key + " was '" + value + "' but it must be true or false");
    };
  }
}
