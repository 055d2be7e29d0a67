package io.loom.mapping.jdbc.internal;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How the rows of one configuration table are keyed, compared and written.
 *
 * <p>Design note: the writer never touches surrogate ids; rows are matched by their natural key (the
 * table's unique constraint), compared column by column, and written with generated statements whose
 * values are always bound parameters. {@code pipeline_stage_topics} refers to its stage by id, so its
 * statements look the id up from (flow_name, stage_name).
 */
public final class TableSpec<R> {

  /** A column: its name, how to get its value from a row, its JDBC type, and whether it is jsonb. */
  public record Col<R>(String name, Function<R, Object> get, int sqlType, boolean json) {
    public static <R> Col<R> text(String name, Function<R, Object> get) {
      return new Col<>(name, get, Types.VARCHAR, false);
    }

    public static <R> Col<R> integer(String name, Function<R, Object> get) {
      return new Col<>(name, get, Types.INTEGER, false);
    }

    public static <R> Col<R> bool(String name, Function<R, Object> get) {
      return new Col<>(name, get, Types.BOOLEAN, false);
    }

    public static <R> Col<R> numeric(String name, Function<R, Object> get) {
      return new Col<>(name, get, Types.NUMERIC, false);
    }

    public static <R> Col<R> jsonb(String name, Function<R, Object> get) {
      return new Col<>(name, get, Types.VARCHAR, true);
    }
  }

  /** A row to update: the target row and what changes in it (column, before, after). */
  public record Change<R>(R row, String key, List<Object[]> columns) {}

  /** The computed changes of one table. */
  public record Changes<R>(TableSpec<R> spec, List<R> added, List<Change<R>> changed, List<R> removed) {
    public boolean isEmpty() {
      return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }
  }

  private final String table;
  private final Function<R, String> key;
  private final List<Col<R>> keys;
  private final List<Col<R>> values;
  private final String insertSql;
  private final List<Col<R>> insertParams;
  private final String updateSql;
  private final String deleteSql;
  private final List<Col<R>> deleteParams;

  private TableSpec(String table, Function<R, String> key, List<Col<R>> keys, List<Col<R>> values, String insertSql,
      List<Col<R>> insertParams, String deleteSql, List<Col<R>> deleteParams) {
    this.table = table;
    this.key = key;
    this.keys = List.copyOf(keys);
    this.values = List.copyOf(values);
    List<Col<R>> all = new ArrayList<>(keys);
    all.addAll(values);
    this.insertSql = insertSql != null ? insertSql
        : "INSERT INTO " + table + " (" + all.stream().map(Col::name).collect(Collectors.joining(", ")) + ") VALUES ("
            + all.stream().map(TableSpec::placeholder).collect(Collectors.joining(", ")) + ")";
    this.insertParams = insertParams != null ? List.copyOf(insertParams) : List.copyOf(all);
    this.updateSql = values.isEmpty() ? null
        : "UPDATE " + table + " SET " + values.stream().map(c -> c.name() + " = " + placeholder(c))
            .collect(Collectors.joining(", ")) + " WHERE " + where(keys);
    this.deleteSql = deleteSql != null ? deleteSql : "DELETE FROM " + table + " WHERE " + where(keys);
    this.deleteParams = deleteParams != null ? List.copyOf(deleteParams) : this.keys;
  }

  /** A table written with generated INSERT/UPDATE/DELETE statements. */
  public static <R> TableSpec<R> of(String table, Function<R, String> key, List<Col<R>> keys, List<Col<R>> values) {
    return new TableSpec<>(table, key, keys, values, null, null, null, null);
  }

  /** A table with its own INSERT and DELETE statements and no updatable columns. */
  public static <R> TableSpec<R> custom(String table, Function<R, String> key, List<Col<R>> keys, String insertSql,
      List<Col<R>> insertParams, String deleteSql, List<Col<R>> deleteParams) {
    return new TableSpec<>(table, key, keys, List.of(), insertSql, insertParams, deleteSql, deleteParams);
  }

  public String table() {
    return table;
  }

  public String key(R row) {
    return key.apply(row);
  }

  /**
   * Compares the rows in the table with the wanted rows.
   *
   * @throws IllegalArgumentException if two wanted rows have the same key
   */
  public Changes<R> diff(List<R> current, List<R> wanted) {
    Map<String, R> currentByKey = new LinkedHashMap<>();
    for (R row : current) {
      currentByKey.putIfAbsent(key(row), row);
    }
    Map<String, R> wantedByKey = new LinkedHashMap<>();
    for (R row : wanted) {
      if (wantedByKey.putIfAbsent(key(row), row) != null) {
        throw new IllegalArgumentException(table + " row '" + key(row) + "' appears twice in the snapshot");
      }
    }
    List<R> added = new ArrayList<>();
    List<Change<R>> changed = new ArrayList<>();
    for (Map.Entry<String, R> e : wantedByKey.entrySet()) {
      R old = currentByKey.get(e.getKey());
      if (old == null) {
        added.add(e.getValue());
        continue;
      }
      List<Object[]> columns = new ArrayList<>();
      for (Col<R> c : values) {
        Object before = c.get().apply(old);
        Object after = c.get().apply(e.getValue());
        if (!Objects.equals(before, after)) {
          columns.add(new Object[] {c.name(), before, after});
        }
      }
      if (!columns.isEmpty()) {
        changed.add(new Change<>(e.getValue(), e.getKey(), columns));
      }
    }
    List<R> removed = new ArrayList<>();
    for (Map.Entry<String, R> e : currentByKey.entrySet()) {
      if (!wantedByKey.containsKey(e.getKey())) {
        removed.add(e.getValue());
      }
    }
    return new Changes<>(this, added, changed, removed);
  }

  /** Inserts rows in one batch. */
  public void insert(Connection c, List<R> rows) throws SQLException {
    batch(c, insertSql, insertParams, rows);
  }

  /** Updates rows (every value column) in one batch. */
  public void update(Connection c, List<R> rows) throws SQLException {
    if (updateSql == null) {
      if (!rows.isEmpty()) {
        throw new IllegalStateException(table + " has no updatable columns");
      }
      return;
    }
    List<Col<R>> params = new ArrayList<>(values);
    params.addAll(keys);
    batch(c, updateSql, params, rows);
  }

  /** Deletes rows by key in one batch. */
  public void delete(Connection c, List<R> rows) throws SQLException {
    batch(c, deleteSql, deleteParams, rows);
  }

  private void batch(Connection c, String sql, List<Col<R>> params, List<R> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int pending = 0;
      for (R row : rows) {
        for (int i = 0; i < params.size(); i++) {
          bind(ps, i + 1, params.get(i), params.get(i).get().apply(row));
        }
        ps.addBatch();
        if (++pending == 1000) {
          ps.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        ps.executeBatch();
      }
    } catch (SQLException e) {
      SQLException next = e.getNextException();
      throw new SQLException("writing " + table + " failed: " + (next != null ? next.getMessage() : e.getMessage()),
          next != null ? next.getSQLState() : e.getSQLState(), e);
    }
  }

  private static <R> void bind(PreparedStatement ps, int index, Col<R> col, Object value) throws SQLException {
    if (value == null) {
      ps.setNull(index, col.sqlType());
    } else if (col.sqlType() == Types.NUMERIC && value instanceof Double d) {
      ps.setBigDecimal(index, BigDecimal.valueOf(d));
    } else {
      ps.setObject(index, value, col.sqlType());
    }
  }

  private static String placeholder(Col<?> c) {
    return c.json() ? "CAST(? AS jsonb)" : "?";
  }

  private static String where(List<? extends Col<?>> keys) {
    return keys.stream().map(c -> c.name() + " = ?").collect(Collectors.joining(" AND "));
  }
}
