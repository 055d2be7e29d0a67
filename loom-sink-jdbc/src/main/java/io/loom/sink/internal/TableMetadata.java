package io.loom.sink.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Design note: what the sink needs to know about one table, read from {@code pg_catalog} in three
 * queries and cached until {@code invalidateMetadata()}: its columns with their declared type (as
 * {@code format_type} prints it, used for staging columns and casts) and their type after resolving
 * domains (which decides the binary encoding), NOT NULL/default/identity/generated flags, and its
 * usable unique indexes (valid, immediate) with their key columns in order.
 *
 * @param table the table name as configured
 * @param exists whether {@code to_regclass} found it
 * @param relkind {@code r} table, {@code p} partitioned table, {@code f} foreign table, others
 */
public record TableMetadata(
    String table, boolean exists, char relkind, Map<String, ColumnInfo> columns, List<UniqueIndex> uniqueIndexes) {

  /** One column. {@code typeOid}/{@code elementOid} are after domain resolution. */
  public record ColumnInfo(
      String name,
      int attnum,
      String declaredType,
      int typeOid,
      int elementOid,
      boolean notNull,
      boolean hasDefault,
      boolean identity,
      boolean generated) {}

  /** A unique index usable as an {@code ON CONFLICT} arbiter when {@code partial} and {@code expression} are false. */
  public record UniqueIndex(String name, boolean primary, List<String> columns, boolean partial, boolean expression) {
    String describe() {
      return name + " (" + String.join(", ", columns) + (expression ? ", <expression>" : "") + ")"
          + (partial ? " WHERE ..." : "");
    }
  }

  static TableMetadata missing(String table) {
    return new TableMetadata(table, false, ' ', Map.of(), List.of());
  }

  /** The columns' names in table order. */
  public List<String> columnNames() {
    return List.copyOf(columns.keySet());
  }

  private static final String RELATION =
      "SELECT c.oid, c.relkind FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass(?::text)";

  private static final String COLUMNS =
      "WITH RECURSIVE cols AS ("
          + " SELECT a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS declared, a.attnotnull,"
          + " a.atthasdef, a.attidentity <> '' AS ident, a.attgenerated <> '' AS gen, a.atttypid AS cur, 0 AS depth"
          + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped"
          + " UNION ALL"
          + " SELECT c.attnum, c.attname, c.declared, c.attnotnull, c.atthasdef, c.ident, c.gen, t.typbasetype, c.depth + 1"
          + " FROM cols c JOIN pg_catalog.pg_type t ON t.oid = c.cur WHERE t.typtype = 'd' AND c.depth < 16)"
          + " SELECT DISTINCT ON (c.attnum) c.attnum, c.attname, c.declared, c.attnotnull, c.atthasdef, c.ident, c.gen,"
          + " c.cur::int8, t.typelem::int8"
          + " FROM cols c JOIN pg_catalog.pg_type t ON t.oid = c.cur ORDER BY c.attnum, c.depth DESC";

  private static final String INDEXES =
      "SELECT ic.relname, i.indisprimary, i.indpred IS NOT NULL, i.indexprs IS NOT NULL,"
          + " ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)"
          + " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
          + " WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)::text[]"
          + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
          + " WHERE i.indrelid = ?::oid AND i.indisunique AND i.indisvalid AND i.indimmediate"
          + " ORDER BY i.indisprimary DESC, ic.relname";

  /** Reads the metadata of {@code table} (a validated, possibly schema-qualified name). */
  static TableMetadata read(Connection conn, String table) throws SQLException {
    long oid;
    char relkind;
    try (PreparedStatement ps = conn.prepareStatement(RELATION)) {
      ps.setString(1, io.loom.mapping.SqlIdentifiers.quote(table));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return missing(table);
        }
        oid = rs.getLong(1);
        relkind = rs.getString(2).charAt(0);
      }
    }
    Map<String, ColumnInfo> columns = new LinkedHashMap<>();
    try (PreparedStatement ps = conn.prepareStatement(COLUMNS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ColumnInfo c = new ColumnInfo(rs.getString(2), rs.getInt(1), rs.getString(3), (int) rs.getLong(8),
              (int) rs.getLong(9), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7));
          columns.put(c.name(), c);
        }
      }
    }
    List<UniqueIndex> indexes = new ArrayList<>();
    try (PreparedStatement ps = conn.prepareStatement(INDEXES)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String[] cols = (String[]) rs.getArray(5).getArray();
          indexes.add(new UniqueIndex(rs.getString(1), rs.getBoolean(2), List.of(cols), rs.getBoolean(3), rs.getBoolean(4)));
        }
      }
    }
    return new TableMetadata(table, true, relkind, java.util.Collections.unmodifiableMap(columns), List.copyOf(indexes));
  }
}
