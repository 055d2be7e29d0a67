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

  /**
   * The statement that converts {@code table} per {@code settings}, calling the {@code create_hypertable}
   * of schema {@code extensionSchema} (as {@link #EXTENSION_QUERY} reports it). An integer time column
   * ({@code integerTime}) takes its chunk interval as a whole number in the column's own units, for
   * example {@code 86400000} for a day of epoch milliseconds; other time columns take an {@code
   * interval} such as {@code 1 day}.
   *
   * @throws IllegalArgumentException if the time column is not a plain identifier, or an integer time
   *     column's chunk interval is not a positive whole number
   */
  public static Statement createHypertable(String extensionSchema, String table, Hypertable settings,
      boolean integerTime) {
    if (!SqlIdentifiers.isValid(settings.timeColumn())) {
      throw new IllegalArgumentException("hypertable time column '" + settings.timeColumn() + "' is not allowed; expected "
          + SqlIdentifiers.PATTERN_TEXT);
    }
    List<Object> parameters = new ArrayList<>();
    parameters.add(SqlIdentifiers.quote(table));
    parameters.add(settings.timeColumn());
    StringBuilder sql = new StringBuilder("SELECT \"").append(extensionSchema.replace("\"", "\"\""))
        .append("\".create_hypertable(?::regclass, ?::name");
    if (settings.chunkInterval() != null && !settings.chunkInterval().isBlank()) {
      String interval = settings.chunkInterval().trim();
      if (integerTime) {
        sql.append(", chunk_time_interval => ?::bigint");
        parameters.add(wholeInterval(settings.timeColumn(), interval));
      } else {
        sql.append(", chunk_time_interval => ?::interval");
        parameters.add(interval);
      }
    }
    sql.append(", if_not_exists => true, migrate_data => true)");
    return new Statement(sql.toString(), List.copyOf(parameters));
  }

  private static long wholeInterval(String timeColumn, String interval) {
    long value;
    try {
      value = Long.parseLong(interval);
    } catch (NumberFormatException e) {
      value = 0;
    }
    if (value <= 0) {
      throw new IllegalArgumentException("chunk interval '" + interval + "' of integer time column '" + timeColumn
          + "' is not a positive whole number; an integer time column takes its chunk interval in its own units,"
          + " for example 86400000 for a day of epoch milliseconds");
    }
    return value;
  }

  /** The schema of the {@code timescaledb} extension in the current database; no row when it is not installed. */
  public static final String EXTENSION_QUERY = "SELECT n.nspname FROM pg_catalog.pg_extension e"
      + " JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'timescaledb'";
}
