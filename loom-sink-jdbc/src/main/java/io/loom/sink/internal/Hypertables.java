package io.loom.sink.internal;

import io.loom.mapping.Hypertable;
import io.loom.mapping.SqlIdentifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
  /** int2, int4, int8: time columns whose chunk interval is a whole number, not an {@code interval}. */
  private static final Set<Integer> INTEGER_TYPES = Set.of(PgTypes.INT2, PgTypes.INT4, PgTypes.INT8);
  /** The types TimescaleDB can partition by time. */
  private static final Set<Integer> TIME_TYPES =
      Set.of(PgTypes.INT2, PgTypes.INT4, PgTypes.INT8, PgTypes.DATE, PgTypes.TIMESTAMP, PgTypes.TIMESTAMPTZ);

  private Hypertables() {}

  /** Whether a time column of type {@code typeOid} takes a whole-number chunk interval. */
  static boolean isIntegerTime(int typeOid) {
    return INTEGER_TYPES.contains(typeOid);
  }

  /**
   * What would make TimescaleDB refuse to convert {@code table} per {@code settings}, found from the
   * table's metadata before anything is sent: a time column of a type it cannot partition by, a unique
   * index without the time column, an integer time column without a whole-number chunk interval. Empty
   * when the conversion can go ahead; a time column missing from the table is left to the column checks.
   */
  static List<TablePlan.Problem> problems(String table, Hypertable settings, TableMetadata metadata) {
    List<TablePlan.Problem> found = new ArrayList<>();
    String time = settings.timeColumn();
    TableMetadata.ColumnInfo column = metadata.columns().get(time);
    if (column == null) {
      return found;
    }
    if (!TIME_TYPES.contains(column.typeOid())) {
      found.add(new TablePlan.Problem(null, "hypertable.time_column", "hypertable time column '" + time + "' of table '"
          + table + "' has type " + column.declaredType() + "; TimescaleDB partitions by timestamp with time zone,"
          + " timestamp, date, smallint, integer or bigint"));
    } else if (isIntegerTime(column.typeOid())) {
      String interval = chunkInterval(settings);
      if (interval == null) {
        found.add(new TablePlan.Problem(null, "hypertable.chunk_interval", "integer time column '" + time + "' of table '"
            + table + "' needs a chunk interval, a whole number in its own units (for example 86400000 for a day of"
            + " epoch milliseconds); TimescaleDB has no default for integer time columns"));
      } else if (wholeInterval(interval) <= 0) {
        found.add(new TablePlan.Problem(null, "hypertable.chunk_interval", intervalMessage(time, interval)));
      }
    }
    for (TableMetadata.UniqueIndex index : metadata.uniqueIndexes()) {
      if (!index.columns().contains(time)) {
        found.add(new TablePlan.Problem(null, "hypertable.time_column", "unique index " + index.describe() + " of table '"
            + table + "' does not include the hypertable time column '" + time + "'; TimescaleDB needs every unique"
            + " index of a hypertable to include it"));
      }
    }
    return found;
  }

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
    String interval = chunkInterval(settings);
    if (interval != null) {
      if (integerTime) {
        long whole = wholeInterval(interval);
        if (whole <= 0) {
          throw new IllegalArgumentException(intervalMessage(settings.timeColumn(), interval));
        }
        sql.append(", chunk_time_interval => ?::bigint");
        parameters.add(whole);
      } else {
        sql.append(", chunk_time_interval => ?::interval");
        parameters.add(interval);
      }
    }
    sql.append(", if_not_exists => true, migrate_data => true)");
    return new Statement(sql.toString(), List.copyOf(parameters));
  }

  /** The configured chunk interval, trimmed; {@code null} when none is set (TimescaleDB's default). */
  static String chunkInterval(Hypertable settings) {
    String interval = settings.chunkInterval();
    return interval == null || interval.isBlank() ? null : interval.trim();
  }

  /** The interval as a positive whole number, or 0 if it is none. */
  private static long wholeInterval(String interval) {
    try {
      return Math.max(0, Long.parseLong(interval));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String intervalMessage(String timeColumn, String interval) {
    return "chunk interval '" + interval + "' of integer time column '" + timeColumn + "' is not a positive whole"
        + " number; an integer time column takes its chunk interval in its own units, for example 86400000 for a"
        + " day of epoch milliseconds";
  }

  /** The schema of the {@code timescaledb} extension in the current database; no row when it is not installed. */
  public static final String EXTENSION_QUERY = "SELECT n.nspname FROM pg_catalog.pg_extension e"
      + " JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'timescaledb'";
}
