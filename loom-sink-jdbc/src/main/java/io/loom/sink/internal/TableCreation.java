package io.loom.sink.internal;

import io.loom.mapping.Column;
import io.loom.mapping.SqlIdentifiers;
import io.loom.sink.TableTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Design note: a target table that does not exist yet is created from its mapping, so that adding a
 * topic is configuration rows plus a reload. The table gets the mapped columns in mapping order, each
 * of the natural PostgreSQL type of its data type (the type the sink encodes without a cast: text,
 * bigint, double precision, boolean, timestamptz, bytea, jsonb, text[], double precision[]), the
 * upsert key's columns NOT NULL, and a primary key on the upsert key. {@link #planned} describes that
 * table as metadata, so checks plan against exactly what {@link #create} will make. Creation takes a
 * transaction-scoped advisory lock on the table name and uses {@code CREATE TABLE IF NOT EXISTS}, so
 * writers racing on one table (in one process or several) create it once.
 */
final class TableCreation {
  private TableCreation() {}

  /** The metadata the table of {@code target} has once {@link #create} made it. */
  static TableMetadata planned(TableTarget target) {
    Map<String, TableMetadata.ColumnInfo> columns = new LinkedHashMap<>();
    for (Column c : target.columns()) {
      Column.ValueKind kind = c.valueKind();
      columns.put(c.name(), new TableMetadata.ColumnInfo(c.name(), c.index() + 1, Codec.naturalType(kind),
          Codec.naturalOid(kind), Codec.naturalElementOid(kind), target.upsertKey().contains(c.name()), false, false,
          false));
    }
    List<TableMetadata.UniqueIndex> indexes = target.isAppendOnly() ? List.of()
        : List.of(new TableMetadata.UniqueIndex(bareName(target.table()) + "_pkey", true, target.upsertKey(), false, false));
    return new TableMetadata(target.table(), true, 'r', Collections.unmodifiableMap(columns), indexes);
  }

  /** {@code CREATE TABLE IF NOT EXISTS} of the table {@link #planned} describes. */
  static String ddl(TableTarget target) {
    StringJoiner parts = new StringJoiner(", ");
    for (TableMetadata.ColumnInfo c : planned(target).columns().values()) {
      parts.add(SqlIdentifiers.quote(c.name()) + " " + c.declaredType() + (c.notNull() ? " NOT NULL" : ""));
    }
    if (!target.isAppendOnly()) {
      StringJoiner key = new StringJoiner(", ");
      target.upsertKey().forEach(k -> key.add(SqlIdentifiers.quote(k)));
      parts.add("PRIMARY KEY (" + key + ")");
    }
    return "CREATE TABLE IF NOT EXISTS " + SqlIdentifiers.quote(target.table()) + " (" + parts + ")";
  }

  /**
   * Creates the table of {@code target} if it still does not exist, in a transaction of its own on
   * {@code conn} (which must be in auto-commit mode, and is again afterwards).
   *
   * @return whether this call created it
   */
  static boolean create(Connection conn, TableTarget target) throws SQLException {
    conn.setAutoCommit(false);
    try {
      try (PreparedStatement lock = conn.prepareStatement("SELECT pg_catalog.pg_advisory_xact_lock(?)")) {
        lock.setLong(1, lockKey(target.table()));
        lock.execute();
      }
      boolean exists;
      try (PreparedStatement ps = conn.prepareStatement("SELECT pg_catalog.to_regclass(?::text) IS NOT NULL")) {
        ps.setString(1, SqlIdentifiers.quote(target.table()));
        try (var rs = ps.executeQuery()) {
          rs.next();
          exists = rs.getBoolean(1);
        }
      }
      if (!exists) {
        try (Statement st = conn.createStatement()) {
          st.execute(ddl(target));
        }
      }
      conn.commit();
      return !exists;
    } catch (SQLException | RuntimeException e) {
      try {
        conn.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      conn.setAutoCommit(true);
    }
  }

  /** A lock key of the table name: "Loom" in the high half (the migration lock's key is "LOOMMIGR"). */
  private static long lockKey(String table) {
    return 0x4c6f6f6d00000000L | (table.hashCode() & 0xffffffffL);
  }

  private static String bareName(String table) {
    int dot = table.lastIndexOf('.');
    return dot < 0 ? table : table.substring(dot + 1);
  }
}
