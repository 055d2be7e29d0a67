package io.loom.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stand-in for the {@code timescaledb} extension in a {@link TestPostgres} server, which has no TimescaleDB.
 *
 * <p>It is not TimescaleDB: it partitions nothing. It provides {@code create_hypertable} with the real TimescaleDB
 * 2.x signature and result row, refuses what TimescaleDB refuses in the cases a writer of rows can meet (same
 * messages and SQLSTATEs: a unique index without the time column, a table holding rows without {@code
 * migrate_data}, a time column missing or of a type that cannot partition, ...), and records every call in
 * {@value #CALLS_TABLE} and every converted table in {@value #HYPERTABLES_TABLE}. The script is the resource
 * {@code timescaledb-standin.sql} beside this class.
 *
 * <p>{@link #install(TestPostgres)} writes {@code timescaledb.control} and {@code timescaledb--}{@value #VERSION}
 * {@code .sql} into the server's {@code share/extension} directory (found through the server's own {@code
 * pg_config} view, so it is the directory {@code CREATE EXTENSION} reads); after that, {@code CREATE EXTENSION
 * timescaledb} works in any database of that server (and of any server run from the same unpacked binaries).
 *
 * <p>Thread-safety: {@link #install} may be called from any thread and from several JVMs at once: each file is
 * written to a temporary file and moved into place atomically, and left alone when it already holds the same text.
 */
public final class TimescaleStandIn {

    /** The extension version the stand-in claims: the TimescaleDB release whose signature it copies. */
    public static final String VERSION = "2.17.2";
    /** Table of the calls that did not raise, in order, with their arguments as passed. */
    public static final String CALLS_TABLE = "timescaledb_standin.create_hypertable_calls";
    /** Table of the converted tables, with their time column and effective chunk interval. */
    public static final String HYPERTABLES_TABLE = "timescaledb_standin.hypertables";

    private static final String SCRIPT_RESOURCE = "timescaledb-standin.sql";
    private static final String CONTROL = "# Installed by Loom's tests: a stand-in, not TimescaleDB (see the script)\n"
            + "comment = 'Stand-in for tests: TimescaleDB 2.x create_hypertable signature, records calls, partitions"
            + " nothing'\n"
            + "default_version = '" + VERSION + "'\n"
            + "relocatable = false\n";

    private TimescaleStandIn() {
    }

    /**
     * Makes {@code CREATE EXTENSION timescaledb} available on {@code postgres}. Idempotent.
     *
     * @return the {@code share/extension} directory written to
     * @throws IllegalStateException if the server cannot be asked where its files are, or the files cannot be written
     */
    public static Path install(TestPostgres postgres) {
        Objects.requireNonNull(postgres, "postgres");
        Path extensionDirectory = shareDirectory(postgres).resolve("extension");
        try {
            Files.createDirectories(extensionDirectory);
            writeIfChanged(extensionDirectory.resolve("timescaledb--" + VERSION + ".sql"), script());
            writeIfChanged(extensionDirectory.resolve("timescaledb.control"), CONTROL.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not install the timescaledb stand-in into " + extensionDirectory, e);
        }
        return extensionDirectory;
    }

    private static Path shareDirectory(TestPostgres postgres) {
        try (Connection connection = postgres.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT setting FROM pg_catalog.pg_config WHERE name = 'SHAREDIR'")) {
            if (!rs.next()) {
                throw new IllegalStateException(postgres + " reports no SHAREDIR in pg_config");
            }
            return Paths.get(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read SHAREDIR from pg_config on " + postgres + ": "
                    + e.getMessage(), e);
        }
    }

    private static byte[] script() throws IOException {
        try (InputStream in = TimescaleStandIn.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + SCRIPT_RESOURCE + " is missing beside "
                        + TimescaleStandIn.class.getName());
            }
            return in.readAllBytes();
        }
    }

    private static void writeIfChanged(Path target, byte[] content) throws IOException {
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
            return;
        }
        Path temporary = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            Files.write(temporary, content);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
