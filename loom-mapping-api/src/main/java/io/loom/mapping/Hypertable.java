package io.loom.mapping;

import java.util.Objects;

/**
 * TimescaleDB hypertable settings for a target table. Used only where the {@code timescaledb}
 * extension exists; on plain PostgreSQL the table stays a plain table.
 *
 * @param timeColumn the partitioning time column
 * @param chunkInterval a PostgreSQL interval such as {@code 1 day} for a timestamp or date time column, a
 *     whole number in the column's own units (such as {@code 86400000} for a day of epoch milliseconds)
 *     for an integer one, or {@code null} for TimescaleDB's default (integer time columns have none)
 */
public record Hypertable(String timeColumn, String chunkInterval) {
  public Hypertable {
    Objects.requireNonNull(timeColumn, "timeColumn");
  }
}
