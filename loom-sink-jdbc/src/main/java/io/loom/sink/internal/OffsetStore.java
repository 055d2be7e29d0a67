package io.loom.sink.internal;

import io.loom.sink.SourcePartition;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Design note: the {@code loom_offsets} table, where the next offset of every (consumer group, topic,
 * partition) is stored in the same transaction as the rows. At the start of a write the batch's rows
 * are inserted if missing (with the batch's first offset) and locked, which serialises writers of the
 * same partition and lets the sink compare the stored offset with the batch before writing anything;
 * at the end they are set to the next offsets. All values are bind parameters.
 */
public final class OffsetStore {
  /** The table's exact definition. */
  public static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS loom_offsets (consumer_group text NOT NULL,"
      + " topic text NOT NULL, kafka_partition integer NOT NULL, next_offset bigint NOT NULL,"
      + " updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer_group, topic, kafka_partition))";

  static final String INSERT_MISSING = "INSERT INTO loom_offsets (consumer_group, topic, kafka_partition, next_offset)"
      + " SELECT ?, u.t, u.p, u.o FROM unnest(?::text[], ?::int4[], ?::int8[]) AS u(t, p, o)"
      + " ON CONFLICT (consumer_group, topic, kafka_partition) DO NOTHING";

  static final String LOCK = "SELECT o.topic, o.kafka_partition, o.next_offset FROM loom_offsets o"
      + " JOIN unnest(?::text[], ?::int4[]) AS u(t, p) ON o.topic = u.t AND o.kafka_partition = u.p"
      + " WHERE o.consumer_group = ? ORDER BY o.topic, o.kafka_partition FOR UPDATE OF o";

  static final String UPDATE = "UPDATE loom_offsets o SET next_offset = u.o, updated_at = now()"
      + " FROM unnest(?::text[], ?::int4[], ?::int8[]) AS u(t, p, o)"
      + " WHERE o.consumer_group = ? AND o.topic = u.t AND o.kafka_partition = u.p";

  static final String READ = "SELECT topic, kafka_partition, next_offset FROM loom_offsets"
      + " WHERE consumer_group = ? AND topic = ANY (?::text[]) ORDER BY topic, kafka_partition";

  private OffsetStore() {}

  static void createTable(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement()) {
      st.execute(CREATE_TABLE);
    }
  }

  /** Inserts missing rows with the batch's first offsets, locks all rows, returns the stored offsets. */
  static Map<SourcePartition, Long> lock(Connection conn, String group, List<SourcePartition> partitions, long[] first)
      throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(INSERT_MISSING)) {
      ps.setString(1, group);
      ps.setArray(2, topics(conn, partitions));
      ps.setArray(3, numbers(conn, partitions));
      ps.setArray(4, longs(conn, first, partitions.size()));
      ps.executeUpdate();
    }
    Map<SourcePartition, Long> stored = new HashMap<>();
    try (PreparedStatement ps = conn.prepareStatement(LOCK)) {
      ps.setArray(1, topics(conn, partitions));
      ps.setArray(2, numbers(conn, partitions));
      ps.setString(3, group);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored.put(new SourcePartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
        }
      }
    }
    return stored;
  }

  static void update(Connection conn, String group, List<SourcePartition> partitions, long[] next) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(UPDATE)) {
      ps.setArray(1, topics(conn, partitions));
      ps.setArray(2, numbers(conn, partitions));
      ps.setArray(3, longs(conn, next, partitions.size()));
      ps.setString(4, group);
      int n = ps.executeUpdate();
      if (n != partitions.size()) {
        throw new IllegalStateException("offsets of group '" + group + "': " + n + " rows updated for "
            + partitions.size() + " partitions " + partitions);
      }
    }
  }

  static Map<SourcePartition, Long> read(Connection conn, String group, Collection<String> topics) throws SQLException {
    Map<SourcePartition, Long> result = new java.util.LinkedHashMap<>();
    try (PreparedStatement ps = conn.prepareStatement(READ)) {
      ps.setString(1, group);
      ps.setArray(2, conn.createArrayOf("text", topics.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.put(new SourcePartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
        }
      }
    }
    return result;
  }

  private static Array topics(Connection conn, List<SourcePartition> partitions) throws SQLException {
    return conn.createArrayOf("text", partitions.stream().map(SourcePartition::topic).toArray());
  }

  private static Array numbers(Connection conn, List<SourcePartition> partitions) throws SQLException {
    return conn.createArrayOf("int4", partitions.stream().map(SourcePartition::partition).toArray());
  }

  private static Array longs(Connection conn, long[] values, int n) throws SQLException {
    Object[] boxed = new Object[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = values[i];
    }
    return conn.createArrayOf("int8", boxed);
  }
}
