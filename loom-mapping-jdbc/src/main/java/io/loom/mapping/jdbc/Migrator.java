package io.loom.mapping.jdbc;

import io.loom.mapping.LoomException;
import io.loom.mapping.jdbc.internal.MigrationScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades Loom's configuration schema: the seven configuration tables with their views and
 * functions (V1, the seed's schema), the migration history (V2), Loom's extension columns (V3), change
 * notification (V4) and the sink's offsets table (V5). The scripts are on the class path under
 * {@code db/loom/} with Flyway-compatible names, so a deployment that runs Flyway can use them instead.
 *
 * <p>Each pending script runs in its own transaction, holding a transaction-level advisory lock, so
 * processes starting at the same time apply each script once; the others wait and then find nothing to do.
 * Applying again changes nothing. Applied scripts are recorded in {@code loom_schema_history} with their
 * SHA-256; a script edited after it was applied is reported and nothing is applied.
 *
 * <p>A database that already holds the configuration tables (created by the seed's own SQL) but no
 * history is adopted: V1 is recorded as a baseline without being run, the later scripts upgrade it, and
 * its rows are kept. A database holding only some of the seven tables is refused, naming the missing ones.
 *
 * <p>Stateless and thread-safe.
 *
 * <pre>{@code
 * Migrator.Result result = Migrator.migrate(dataSource);
 * log.info("schema at version {}", result.version());
 * }</pre>
 */
public final class Migrator {
  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

  /** The key of the advisory lock held while a script is applied ("LOOMMIGR"). */
  static final long LOCK_KEY = 0x4c4f4f4d4d494752L;

  /** The seven configuration tables created by V1. */
  static final List<String> CONFIG_TABLES = List.of(
      "kafka_topics", "kafka_topic_schemas", "pipeline_flows", "pipeline_stages", "pipeline_stage_topics",
      "topic_field_mappings", "topic_table_configs");

  private static final String HISTORY = "loom_schema_history";

  private Migrator() {}

  /**
   * One script applied (or adopted as a baseline) by a {@link #migrate} call.
   *
   * @param kind {@code migration} (run) or {@code baseline} (the tables were already there)
   */
  public record Applied(int version, String description, String kind, long millis) {}

  /**
   * What a {@link #migrate} call did.
   *
   * @param applied the scripts this call applied, in order; empty when the schema was up to date
   * @param version the schema version after the call
   */
  public record Result(List<Applied> applied, int version) {
    public Result {
      applied = List.copyOf(applied);
    }

    /** Whether this call changed the schema. */
    public boolean changed() {
      return !applied.isEmpty();
    }
  }

  /** The version the scripts on the class path lead to. */
  public static int latestVersion() {
    List<MigrationScript> scripts = MigrationScript.all();
    return scripts.get(scripts.size() - 1).version();
  }

  /**
   * Applies every pending script.
   *
   * @throws LoomException if a script fails (its transaction is rolled back, earlier ones stay applied),
   *     if an applied script was edited since, or if only some configuration tables exist
   */
  public static Result migrate(DataSource dataSource) {
    List<MigrationScript> scripts = MigrationScript.all();
    List<Applied> applied = new ArrayList<>();
    boolean v1RunHere = false;
    long v1Millis = 0;
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        boolean checked = false;
        while (true) {
          lock(c);
          Map<Integer, String> history = readHistory(c);
          if (!checked) {
            verifyChecksums(history, scripts);
            checked = true;
          }
          boolean historyExists = history != null;
          if (!historyExists) {
            history = new LinkedHashMap<>();
            List<String> present = presentConfigTables(c);
            if (present.size() == CONFIG_TABLES.size()) {
              history.put(1, scripts.get(0).checksum());
            } else if (!present.isEmpty()) {
              List<String> missing = new ArrayList<>(CONFIG_TABLES);
              missing.removeAll(present);
              throw new LoomException("cannot migrate: the database holds some configuration tables ("
                  + String.join(", ", present) + ") but not " + String.join(", ", missing)
                  + " and no " + HISTORY + "; create the missing tables with " + scripts.get(0).fileName()
                  + " or drop the partial ones");
            }
          }
          MigrationScript next = null;
          for (MigrationScript s : scripts) {
            if (!history.containsKey(s.version())) {
              next = s;
              break;
            }
          }
          if (next == null) {
            c.commit();
            break;
          }
          long started = System.nanoTime();
          LOG.info("applying migration V{} ({}) from {}", next.version(), next.description(), next.fileName());
          execute(c, next);
          long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          if (next.version() == 1) {
            v1RunHere = true;
            v1Millis = millis;
          } else {
            if (!historyExists) {
              // The history table was just created by this script: record V1 too.
              MigrationScript v1 = scripts.get(0);
              String kind = v1RunHere ? "migration" : "baseline";
              record(c, v1, kind, v1Millis);
              if (v1RunHere) {
                applied.add(new Applied(1, v1.description(), kind, v1Millis));
              } else {
                LOG.info("the configuration tables already existed without {}: V1 ({}) recorded as baseline, not run",
                    HISTORY, v1.description());
                applied.add(new Applied(1, v1.description(), kind, 0));
              }
            }
            record(c, next, "migration", millis);
          }
          c.commit();
          if (next.version() != 1) {
            applied.add(new Applied(next.version(), next.description(), "migration", millis));
          }
          LOG.info("applied migration V{} ({}) in {} ms", next.version(), next.description(), millis);
        }
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        restoreAutoCommit(c, autoCommit);
      }
    } catch (SQLException e) {
      throw new LoomException("migration failed: " + describe(e), e);
    }
    int version = scripts.get(scripts.size() - 1).version();
    if (applied.isEmpty()) {
      LOG.info("configuration schema is up to date at version {}", version);
    } else {
      LOG.info("configuration schema migrated to version {} ({} script(s) applied)", version, applied.size());
    }
    return new Result(applied, version);
  }

  private static void lock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      ps.setLong(1, LOCK_KEY);
      ps.execute();
    }
  }

  /** The checksums by version, or {@code null} when the history table does not exist. */
  private static Map<Integer, String> readHistory(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('" + HISTORY + "') IS NOT NULL")) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return null;
      }
    }
    Map<Integer, String> history = new LinkedHashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version, checksum FROM " + HISTORY + " ORDER BY version")) {
      while (rs.next()) {
        history.put(rs.getInt(1), rs.getString(2));
      }
    }
    return history;
  }

  private static void verifyChecksums(Map<Integer, String> history, List<MigrationScript> scripts) {
    if (history == null) {
      return;
    }
    List<String> changed = new ArrayList<>();
    int known = 0;
    for (MigrationScript s : scripts) {
      String recorded = history.get(s.version());
      if (recorded != null) {
        known++;
        if (!recorded.equals(s.checksum())) {
          changed.add("V" + s.version() + " (" + s.fileName() + ") was applied with checksum " + recorded
              + " but the script now has checksum " + s.checksum());
        }
      }
    }
    if (!changed.isEmpty()) {
      throw new LoomException("applied migration scripts were edited afterwards; restore them or write a new migration"
          + " (nothing was applied):\n  - " + String.join("\n  - ", changed));
    }
    if (known < history.size()) {
      LOG.warn("{} lists {} migration(s) newer than this version of Loom knows (latest known V{}); "
          + "continuing without them", HISTORY, history.size() - known, scripts.get(scripts.size() - 1).version());
    }
  }

  private static List<String> presentConfigTables(Connection c) throws SQLException {
    List<String> present = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      for (String table : CONFIG_TABLES) {
        ps.setString(1, table);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            present.add(table);
          }
        }
      }
    }
    return present;
  }

  private static void execute(Connection c, MigrationScript script) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(script.sql());
    } catch (SQLException e) {
      throw new LoomException("migration V" + script.version() + " (" + script.fileName() + ") failed and was rolled"
          + " back: " + describe(e), e);
    }
  }

  private static void record(Connection c, MigrationScript script, String kind, long millis) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + HISTORY
        + " (version, description, script, checksum, kind, execution_ms) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setInt(1, script.version());
      ps.setString(2, script.description());
      ps.setString(3, script.fileName());
      ps.setString(4, script.checksum());
      ps.setString(5, kind);
      ps.setInt(6, (int) Math.min(Integer.MAX_VALUE, millis));
      ps.executeUpdate();
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.debug("rollback after a failed migration failed too: {}", e.getMessage());
    }
  }

  private static void restoreAutoCommit(Connection c, boolean autoCommit) {
    try {
      c.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      LOG.debug("cannot restore auto-commit: {}", e.getMessage());
    }
  }

  /** The message of a JDBC failure with its SQLSTATE, and its cause's message when that says more (pool timeouts). */
  static String describe(SQLException e) {
    String message = String.valueOf(e.getMessage());
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
      message += ": " + cause.getMessage();
    }
    return message + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")");
  }
}
