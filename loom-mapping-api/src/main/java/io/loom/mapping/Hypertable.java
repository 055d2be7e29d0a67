package io.loom.mapping;

import java.util.Objects;

/**
 * TimescaleDB hypertable settings for a target table. Used only where the {@code timescaledb}
 * extension exists; on plain PostgreSQL the table stays a plain table.
 *
 * @param timeColumn the partitioning time column
 * @param chunkInterval a PostgreSQL interval such as {@code 1 day}, or {@code null} for TimescaleDB's default
 */
public record Hypertable(String timeColumn, String chunkInterval) {
  public Hypertable {
    Objects.requireNonNull(timeColumn, "timeColumn");
  }
}
