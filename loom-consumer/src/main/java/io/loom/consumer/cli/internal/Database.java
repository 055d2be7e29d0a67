package io.loom.consumer.cli.internal;

import io.loom.consumer.settings.LoomSettings;
import io.loom.mapping.LoomException;
import io.loom.mapping.jdbc.DatabaseUrl;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database of the settings, for one-off commands. Design note: a plain (non-pooling) data source,
 * so that a wrong password or an unreachable host fails at once with the driver's own message instead
 * of after a pool's connection timeout; credentials given apart from the URL ({@code LOOM_DATABASE_USER},
 * {@code LOOM_DATABASE_PASSWORD}) win over those in the URL, and only {@link DatabaseUrl#describe()}
 * (never the password) is printed.
 */
final class Database {
  private Database() {}

  /** The location of the settings' database. */
  static DatabaseUrl url(LoomSettings settings, String task) {
    return DatabaseUrl.parse(settings.requireDatabaseUrl(task))
        .withCredentials(settings.databaseUser().orElse(null), settings.databasePassword().orElse(null));
  }

  /** A data source that opens a new connection on each request. */
  static DataSource dataSource(DatabaseUrl url) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(url.jdbcUrl());
    Properties properties = url.connectionProperties();
    for (String name : properties.stringPropertyNames()) {
      try {
        dataSource.setProperty(name, properties.getProperty(name));
      } catch (SQLException e) {
        throw new LoomException("connection property '" + name + "' of " + url.describe()
            + " is not known to the PostgreSQL driver: " + e.getMessage(), e);
      }
    }
    return dataSource;
  }
}
