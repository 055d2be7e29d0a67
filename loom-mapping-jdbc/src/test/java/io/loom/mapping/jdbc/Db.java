package io.loom.mapping.jdbc;

import io.loom.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** A fresh database on the JVM's shared test PostgreSQL, with small SQL helpers for tests. */
final class Db {
  final TestPostgres postgres;
  final String name;
  final PGSimpleDataSource dataSource;

  private Db(TestPostgres postgres, String name) {
    this.postgres = postgres;
    this.name = name;
    this.dataSource = postgres.dataSource(name);
  }

  /** A new, empty database (dropped first if it exists). */
  static Db fresh(String name) {
    return fresh(TestPostgres.shared(), name);
  }

  static Db fresh(TestPostgres postgres, String name) {
    return new Db(postgres, postgres.createDatabase(name));
  }

  /** A new database with Loom's schema. */
  static Db migrated(String name) {
    Db db = fresh(name);
    Migrator.migrate(db.dataSource);
    return db;
  }

  /** Runs statements, each in its own transaction. */
  void exec(String... statements) {
    exec(dataSource, statements);
  }

  static void exec(DataSource ds, String... statements) {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Runs statements in one transaction. */
  void inTransaction(String... statements) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        for (String sql : statements) {
          st.execute(sql);
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The rows of a query, each as column name -> value (in column order). */
  List<Map<String, Object>> query(String sql) {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<Map<String, Object>> rows = new ArrayList<>();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          Object value = rs.getObject(i);
          if (value instanceof java.sql.Array array) {
            value = List.of((Object[]) array.getArray());
          } else if (value instanceof org.postgresql.util.PGobject pg) {
            value = pg.getValue();
          }
          row.put(md.getColumnLabel(i), value);
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The single value of a one-row, one-column query. */
  Object value(String sql) {
    List<Map<String, Object>> rows = query(sql);
    if (rows.size() != 1 || rows.get(0).size() != 1) {
      throw new IllegalStateException("expected one value from " + sql + " but got " + rows);
    }
    return rows.get(0).values().iterator().next();
  }

  /** A row for comparing with {@link #query}: alternating column names and values (null allowed). */
  static Map<String, Object> row(Object... namesAndValues) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      row.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return row;
  }

  long revision() {
    return ((Number) value("SELECT revision FROM loom_config_revision")).longValue();
  }
}
