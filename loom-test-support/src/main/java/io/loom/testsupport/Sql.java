package io.loom.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Plain SQL for tests: statements run in turn, a count, all rows; a failure becomes an unchecked exception
 * that names the statement which failed (the {@link SQLException} is its cause).
 */
public final class Sql {
    private Sql() {}

    /** Runs the statements in order on one connection (auto-commit). */
    public static void sql(DataSource ds, String... statements) {
        String current = null;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                current = sql;
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw failure(current, e);
        }
    }

    /** Runs the statements in order in one transaction: all of them commit, or none. */
    public static void transaction(DataSource ds, String... statements) {
        String current = null;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    current = sql;
                    s.execute(sql);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure(current, e);
        }
    }

    /** The first column of the first row as a long, for instance of {@code SELECT count(*) ...}. */
    public static long count(DataSource ds, String query) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            if (!rs.next()) {
                throw new IllegalStateException("cannot execute " + query + ": it returned no row");
            }
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure(query, e);
        }
    }

    /** Every row of the query, each as its column values ({@link ResultSet#getObject}). */
    public static List<List<Object>> rows(DataSource ds, String query) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            List<List<Object>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw failure(query, e);
        }
    }

    private static IllegalStateException failure(String statement, SQLException e) {
        // statement is null when no connection could be opened
        return new IllegalStateException(statement == null ? "cannot connect: " + e.getMessage()
                : "cannot execute " + statement + ": " + e.getMessage(), e);
    }
}
