package io.loom.sink.internal;

import io.loom.mapping.Hypertable;
import io.loom.mapping.SqlIdentifiers;
import java.util.ArrayList;
import java.util.List;

/**
 * Design note: the TimescaleDB conversion of a target table. Everything that comes from
 * configuration (table, time column, chunk interval) is passed as a bind parameter; the statement
 * text is fixed but for the extension's schema, which comes from the database's own catalog and is
 * quoted. Naming that schema makes the call work whatever the connection's search_path (a pool
 * with {@code currentSchema=telemetry} does not see TimescaleDB's functions in {@code public}).
 * {@code if_not_exists} makes it a no-op for a table that already is a hypertable and {@code
 * migrate_data} converts a table that already holds rows.
 */
public final class Hypertables {
  private Hypertables() {}

  /** A statement with its parameters in order. */
  public record Statement(String sql, List<Object> parameters) {}

  /** The statement that converts {@code table} per {@code settings}, calling {@code create_hypertable} through the search_path. */
  public static Statement createHypertable(String table, Hypertable settings) {
    return createHypertable(null, table, settings);
  }

  /**
   * The statement that converts {@code table} per {@code settings}, calling the {@code create_hypertable}
   * of schema {@code extensionSchema} (as {@link #EXTENSION_QUERY} reports it), or the one found through the
   * search_path when it is {@code null}.
   */
  public static Statement createHypertable(String extensionSchema, String table, Hypertable settings) {
    if (!SqlIdentifiers.isValid(settings.timeColumn())) {
      throw new IllegalArgumentException("hypertable time column '" + settings.timeColumn() + "' is not allowed; expected "
          + SqlIdentifiers.PATTERN_TEXT);
    }
    List<Object> parameters = new ArrayList<>();
    parameters.add(SqlIdentifiers.quote(table));
    parameters.add(settings.timeColumn());
    StringBuilder sql = new StringBuilder("SELECT ");
    if (extensionSchema != null) {
      sql.append('"').append(extensionSchema.replace("\"", "\"\"")).append("\".");
    }
    sql.append("create_hypertable(?::regclass, ?::name");
    if (settings.chunkInterval() != null && !settings.chunkInterval().isBlank()) {
      sql.append(", chunk_time_interval => ?::interval");
      parameters.add(settings.chunkInterval().trim());
    }
    sql.append(", if_not_exists => true, migrate_data => true)");
    return new Statement(sql.toString(), List.copyOf(parameters));
  }

  /** The schema of the {@code timescaledb} extension in the current database; no row when it is not installed. */
  public static final String EXTENSION_QUERY = "SELECT n.nspname FROM pg_catalog.pg_extension e"
      + " JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'timescaledb'";
}
