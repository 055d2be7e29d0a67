package io.loom.sink;

import static io.loom.sink.SinkDatabase.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.Hypertable;
import io.loom.mapping.TopicMapping;
import io.loom.sink.HypertableBackend.Call;
import io.loom.sink.HypertableBackend.TimeDimension;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Targets with hypertable settings, written through {@link JdbcSink} into a database where the timescaledb
 * extension exists: the stand-in by default, a real TimescaleDB with {@code -Ptimescaledb} (see {@link
 * HypertableBackend}). Each test gets a fresh database.
 */
class HypertableSinkTest {
  private static final String TOPIC = "device.sensor.hyper.raw";
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static HypertableBackend backend;

  private final List<HikariDataSource> pools = new ArrayList<>();
  private String database;
  private HikariDataSource pool;
  private JdbcSink sink;

  @BeforeAll
  static void startBackend() {
    backend = HypertableBackend.select();
  }

  @AfterAll
  static void stopBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  @BeforeEach
  void freshDatabase() {
    database = backend.freshDatabase("hyper_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid());
    pool = pool(null);
    sink = new JdbcSink(pool, SinkDatabase.fastRetries());
  }

  @AfterEach
  void close() {
    sink.close();
    pools.forEach(HikariDataSource::close);
  }

  @Test
  void hypertableTarget_isConvertedOnceWithItsTimeColumnAndInterval() {
    execute("CREATE TABLE readings (ts timestamptz NOT NULL, device_id text NOT NULL, v float8,"
        + " PRIMARY KEY (device_id, ts))");
    TableTarget target = readings(List.of("device_id", "ts"), ConflictStrategy.UPDATE, new Hypertable("ts", "1 day"));

    write(target, 0, "a", 1.0);
    write(target, 1, "b", 2.0);

    assertThat(rows("SELECT device_id, v FROM readings ORDER BY device_id")).containsExactly("a|1.0", "b|2.0");
    assertThat(backend.timeDimension(pool, "public", "readings")).contains(new TimeDimension("ts", "1 day"));
    backend.calls(pool, "public", "readings").ifPresent(calls -> assertThat(calls)
        .containsExactly(new Call("ts", "1 day", true, true, true)));

    sink.invalidateMetadata();
    write(target, 2, "c", 3.0);

    assertThat(rows("SELECT count(*) FROM readings")).containsExactly("3");
    assertThat(backend.timeDimension(pool, "public", "readings")).contains(new TimeDimension("ts", "1 day"));
    backend.calls(pool, "public", "readings").ifPresent(calls -> assertThat(calls)
        .containsExactly(new Call("ts", "1 day", true, true, true), new Call("ts", "1 day", true, true, false)));
  }

  @Test
  void missingTable_isCreatedFromItsMappingThenConverted() {
    TableTarget target = readings(List.of("device_id", "ts"), ConflictStrategy.UPDATE, new Hypertable("ts", "1 day"));

    write(target, 0, "a", 1.0);

    assertThat(rows("SELECT device_id, v FROM readings")).containsExactly("a|1.0");
    assertThat(backend.timeDimension(pool, "public", "readings")).contains(new TimeDimension("ts", "1 day"));
    backend.calls(pool, "public", "readings").ifPresent(calls -> assertThat(calls)
        .containsExactly(new Call("ts", "1 day", true, true, true)));
  }

  @Test
  void missingTable_thatTimescaleWouldRefuse_failsAsTheCheckSays_andIsNotCreated() {
    TableTarget target = readings(List.of("device_id"), ConflictStrategy.UPDATE, new Hypertable("ts", "1 day"));
    SinkBatch batch = batch(target, 0, "a", 1.0);

    assertThatThrownBy(() -> sink.write(batch, "g")).isInstanceOfSatisfying(SinkException.class, e -> {
      assertThat(e.reason()).isEqualTo(SinkException.Reason.SCHEMA);
      assertThat(e.getMessage()).isEqualTo("table 'readings' does not fit its mapping:\n  - unique index readings_pkey"
          + " (device_id) of table 'readings' does not include the hypertable time column 'ts'; TimescaleDB needs every"
          + " unique index of a hypertable to include it");
    });

    // a table in that shape could never become the hypertable, and an existing table is never altered
    assertThat(rows("SELECT to_regclass('readings') IS NULL")).containsExactly("true");
    assertThat(sink.readOffsets("g", List.of(TOPIC))).isEmpty();

    TableTarget fixed = readings(List.of("device_id", "ts"), ConflictStrategy.UPDATE, new Hypertable("ts", "1 day"));
    sink.invalidateMetadata();
    write(fixed, 0, "a", 1.0);

    assertThat(rows("SELECT device_id, v FROM readings")).containsExactly("a|1.0");
    assertThat(backend.timeDimension(pool, "public", "readings")).contains(new TimeDimension("ts", "1 day"));
  }

  @Test
  void tableThatHoldsRows_isConvertedWithItsRows() {
    execute("CREATE TABLE readings (ts timestamptz NOT NULL, device_id text NOT NULL, v float8)",
        "INSERT INTO readings VALUES ('2026-01-01T00:00:00Z', 'old1', 1), ('2026-02-01T00:00:00Z', 'old2', 2)");
    TableTarget target = readings(List.of(), ConflictStrategy.IGNORE, new Hypertable("ts", "7 days"));

    write(target, 0, "new", 3.0);

    assertThat(rows("SELECT device_id FROM readings ORDER BY ts")).containsExactly("old1", "old2", "new");
    assertThat(backend.timeDimension(pool, "public", "readings")).contains(new TimeDimension("ts", "7 days"));
    backend.calls(pool, "public", "readings").ifPresent(calls -> assertThat(calls)
        .containsExactly(new Call("ts", "7 days", true, true, true)));
  }

  @Test
  void noChunkInterval_isLeftOutOfTheCall() {
    execute("CREATE TABLE readings (ts timestamptz NOT NULL, device_id text NOT NULL, v float8)");
    TableTarget target = readings(List.of(), ConflictStrategy.IGNORE, new Hypertable("ts", null));

    write(target, 0, "a", 1.0);

    // TimescaleDB's default chunk interval for a time column
    assertThat(backend.timeDimension(pool, "public", "readings")).contains(new TimeDimension("ts", "7 days"));
    backend.calls(pool, "public", "readings").ifPresent(calls -> assertThat(calls)
        .containsExactly(new Call("ts", null, true, true, true)));
    assertThat(rows("SELECT device_id FROM readings")).containsExactly("a");
  }

  @Test
  void uniqueKeyWithoutTheTimeColumn_failsNamingTableIndexAndColumn_andWritesNothing() {
    execute("CREATE TABLE readings (ts timestamptz NOT NULL, device_id text PRIMARY KEY, v float8)");
    TableTarget target = readings(List.of("device_id"), ConflictStrategy.UPDATE, new Hypertable("ts", "1 day"));
    SinkBatch batch = batch(target, 0, "a", 1.0);

    assertThatThrownBy(() -> sink.write(batch, "g")).isInstanceOfSatisfying(SinkException.class, e -> {
      assertThat(e.reason()).isEqualTo(SinkException.Reason.SCHEMA);
      assertThat(e.getMessage()).isEqualTo("table 'readings' does not fit its mapping:\n  - unique index readings_pkey"
          + " (device_id) of table 'readings' does not include the hypertable time column 'ts'; TimescaleDB needs every"
          + " unique index of a hypertable to include it");
    });

    assertThat(rows("SELECT count(*) FROM readings")).containsExactly("0");
    assertThat(sink.readOffsets("g", List.of(TOPIC))).isEmpty();
    assertThat(backend.timeDimension(pool, "public", "readings")).isEmpty();
    backend.calls(pool, "public", "readings").ifPresent(calls -> assertThat(calls).isEmpty());

    // The fix is a schema and configuration change; then the same messages are written.
    execute("ALTER TABLE readings DROP CONSTRAINT readings_pkey, ADD PRIMARY KEY (device_id, ts)");
    sink.invalidateMetadata();
    TableTarget fixed = readings(List.of("device_id", "ts"), ConflictStrategy.UPDATE, new Hypertable("ts", "1 day"));
    sink.write(batch(fixed, 0, "a", 1.0), "g");

    assertThat(rows("SELECT device_id, v FROM readings")).containsExactly("a|1.0");
    assertThat(backend.timeDimension(pool, "public", "readings")).contains(new TimeDimension("ts", "1 day"));
  }

  @Test
  void check_reportsWhatTimescaleWouldRefuse_beforeAnyWrite() {
    execute("CREATE TABLE readings (ts timestamptz NOT NULL, device_id text NOT NULL, v float8, UNIQUE (device_id))",
        "CREATE TABLE events (ts text NOT NULL, v float8)",
        "CREATE TABLE ticks (ms bigint NOT NULL, v float8)");
    TopicMapping keyed = new TopicMapping(TOPIC, "readings", List.of(), ConflictStrategy.IGNORE, List.of(
        FieldMapping.of("ts", "ts", DataType.TIMESTAMP), FieldMapping.of("device_id", "device_id", DataType.STRING),
        FieldMapping.of("v", "v", DataType.FLOAT)), null, null, new Hypertable("ts", "1 day"));
    TopicMapping textTime = new TopicMapping(TOPIC, "events", List.of(), ConflictStrategy.IGNORE, List.of(
        FieldMapping.of("ts", "ts", DataType.STRING), FieldMapping.of("v", "v", DataType.FLOAT)), null, null,
        new Hypertable("ts", null));
    TopicMapping integerTime = new TopicMapping(TOPIC, "ticks", List.of(), ConflictStrategy.IGNORE, List.of(
        FieldMapping.of("ms", "ms", DataType.INTEGER), FieldMapping.of("v", "v", DataType.FLOAT)), null, null,
        new Hypertable("ms", null));

    assertThat(sink.check(keyed, columns(keyed))).extracting(Object::toString).containsExactly(
        "mappings[" + TOPIC + "].hypertable.time_column: unique index readings_device_id_key (device_id) of table"
            + " 'readings' does not include the hypertable time column 'ts'; TimescaleDB needs every unique index of a"
            + " hypertable to include it");
    assertThat(sink.check(textTime, columns(textTime))).extracting(Object::toString).containsExactly(
        "mappings[" + TOPIC + "].hypertable.time_column: hypertable time column 'ts' of table 'events' has type text;"
            + " TimescaleDB partitions by timestamp with time zone, timestamp, date, smallint, integer or bigint");
    assertThat(sink.check(integerTime, columns(integerTime))).extracting(Object::toString).containsExactly(
        "mappings[" + TOPIC + "].hypertable.chunk_interval: integer time column 'ms' of table 'ticks' needs a chunk"
            + " interval, a whole number in its own units (for example 86400000 for a day of epoch milliseconds);"
            + " TimescaleDB has no default for integer time columns");
    backend.calls(pool, "public", "readings").ifPresent(calls -> assertThat(calls).isEmpty());
    assertThat(backend.timeDimension(pool, "public", "readings")).isEmpty();
  }

  @Test
  void refusalTheChecksDoNotForesee_failsWithItsReason_andWritesNothing() {
    execute("CREATE TABLE readings (ts timestamptz NOT NULL, device_id text NOT NULL, v float8)");
    TableTarget target = readings(List.of(), ConflictStrategy.IGNORE, new Hypertable("ts", "1 fortnight"));
    SinkBatch batch = batch(target, 0, "a", 1.0);

    assertThatThrownBy(() -> sink.write(batch, "g")).isInstanceOfSatisfying(SinkException.class, e -> {
      assertThat(e.reason()).isEqualTo(SinkException.Reason.SCHEMA);
      assertThat(e.getMessage()).isEqualTo("table 'readings' does not fit its mapping:\n  - TimescaleDB refused to"
          + " make it a hypertable on time column 'ts' (chunk interval 1 fortnight): 22007 invalid input syntax for"
          + " type interval: \"1 fortnight\"");
    });
    assertThat(rows("SELECT count(*) FROM readings")).containsExactly("0");
    assertThat(sink.readOffsets("g", List.of(TOPIC))).isEmpty();
    assertThat(backend.timeDimension(pool, "public", "readings")).isEmpty();
  }

  @Test
  void integerTimeColumn_takesAWholeNumberChunkIntervalInItsOwnUnits() {
    execute("CREATE TABLE ticks (ms bigint NOT NULL, v float8)");
    TableTarget target = ticks(new Hypertable("ms", "86400000"));
    SinkBatch batch = sink.newBatch();
    message(batch, target, TOPIC, 0, 0, 1_772_359_200_000L, 1.0);

    sink.write(batch, "g");

    assertThat(rows("SELECT ms, v FROM ticks")).containsExactly("1772359200000|1.0");
    assertThat(backend.timeDimension(pool, "public", "ticks")).contains(new TimeDimension("ms", "86400000"));
    backend.calls(pool, "public", "ticks").ifPresent(calls -> assertThat(calls)
        .containsExactly(new Call("ms", "86400000", true, true, true)));
  }

  @Test
  void integerTimeColumn_withAnIntervalThatIsNoWholeNumber_failsNamingItAndWritesNothing() {
    execute("CREATE TABLE ticks (ms bigint NOT NULL, v float8)");
    TableTarget target = ticks(new Hypertable("ms", "1 day"));
    SinkBatch batch = sink.newBatch();
    message(batch, target, TOPIC, 0, 0, 1_772_359_200_000L, 1.0);

    assertThatThrownBy(() -> sink.write(batch, "g")).isInstanceOfSatisfying(SinkException.class, e -> {
      assertThat(e.reason()).isEqualTo(SinkException.Reason.SCHEMA);
      assertThat(e.getMessage()).isEqualTo("table 'ticks' does not fit its mapping:\n  - chunk interval '1 day' of"
          + " integer time column 'ms' is not a positive whole number; an integer time column takes its chunk interval"
          + " in its own units, for example 86400000 for a day of epoch milliseconds");
    });
    assertThat(rows("SELECT count(*) FROM ticks")).containsExactly("0");
    assertThat(backend.timeDimension(pool, "public", "ticks")).isEmpty();
    backend.calls(pool, "public", "ticks").ifPresent(calls -> assertThat(calls).isEmpty());
  }

  @Test
  void timeColumnMissingFromTheTable_isAMappingProblemAndNoConversionIsTried() {
    execute("CREATE TABLE readings (time timestamptz, device_id text NOT NULL, v float8)");
    TableTarget target = readings(List.of(), ConflictStrategy.IGNORE, new Hypertable("ts", "1 day"));
    SinkBatch batch = batch(target, 0, "a", 1.0);

    assertThatThrownBy(() -> sink.write(batch, "g")).isInstanceOfSatisfying(SinkException.class, e -> {
      assertThat(e.reason()).isEqualTo(SinkException.Reason.SCHEMA);
      assertThat(e.getMessage()).isEqualTo("table 'readings' does not fit its mapping:\n  - column 'ts' does not exist"
          + " in table 'readings'; its columns are time, device_id, v");
    });
    assertThat(backend.timeDimension(pool, "public", "readings")).isEmpty();
    backend.calls(pool, "public", "readings").ifPresent(calls -> assertThat(calls).isEmpty());
  }

  @Test
  void targetsWithoutHypertableSettings_neverConvert() {
    execute("CREATE TABLE readings (ts timestamptz NOT NULL, device_id text NOT NULL, v float8)",
        "CREATE TABLE hyper (ts timestamptz NOT NULL, device_id text NOT NULL, v float8)");
    TableTarget plain = readings(List.of(), ConflictStrategy.IGNORE, null);
    TableTarget converted = new TableTarget("hyper", plain.columns(), List.of(), ConflictStrategy.IGNORE,
        new Hypertable("ts", "1 day"));
    SinkBatch batch = sink.newBatch();
    message(batch, plain, TOPIC, 0, 0, T, "a", 1.0);
    message(batch, converted, TOPIC, 0, 1, T, "b", 2.0);

    sink.write(batch, "g");
    sink.invalidateMetadata();
    write(plain, 2, "c", 3.0);

    assertThat(rows("SELECT count(*) FROM readings")).containsExactly("2");
    assertThat(backend.timeDimension(pool, "public", "readings")).isEmpty();
    backend.calls(pool, "public", "readings").ifPresent(calls -> assertThat(calls).isEmpty());
    assertThat(backend.timeDimension(pool, "public", "hyper")).contains(new TimeDimension("ts", "1 day"));
  }

  @Test
  void extensionOutsideTheSearchPath_isStillFound() {
    execute("CREATE SCHEMA telemetry",
        "CREATE TABLE telemetry.readings (ts timestamptz NOT NULL, device_id text NOT NULL, v float8)");
    HikariDataSource telemetry = pool("telemetry");
    try (JdbcSink scoped = new JdbcSink(telemetry, SinkDatabase.fastRetries())) {
      TableTarget target = readings(List.of(), ConflictStrategy.IGNORE, new Hypertable("ts", "1 day"));
      SinkBatch batch = batch(target, 0, "a", 1.0);

      scoped.write(batch, "g");
    }

    assertThat(rows("SELECT device_id FROM telemetry.readings")).containsExactly("a");
    assertThat(backend.timeDimension(pool, "telemetry", "readings")).contains(new TimeDimension("ts", "1 day"));
  }

  // --------------------------------------------------------------------------- targets, batches, SQL

  private static TableTarget readings(List<String> key, ConflictStrategy strategy, Hypertable hypertable) {
    return new TableTarget("readings", List.of(new Column(0, "ts", DataType.TIMESTAMP, null),
        new Column(1, "device_id", DataType.STRING, null), new Column(2, "v", DataType.FLOAT, null)), key, strategy,
        hypertable);
  }

  private static List<Column> columns(TopicMapping mapping) {
    return java.util.stream.IntStream.range(0, mapping.fields().size())
        .mapToObj(i -> new Column(i, mapping.fields().get(i).targetColumn(), mapping.fields().get(i).dataType(), null))
        .toList();
  }

  private static TableTarget ticks(Hypertable hypertable) {
    return new TableTarget("ticks", List.of(new Column(0, "ms", DataType.INTEGER, null),
        new Column(1, "v", DataType.FLOAT, null)), List.of(), ConflictStrategy.IGNORE, hypertable);
  }

  /** One message at {@code offset} with the row (T + offset hours, device, v). */
  private SinkBatch batch(TableTarget target, long offset, String device, double v) {
    SinkBatch batch = sink.newBatch();
    message(batch, target, TOPIC, 0, offset, T.plusSeconds(3600 * offset), device, v);
    return batch;
  }

  private void write(TableTarget target, long offset, String device, double v) {
    WriteResult result = sink.write(batch(target, offset, device, v), "g");
    assertThat(result.rejected()).isEmpty();
  }

  private HikariDataSource pool(String currentSchema) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(backend.jdbcUrl(database) + (currentSchema == null ? "" : "?currentSchema=" + currentSchema));
    config.setUsername(backend.user());
    config.setPassword(backend.password());
    config.setMaximumPoolSize(2);
    config.setConnectionTimeout(5_000);
    config.setPoolName("hyper-" + database + (currentSchema == null ? "" : "-" + currentSchema));
    HikariDataSource created = new HikariDataSource(config);
    pools.add(created);
    return created;
  }

  private void execute(String... statements) {
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      for (String sql : statements) {
        st.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private List<String> rows(String sql) {
    return HypertableBackend.query(pool, sql).stream()
        .map(r -> String.join("|", r.stream().map(String::valueOf).toList())).toList();
  }

}
