package io.loom.sink;

import io.loom.testsupport.TestPostgres;
import io.loom.testsupport.TimescaleStandIn;
import java.lang.reflect.InvocationTargetException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The database the hypertable tests run against, and the one place where the two kinds differ.
 *
 * <p>By default ({@value #PROPERTY} unset or {@code standin}) it is the JVM's embedded PostgreSQL with the
 * {@link TimescaleStandIn} extension: a stand-in with TimescaleDB's {@code create_hypertable} signature that
 * records its calls. With {@code -Ptimescaledb} ({@value #PROPERTY}{@code =container}) it is a real TimescaleDB
 * image run by Testcontainers ({@code HypertableContainer}, compiled only in that profile). Both answer {@link
 * #timeDimension} from their catalog (the stand-in's table, or {@code timescaledb_information.dimensions}); only
 * the stand-in can list the calls it received ({@link #calls}).
 */
abstract class HypertableBackend implements AutoCloseable {
  static final String PROPERTY = "loom.test.timescaledb";

  /** The time dimension of a hypertable: its column, and its chunk interval as PostgreSQL prints it. */
  record TimeDimension(String column, String interval) {}

  /** One call of {@code create_hypertable}: arguments as passed ({@code chunkInterval} null when left out). */
  record Call(String timeColumn, String chunkInterval, boolean ifNotExists, boolean migrateData, boolean created) {}

  /** The backend named by the system property {@value #PROPERTY}. */
  static HypertableBackend select() {
    String kind = System.getProperty(PROPERTY, "standin");
    switch (kind) {
      case "standin":
        return new StandIn();
      case "container":
        try {
          return (HypertableBackend) Class.forName("io.loom.sink.HypertableContainer").getDeclaredConstructor()
              .newInstance();
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(PROPERTY + "=container needs the test sources and Testcontainers of the"
              + " timescaledb profile: run mvn verify -Ptimescaledb", e);
        } catch (InvocationTargetException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      default:
        throw new IllegalArgumentException(PROPERTY + " was '" + kind + "' but it must be 'standin' or 'container'");
    }
  }

  /** What runs the database, for messages. */
  abstract String describe();

  /** JDBC URL of a database, without credentials. */
  abstract String jdbcUrl(String database);

  abstract String user();

  abstract String password();

  /** Drops a database of that name if there is one, and creates it empty. */
  abstract void recreateDatabase(String name) throws SQLException;

  /** The time dimension of {@code schema.table}, if it is a hypertable. */
  abstract Optional<TimeDimension> timeDimension(DataSource db, String schema, String table);

  /** The {@code create_hypertable} calls received for {@code schema.table}, oldest first; empty where unobservable. */
  abstract Optional<List<Call>> calls(DataSource db, String schema, String table);

  @Override
  public void close() {}

  /** A fresh database with the timescaledb extension created in its {@code public} schema. */
  final String freshDatabase(String name) {
    try {
      recreateDatabase(name);
      try (Connection c = DriverManager.getConnection(jdbcUrl(name), user(), password());
           Statement st = c.createStatement()) {
        st.execute("CREATE EXTENSION IF NOT EXISTS timescaledb WITH SCHEMA public");
      }
      return name;
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + name + " with timescaledb on " + describe() + ": "
          + e.getMessage(), e);
    }
  }

  static List<List<Object>> query(DataSource db, String sql, Object... parameters) {
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        ps.setObject(i + 1, parameters[i]);
      }
      List<List<Object>> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.add(rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The JVM's embedded PostgreSQL with the stand-in extension. */
  static final class StandIn extends HypertableBackend {
    private final TestPostgres postgres = TestPostgres.shared();

    StandIn() {
      TimescaleStandIn.install(postgres);
    }

    @Override
    String describe() {
      return postgres + " with the timescaledb stand-in";
    }

    @Override
    String jdbcUrl(String database) {
      return "jdbc:postgresql://" + postgres.host() + ":" + postgres.port() + "/" + database;
    }

    @Override
    String user() {
      return postgres.user();
    }

    @Override
    String password() {
      return postgres.password();
    }

    @Override
    void recreateDatabase(String name) {
      postgres.createDatabase(name);
    }

    @Override
    Optional<TimeDimension> timeDimension(DataSource db, String schema, String table) {
      return query(db, "SELECT column_name::text, coalesce(time_interval::text, integer_interval::text) FROM "
          + TimescaleStandIn.HYPERTABLES_TABLE + " WHERE schema_name = ? AND table_name = ?", schema, table).stream()
          .map(r -> new TimeDimension((String) r.get(0), (String) r.get(1))).findFirst();
    }

    @Override
    Optional<List<Call>> calls(DataSource db, String schema, String table) {
      return Optional.of(query(db, "SELECT time_column_name::text, chunk_time_interval, if_not_exists, migrate_data,"
          + " created FROM " + TimescaleStandIn.CALLS_TABLE + " WHERE schema_name = ? AND table_name = ? ORDER BY call_id",
          schema, table).stream()
          .map(r -> new Call((String) r.get(0), (String) r.get(1), (Boolean) r.get(2), (Boolean) r.get(3), (Boolean) r.get(4)))
          .toList());
    }
  }
}
