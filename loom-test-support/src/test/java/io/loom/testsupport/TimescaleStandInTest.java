package io.loom.testsupport;

import static io.loom.testsupport.Sql.rows;
import static io.loom.testsupport.Sql.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stand-in's create_hypertable: what it records, and what it refuses with TimescaleDB's words. */
class TimescaleStandInTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestPostgres postgres;
    private DataSource db;

    @BeforeAll
    static void install() {
        postgres = TestPostgres.shared();
        Path directory = TimescaleStandIn.install(postgres);
        assertThat(TimescaleStandIn.install(postgres)).isEqualTo(directory);
        assertThat(directory.resolve("timescaledb.control")).exists();
    }

    @BeforeEach
    void freshDatabase() {
        db = postgres.dataSource(postgres.createDatabase("standin_" + DATABASES.incrementAndGet()));
        sql(db, "CREATE EXTENSION timescaledb");
    }

    @Test
    void install_twice_leavesTheFilesAsTheyAre() throws Exception {
        Path control = TimescaleStandIn.install(postgres).resolve("timescaledb.control");
        var modified = Files.getLastModifiedTime(control);

        TimescaleStandIn.install(postgres);

        assertThat(Files.getLastModifiedTime(control)).isEqualTo(modified);
        assertThat(rows(db, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'"))
                .containsExactly(List.of(TimescaleStandIn.VERSION));
    }

    @Test
    void createHypertable_recordsTheCallAndTheDimension() {
        sql(db, "CREATE TABLE readings (ts timestamptz, device text, PRIMARY KEY (device, ts))");

        assertThat(rows(db, "SELECT * FROM create_hypertable('readings', 'ts', chunk_time_interval => interval '6 hours')"))
                .containsExactly(List.of(1, "public", "readings", true));
        assertThat(rows(db, "SELECT * FROM create_hypertable('readings', 'ts', if_not_exists => true)"))
                .containsExactly(List.of(1, "public", "readings", false));

        assertThat(rows(db, "SELECT table_name, time_column_name, chunk_time_interval, chunk_time_interval_type::text,"
                + " if_not_exists, migrate_data, created FROM " + TimescaleStandIn.CALLS_TABLE + " ORDER BY call_id"))
                .containsExactly(List.of("readings", "ts", "06:00:00", "interval", false, false, true),
                        Arrays.asList("readings", "ts", null, null, true, false, false));
        assertThat(rows(db, "SELECT column_name, time_interval::text FROM " + TimescaleStandIn.HYPERTABLES_TABLE))
                .containsExactly(List.of("ts", "06:00:00"));
    }

    @Test
    void createHypertable_withoutInterval_usesSevenDaysAndSetsTheTimeColumnNotNull() {
        sql(db, "CREATE TABLE t (ts timestamp, v int)");

        sql(db, "SELECT create_hypertable('t', 'ts')");

        assertThat(rows(db, "SELECT time_interval::text FROM " + TimescaleStandIn.HYPERTABLES_TABLE))
                .containsExactly(List.of("7 days"));
        assertThat(rows(db, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'ts'"))
                .containsExactly(List.of(true));
    }

    @Test
    void createHypertable_refusesWhatTimescaleRefuses() {
        sql(db, "CREATE TABLE keyed (ts timestamptz, device text PRIMARY KEY)",
                "CREATE TABLE filled (ts timestamptz)", "INSERT INTO filled VALUES (now())",
                "CREATE TABLE texts (ts text)",
                "CREATE TABLE counters (n int8)",
                "CREATE TABLE done (ts date)", "SELECT create_hypertable('done', 'ts')");

        assertRefused("SELECT create_hypertable('keyed', 'ts')", "TS103",
                "cannot create a unique index without the column \"ts\" (used in partitioning)");
        assertRefused("SELECT create_hypertable('filled', 'ts')", "0A000", "table \"filled\" is not empty");
        assertRefused("SELECT create_hypertable('filled', 'missing', migrate_data => true)", "42703",
                "column \"missing\" does not exist");
        assertRefused("SELECT create_hypertable('texts', 'ts')", "42809", "invalid type for dimension \"ts\"");
        assertRefused("SELECT create_hypertable('counters', 'n')", "22023",
                "integer dimensions require an explicit interval");
        assertRefused("SELECT create_hypertable('counters', 'n', chunk_time_interval => interval '1 day')", "22023",
                "invalid interval type for bigint dimension");
        assertRefused("SELECT create_hypertable('done', 'ts')", "TS110", "table \"done\" is already a hypertable");
        assertThat(rows(db, "SELECT table_name FROM " + TimescaleStandIn.CALLS_TABLE)).containsExactly(List.of("done"));
    }

    @Test
    void createHypertable_migrateData_convertsATableWithRows() {
        sql(db, "CREATE TABLE filled (n int4)", "INSERT INTO filled VALUES (1), (2)");

        sql(db, "SELECT create_hypertable('filled', 'n', chunk_time_interval => 1000, migrate_data => true)");

        assertThat(rows(db, "SELECT column_type::text, integer_interval FROM " + TimescaleStandIn.HYPERTABLES_TABLE))
                .containsExactly(List.of("integer", 1000L));
        assertThat(rows(db, "SELECT count(*) FROM filled")).containsExactly(List.of(2L));
    }

    private void assertRefused(String statement, String sqlState, String message) {
        assertThatThrownBy(() -> sql(db, statement)).cause().isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo(sqlState);
            assertThat(e.getMessage()).startsWith("ERROR: " + message + "\n");
        });
    }
}
