package io.loom.sink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real TimescaleDB for the hypertable tests, run by Testcontainers from the image named by the system property
 * {@value #IMAGE_PROPERTY} (default {@value #DEFAULT_IMAGE}). Compiled and selected only by the Maven profile
 * {@code timescaledb}; it needs a Docker engine and says so in one message when there is none. Facts come from
 * TimescaleDB's own catalog ({@code timescaledb_information.dimensions}); calls of {@code create_hypertable}
 * cannot be observed, so {@link #calls} is empty.
 */
final class HypertableContainer extends HypertableBackend {
  static final String IMAGE_PROPERTY = "loom.test.timescaledb.image";
  static final String DEFAULT_IMAGE = "timescale/timescaledb:2.17.2-pg17";
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

  private final String image = System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
  private final PostgreSQLContainer<?> container;

  HypertableContainer() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException("The timescaledb profile runs the hypertable tests against the image " + image
          + " and needs a Docker engine, but Testcontainers found none (set DOCKER_HOST or start Docker). Without"
          + " -Ptimescaledb the same tests run against the timescaledb stand-in in the embedded PostgreSQL.");
    }
    container = new PostgreSQLContainer<>(DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"))
        .withStartupTimeout(STARTUP_TIMEOUT);
    container.start();
  }

  @Override
  String describe() {
    return image + " on " + container.getHost() + ":" + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
  }

  @Override
  String jdbcUrl(String database) {
    return "jdbc:postgresql://" + container.getHost() + ":" + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT)
        + "/" + database;
  }

  @Override
  String user() {
    return container.getUsername();
  }

  @Override
  String password() {
    return container.getPassword();
  }

  @Override
  void recreateDatabase(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
      st.execute("CREATE DATABASE \"" + name + "\"");
    }
  }

  @Override
  Optional<TimeDimension> timeDimension(DataSource db, String schema, String table) {
    return query(db, "SELECT column_name::text, coalesce(time_interval::text, integer_interval::text)"
        + " FROM timescaledb_information.dimensions WHERE hypertable_schema = ? AND hypertable_name = ?"
        + " AND dimension_type = 'Time'", schema, table).stream()
        .map(r -> new TimeDimension((String) r.get(0), (String) r.get(1))).findFirst();
  }

  @Override
  Optional<List<Call>> calls(DataSource db, String schema, String table) {
    return Optional.empty();
  }

  @Override
  public void close() {
    container.stop();
  }
}
