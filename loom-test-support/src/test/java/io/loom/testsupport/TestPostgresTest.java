package io.loom.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class TestPostgresTest {

    @Test
    void shared_isRunningAndAnswersQueries() throws SQLException {
        TestPostgres postgres = TestPostgres.shared();

        assertThat(TestPostgres.shared()).isSameAs(postgres);
        assertThat(postgres.isRunning()).isTrue();
        assertThat(queryString(postgres.dataSource(), "SELECT current_setting('server_version_num')"))
                .startsWith("17");
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl())) {
            assertThat(connection.getMetaData().getUserName()).isEqualTo(TestPostgres.USER);
        }
    }

    @Test
    void createDatabase_givesAnEmptyDatabaseEvenIfTheNameWasUsedBefore() throws SQLException {
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase("createdb_test");
        execute(postgres.dataSource(database), "CREATE TABLE leftover (id int)");

        postgres.createDatabase("createdb_test");

        assertThat(queryString(postgres.dataSource(database),
                "SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'")).isEqualTo("0");
        assertThat(queryString(postgres.dataSource(database), "SELECT current_database()")).isEqualTo(database);
    }

    @Test
    void createSchema_givesAnEmptySchema() throws SQLException {
        TestPostgres postgres = TestPostgres.shared();
        String database = postgres.createDatabase("createschema_test");
        postgres.createSchema(database, "loom");
        execute(postgres.dataSource(database), "CREATE TABLE loom.t (id int)");

        postgres.createSchema(database, "loom");

        assertThat(queryString(postgres.dataSource(database),
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'loom'")).isEqualTo("0");
    }

    @Test
    void createDatabase_refusesNamesThatAreNotPlainIdentifiers() {
        TestPostgres postgres = TestPostgres.shared();

        assertThatThrownBy(() -> postgres.createDatabase("Bad\"Name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad\"Name");
        assertThatThrownBy(() -> postgres.createDatabase("postgres"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void urls_pointAtTheServerWithItsCredentials() throws SQLException {
        TestPostgres postgres = TestPostgres.shared();

        URI url = URI.create(postgres.postgresqlUrl("some_db"));
        assertThat(url.getScheme()).isEqualTo("postgresql");
        assertThat(url.getUserInfo()).isEqualTo(postgres.user() + ":" + postgres.password());
        assertThat(url.getHost()).isEqualTo("127.0.0.1");
        assertThat(url.getPort()).isEqualTo(postgres.port());
        assertThat(url.getPath()).isEqualTo("/some_db");
        assertThat(postgres.jdbcUrl("some_db"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/some_db?user=postgres&password=postgres");
    }

    @Test
    void connection_withAWrongPassword_isRefused() {
        TestPostgres postgres = TestPostgres.shared();
        Properties credentials = new Properties();
        credentials.setProperty("user", postgres.user());
        credentials.setProperty("password", "wrong");

        assertThatThrownBy(() -> DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres", credentials).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void restart_keepsPortAndCommittedDataAndAcceptsNewConnections() throws SQLException {
        try (TestPostgres postgres = TestPostgres.startNew()) {
            int port = postgres.port();
            String database = postgres.createDatabase("restart_test");
            PGSimpleDataSource dataSource = postgres.dataSource(database);
            execute(dataSource, "CREATE TABLE events (id int PRIMARY KEY, body text)",
                    "INSERT INTO events VALUES (1, 'before restart')");
            Connection oldConnection = dataSource.getConnection();

            postgres.restart();

            assertThat(postgres.isRunning()).isTrue();
            assertThat(postgres.port()).isEqualTo(port);
            assertThatThrownBy(() -> queryString(oldConnection, "SELECT 1")).isInstanceOf(SQLException.class);
            oldConnection.close();
            execute(dataSource, "INSERT INTO events VALUES (2, 'after restart')");
            assertThat(queryStrings(dataSource, "SELECT body FROM events ORDER BY id"))
                    .containsExactly("before restart", "after restart");
        }
    }

    @Test
    void stop_refusesConnectionsUntilStartedAgain() throws SQLException {
        try (TestPostgres postgres = TestPostgres.startNew()) {
            PGSimpleDataSource dataSource = postgres.dataSource();
            execute(dataSource, "CREATE TABLE kept (v text)", "INSERT INTO kept VALUES ('x')");

            postgres.stop();
            postgres.stop(); // idempotent

            assertThat(postgres.isRunning()).isFalse();
            assertThatThrownBy(() -> dataSource.getConnection().close()).isInstanceOf(SQLException.class);

            postgres.start();

            assertThat(queryString(dataSource, "SELECT v FROM kept")).isEqualTo("x");
        }
    }

    @Test
    void stop_duringAnOpenTransaction_rollsItBackAndKeepsCommittedRows() throws SQLException {
        try (TestPostgres postgres = TestPostgres.startNew()) {
            PGSimpleDataSource dataSource = postgres.dataSource();
            execute(dataSource, "CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
            try (Connection writer = dataSource.getConnection()) {
                writer.setAutoCommit(false);
                try (PreparedStatement insert = writer.prepareStatement("INSERT INTO t VALUES (?)")) {
                    insert.setInt(1, 2);
                    insert.executeUpdate();
                }

                postgres.restart();

                assertThatThrownBy(writer::commit).isInstanceOf(SQLException.class);
            }
            assertThat(queryStrings(dataSource, "SELECT id FROM t")).containsExactly("1");
        }
    }

    @Test
    void start_whenAnotherProcessTookThePort_failsNamingThePortAndWorksOnceItIsFree() throws Exception {
        try (TestPostgres postgres = TestPostgres.startNew()) {
            postgres.stop();
            try (ServerSocket squatter = new ServerSocket()) {
                squatter.bind(new InetSocketAddress("127.0.0.1", postgres.port()));

                assertThatThrownBy(postgres::start)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("127.0.0.1:" + postgres.port())
                        .hasMessageContaining("taken");
            }

            postgres.start();

            assertThat(queryString(postgres.dataSource(), "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void close_isIdempotentAndRemovesTheServerDirectory() throws SQLException {
        TestPostgres postgres = TestPostgres.startNew();
        PGSimpleDataSource dataSource = postgres.dataSource();
        assertThat(queryString(dataSource, "SELECT 1")).isEqualTo("1");
        List<Path> before = serverDirectories();

        postgres.close();
        postgres.close();

        assertThat(postgres.isRunning()).isFalse();
        assertThatThrownBy(() -> dataSource.getConnection().close()).isInstanceOf(SQLException.class);
        assertThat(serverDirectories()).hasSize(before.size() - 1);
        assertThatThrownBy(postgres::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void close_onTheSharedServer_keepsItRunning() throws SQLException {
        TestPostgres postgres = TestPostgres.shared();

        postgres.close();

        assertThat(queryString(postgres.dataSource(), "SELECT 1")).isEqualTo("1");
    }

    private static List<Path> serverDirectories() {
        List<Path> result = new ArrayList<>();
        try (var children = Files.newDirectoryStream(ServiceDirectories.defaultBaseDirectory(), "postgres-*")) {
            children.forEach(result::add);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return result;
    }

    static void execute(PGSimpleDataSource dataSource, String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    static String queryString(PGSimpleDataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return queryString(connection, sql);
        }
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from %s", sql).isTrue();
            return rows.getString(1);
        }
    }

    private static List<String> queryStrings(PGSimpleDataSource dataSource, String sql) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                result.add(rows.getString(1));
            }
        }
        return result;
    }
}
