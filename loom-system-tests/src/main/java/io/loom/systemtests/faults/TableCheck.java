package io.loom.systemtests.faults;

import io.loom.systemtests.faults.FaultInjection.PartitionCheck;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Reads what a table of {@link TelemetryMessages#mapping} rows holds against the broker's end offsets:
 * rows, distinct {@code (partition, offset)}, distinct {@code (device_id, timestamp)} and, per partition,
 * the offsets within {@code 0..end-1}.
 *
 * <p>Design note: everything is counted by PostgreSQL ({@code count(DISTINCT ...)}), so a million rows
 * never travel to this JVM. A partition found in the table but not among the end offsets is reported with
 * end offset 0, which makes it incomplete. Stateless.
 */
final class TableCheck {
  /**
   * The counts.
   *
   * @param rows rows in the table
   * @param distinctOffsets distinct {@code (kafka_partition, kafka_offset)}
   * @param distinctMessages distinct {@code (device_id, timestamp)}: distinct messages
   * @param partitions one check per partition, in partition order
   */
  record Result(long rows, long distinctOffsets, long distinctMessages, List<PartitionCheck> partitions) {
    Result {
      partitions = List.copyOf(partitions);
    }

    /** Rows beyond the first of each {@code (partition, offset)}. */
    long duplicates() {
      return rows - distinctOffsets;
    }

    /** Offsets of {@code 0..end-1} missing from the table, over all partitions. */
    long gaps() {
      return partitions.stream().mapToLong(PartitionCheck::gaps).sum();
    }
  }

  private TableCheck() {}

  /**
   * Checks {@code table} against {@code endOffsets} (partition -> end offset).
   *
   * @throws IllegalStateException naming the table if it cannot be read
   */
  static Result check(DataSource dataSource, String table, Map<Integer, Long> endOffsets) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      long rows;
      long distinctOffsets;
      long distinctMessages;
      try (ResultSet rs = s.executeQuery("SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT kafka_partition,"
          + " kafka_offset FROM " + table + ") o), (SELECT count(*) FROM (SELECT DISTINCT device_id, \"timestamp\""
          + " FROM " + table + ") m) FROM " + table)) {
        rs.next();
        rows = rs.getLong(1);
        distinctOffsets = rs.getLong(2);
        distinctMessages = rs.getLong(3);
      }
      Map<Integer, long[]> byPartition = new TreeMap<>();
      try (ResultSet rs = s.executeQuery("SELECT kafka_partition, count(*), count(DISTINCT kafka_offset),"
          + " min(kafka_offset), max(kafka_offset) FROM " + table + " GROUP BY kafka_partition")) {
        while (rs.next()) {
          byPartition.put(rs.getInt(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)});
        }
      }
      List<PartitionCheck> partitions = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT count(DISTINCT kafka_offset) FROM " + table
          + " WHERE kafka_partition = ? AND kafka_offset >= 0 AND kafka_offset < ?")) {
        for (Map.Entry<Integer, Long> end : new TreeMap<>(endOffsets).entrySet()) {
          ps.setInt(1, end.getKey());
          ps.setLong(2, end.getValue());
          long covered;
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            covered = rs.getLong(1);
          }
          long[] v = byPartition.getOrDefault(end.getKey(), new long[] {0, 0, -1, -1});
          partitions.add(new PartitionCheck(end.getKey(), end.getValue(), v[0], v[1], covered, v[2], v[3]));
        }
      }
      byPartition.forEach((partition, v) -> {
        if (!endOffsets.containsKey(partition)) {
          partitions.add(new PartitionCheck(partition, 0, v[0], v[1], 0, v[2], v[3]));
        }
      });
      return new Result(rows, distinctOffsets, distinctMessages, partitions);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + table + " for the check: " + e.getMessage(), e);
    }
  }
}
