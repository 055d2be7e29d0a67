package io.loom.sink.internal;

import io.loom.mapping.Hypertable;
import io.loom.mapping.SqlIdentifiers;
import java.util.ArrayList;
import java.util.List;

/**
 * Design note: the TimescaleDB conversion of a target table. Everything that comes from
 * configuration (table, time column, chunk interval) is passed as a bind parameter; the statement
 * text is fixed. {@code if_not_exists} makes it a no-op for a table that already is a hypertable and
 * {@code migrate_data} converts a table that already holds rows.
 */
public final class Hypertables {
  private Hypertables() {}

  /** A statement with its parameters in order. */
  public record Statement(String sql, List<Object> parameters) {}

  /** The statement that converts {@code table} per {@code settings}. */
  public static Statement createHypertable(String table, Hypertable settings) {
    if (!SqlIdentifiers.isValid(settings.timeColumn())) {
      throw new IllegalArgumentException("hypertable time column '" + settings.timeColumn() + "' is not allowed; expected "
          + SqlIdentifiers.PATTERN_TEXT);
    }
    List<Object> parameters = new ArrayList<>();
    parameters.add(SqlIdentifiers.quote(table));
    parameters.add(settings.timeColumn());
    StringBuilder sql = new StringBuilder("SELECT create_hypertable(?::regclass, ?::name");
    if (settings.chunkInterval() != null && !settings.chunkInterval().isBlank()) {
      sql.append(", chunk_time_interval => ?::interval");
      parameters.add(settings.chunkInterval().trim());
    }
    sql.append(", if_not_exists => true, migrate_data => true)");
    return new Statement(sql.toString(), List.copyOf(parameters));
  }

  /** Whether the {@code timescaledb} extension is installed in the current database. */
  public static final String EXTENSION_QUERY = "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'timescaledb'";
}
