package io.loom.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.RowSink;
import io.loom.mapping.Transformation;
import io.loom.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh schema in the JVM-shared embedded PostgreSQL, with a small HikariCP pool whose connections
 * use it as their search path, and methods to build targets, feed rows and read tables back.
 */
final class SinkDatabase implements AutoCloseable {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static final String DATABASE = "sink_tests";
  private static volatile boolean databaseCreated;

  final TestPostgres postgres;
  final String schema;
  final HikariDataSource pool;

  SinkDatabase() {
    postgres = TestPostgres.shared();
    synchronized (SinkDatabase.class) {
      if (!databaseCreated) {
        postgres.createDatabase(DATABASE);
        databaseCreated = true;
      }
    }
    schema = postgres.createSchema(DATABASE, "s" + SCHEMAS.incrementAndGet() + "_" + ProcessHandle.current().pid());
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.jdbcUrl(DATABASE) + "&currentSchema=" + schema);
    config.setMaximumPoolSize(2);
    config.setConnectionTimeout(2_000);
    config.setPoolName("test-" + schema);
    pool = new HikariDataSource(config);
  }

  static SinkOptions fastRetries() {
    return SinkOptions.builder().initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofMillis(500)).build();
  }

  void execute(String... statements) {
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every row of a query, each as its columns' text forms joined by '|' (NULL as "null"). */
  List<String> query(String sql) {
    List<String> rows = new ArrayList<>();
    try (Connection c = pool.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          if (i > 1) {
            sb.append('|');
          }
          sb.append(rs.getString(i));
        }
        rows.add(sb.toString());
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return rows;
  }

  long count(String table) {
    return Long.parseLong(query("SELECT count(*) FROM " + table).get(0));
  }

  @Override
  public void close() {
    pool.close();
  }

  // ------------------------------------------------------------------------------------------- targets

  static Column column(int index, String name, DataType type) {
    return new Column(index, name, type, null);
  }

  static Column column(int index, String name, DataType type, Transformation transformation) {
    return new Column(index, name, type, transformation);
  }

  /** A target with columns named and typed alternately: ("id", INTEGER, "v", STRING, ...). */
  static TableTarget target(String table, List<String> key, ConflictStrategy strategy, Object... namesAndTypes) {
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      Object type = namesAndTypes[i + 1];
      if (type instanceof Transformation t) {
        columns.add(column(i / 2, (String) namesAndTypes[i], t == Transformation.JSON_STRINGIFY ? DataType.JSON
            : DataType.STRING, t));
      } else {
        columns.add(column(i / 2, (String) namesAndTypes[i], (DataType) type));
      }
    }
    return new TableTarget(table, columns, key, strategy, null);
  }

  /** A JSON value, to tell {@link RowSink#jsonValue} from {@link RowSink#stringValue}. */
  record Json(String text) {}

  /** Text handed over as characters, inside a larger array, the way the mapper passes text it read. */
  record Chars(String text) {}

  /** Writes one row: values by Java type (null, String, Long/Integer, Double, Boolean, Instant, byte[], Json, Chars, String[], double[]). */
  static void row(RowSink sink, Object... values) {
    sink.startRow();
    for (int i = 0; i < values.length; i++) {
      Object v = values[i];
      if (v == null) {
        sink.nullValue(i);
      } else if (v instanceof String s) {
        sink.stringValue(i, s);
      } else if (v instanceof Long l) {
        sink.longValue(i, l);
      } else if (v instanceof Integer n) {
        sink.longValue(i, n);
      } else if (v instanceof Double d) {
        sink.doubleValue(i, d);
      } else if (v instanceof Boolean b) {
        sink.booleanValue(i, b);
      } else if (v instanceof Instant t) {
        sink.timestampValue(i, t.getEpochSecond() * 1_000_000L + t.getNano() / 1000);
      } else if (v instanceof byte[] b) {
        sink.bytesValue(i, b, b.length);
      } else if (v instanceof Json j) {
        sink.jsonValue(i, j.text());
      } else if (v instanceof Chars c) {
        char[] around = ("<<" + c.text() + ">>").toCharArray();
        sink.stringValue(i, around, 2, c.text().length());
      } else if (v instanceof String[] a) {
        sink.stringArrayValue(i, a, a.length);
      } else if (v instanceof double[] a) {
        sink.doubleArrayValue(i, a, a.length);
      } else {
        throw new IllegalArgumentException("no RowSink method for " + v.getClass());
      }
    }
    sink.endRow();
  }

  /** Adds one message with one row to {@code batch}. */
  static void message(SinkBatch batch, TableTarget target, String topic, int partition, long offset, Object... values) {
    row(batch.rowsFor(target, topic, partition, offset), values);
  }
}
