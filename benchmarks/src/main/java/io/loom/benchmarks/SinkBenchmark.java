package io.loom.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.RowSink;
import io.loom.sink.JdbcSink;
import io.loom.sink.SinkBatch;
import io.loom.sink.SinkOptions;
import io.loom.sink.TableTarget;
import io.loom.sink.WriteResult;
import io.loom.testsupport.Sql;
import io.loom.testsupport.TestPostgres;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * Throughput of the COPY sink against plain PostgreSQL techniques, on the reference telemetry workload
 * (12 columns, the formulas of the benchmark-data document), in one run on an embedded PostgreSQL:
 *
 * <ul>
 *   <li>(a) {@code COPY FROM STDIN} of a prepared CSV byte stream (the ceiling), into the table without
 *       index and into the table with primary key (device_id, timestamp);
 *   <li>the sink: append (no index), ignore (PK table, no conflicts), and update in four cases;
 *   <li>(b) pgjdbc batched INSERT with {@code reWriteBatchedInserts=true} and {@code ON CONFLICT DO
 *       UPDATE}, in the same four cases;
 *   <li>(c) text COPY into a temporary staging table, then {@code INSERT ... SELECT ... ON CONFLICT DO
 *       UPDATE} (every row conflicting with changed values).
 * </ul>
 *
 * The four update cases: every row conflicting with changed values (data_value and battery_level
 * differ from the stored row), every row conflicting with identical values (a replay), every row a
 * new key (the 1M rows written into the empty primary-key table), and one
 * row in ten conflicting with changed values while the rest are new keys (a stream of new readings
 * with some corrections). The sink's figures include filling its batches
 * through {@link RowSink} (the consumer's hot path); (a) and (c) get their CSV bytes prepared before the
 * clock starts. The sink's code is warmed up first; each conflicting case starts from the same table
 * (the base rows loaded by COPY, vacuumed, analysed). After every run the row count and the sum of
 * battery_level are checked against the data written. Every sink run starts with no remembered state
 * about the table (as after a restart), so the update runs include the sink's failed first attempts
 * at a direct COPY. Connections use {@code temp_buffers=64MB} so
 * that a staging table of one batch stays in memory.
 *
 * <p>Run (arguments: rows, default 1,000,000; rows per sink batch, default 50,000; about 3 minutes):
 *
 * <pre>
 * mvn -q -pl benchmarks -am compile dependency:build-classpath -Dmdep.outputFile=$PWD/target/bench.cp
 * java -Xmx4g -cp benchmarks/target/classes:$(cat target/bench.cp) io.loom.benchmarks.SinkBenchmark 1000000 50000
 * </pre>
 */
public final class SinkBenchmark {
  private static final String COLUMNS = "device_id, \"timestamp\", data_sensor_type, data_value, data_unit, battery_level,"
      + " tags_site, tags_building, tags_zone, tags_firmware, tags_model, tags_region";
  private static final String DEFINITION = "device_id text NOT NULL, \"timestamp\" timestamptz NOT NULL, data_sensor_type"
      + " text, data_value double precision, data_unit text, battery_level int, tags_site text, tags_building text,"
      + " tags_zone text, tags_firmware text, tags_model text, tags_region text";
  private static final String UPDATE_SET = "data_sensor_type = EXCLUDED.data_sensor_type, data_value = EXCLUDED.data_value,"
      + " data_unit = EXCLUDED.data_unit, battery_level = EXCLUDED.battery_level, tags_site = EXCLUDED.tags_site,"
      + " tags_building = EXCLUDED.tags_building, tags_zone = EXCLUDED.tags_zone, tags_firmware = EXCLUDED.tags_firmware,"
      + " tags_model = EXCLUDED.tags_model, tags_region = EXCLUDED.tags_region";
  private static final long BASE_MICROS = Instant.parse("2026-11-27T10:00:00Z").getEpochSecond() * 1_000_000L;
  private static final String[] SENSORS = {"temperature", "humidity", "pressure", "co2"};
  private static final String[] UNITS = {"celsius", "percent", "hpa", "ppm"};
  private static final String[] ZONES = {"north-east-wing", "south-west-wing", "central-hall", "basement-lab"};
  private static final String TOPIC = "bench.sensor.reference.raw";

  // per device (i mod 10000), computed once
  private static final String[] DEVICE = new String[10_000];
  private static final String[] SITE = new String[10_000];
  private static final String[] BUILDING = new String[10_000];
  private static final String[] ZONE = new String[10_000];
  private static final String[] FIRMWARE = new String[10_000];
  private static final String[] MODEL = new String[10_000];
  private static final String[] REGION = new String[10_000];

  static {
    for (int dev = 0; dev < 10_000; dev++) {
      DEVICE[dev] = String.format(Locale.ROOT, "dev-%06d", dev);
      SITE[dev] = String.format(Locale.ROOT, "site-%03d", dev % 200);
      BUILDING[dev] = String.format(Locale.ROOT, "building-%02d", dev % 17);
      ZONE[dev] = ZONES[dev % 4];
      FIRMWARE[dev] = "fw-2.14." + (dev % 9) + "-build.88" + (dev % 97);
      MODEL[dev] = "tx9000-pro-rev-" + (char) ('a' + dev % 5);
      REGION[dev] = "eu-central-" + (dev % 3 + 1);
    }
  }

  private final int rows;
  private final int batchRows;
  private final Map<String, Double> rates = new LinkedHashMap<>();
  private HikariDataSource pool;
  private String jdbcUrl;

  private SinkBenchmark(int rows, int batchRows) {
    this.rows = rows;
    this.batchRows = batchRows;
  }

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    int batchRows = args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 50_000;
    try (TestPostgres postgres = TestPostgres.startNew()) {
      new SinkBenchmark(rows, batchRows).run(postgres);
    }
  }

  static long micros(long i) {
    long dev = i % 10_000;
    long sec = i / 10_000;
    return BASE_MICROS + sec * 1_000_000L + (dev % 1000) * 1000L;
  }

  /** The value of row {@code i}; {@code changed} rows carry other values than the base rows. */
  static double value(long i, boolean changed) {
    return Math.round((15 + ((i * 7919) % 2000) / 100.0 + (changed ? 1 : 0)) * 100) / 100.0;
  }

  static long battery(long i, boolean changed) {
    return (i * 31 + (changed ? 7 : 0)) % 101;
  }

  private long batterySum(boolean changed) {
    long sum = 0;
    for (long i = 0; i < rows; i++) {
      sum += battery(i, changed);
    }
    return sum;
  }

  /**
   * Runs every measurement on {@code postgres} (in a database of its own) and returns the rows per
   * second of each run by name, in order; a run whose rows did not all land throws.
   */
  static Map<String, Double> run(TestPostgres postgres, int rows, int batchRows) throws Exception {
    SinkBenchmark benchmark = new SinkBenchmark(rows, batchRows);
    benchmark.run(postgres);
    return benchmark.rates;
  }

  private void run(TestPostgres postgres) throws Exception {
    String database = postgres.createDatabase("sink_bench");
    jdbcUrl = postgres.jdbcUrl(database);
    HikariConfig config = new HikariConfig();
    // staging tables of 50,000-row batches do not fit PostgreSQL's default 8 MB of temp_buffers
    config.setJdbcUrl(jdbcUrl + "&options=-c%20temp_buffers%3D64MB");
    config.setMaximumPoolSize(2);
    pool = new HikariDataSource(config);
    Sql.sql(pool, "CREATE TABLE bench_plain (" + DEFINITION + ")",
        "CREATE TABLE bench_pk (" + DEFINITION + ", PRIMARY KEY (device_id, \"timestamp\"))");
    System.out.printf(Locale.ROOT, "%,d rows, sink batches of %,d rows, PostgreSQL %s%n", rows, batchRows,
        Sql.rows(pool, "SHOW server_version").get(0).get(0));

    byte[] csv = csv(false, 1);
    byte[] changedCsv = csv(true, 1);
    byte[] tenthCsv = csv(false, 10);
    System.out.printf(Locale.ROOT, "prepared %,d bytes of CSV (%.0f bytes/row)%n", csv.length, csv.length / (double) rows);
    long baseSum = batterySum(false);
    long changedSum = batterySum(true);
    List<String> key = List.of("device_id", "timestamp");

    try (JdbcSink sink = new JdbcSink(pool, SinkOptions.defaults())) {
      // warm the JIT up on the sink's code paths (direct, staged, changed and identical), then start afresh
      int warmRows = Math.min(rows, 200_000);
      sink(sink, "bench_plain", List.of(), ConflictStrategy.IGNORE, "warm-append", warmRows, false);
      sink(sink, "bench_pk", key, ConflictStrategy.UPDATE, "warm-update", warmRows, false);
      sink(sink, "bench_pk", key, ConflictStrategy.UPDATE, "warm-update-2", warmRows, true);
      sink(sink, "bench_pk", key, ConflictStrategy.UPDATE, "warm-update-3", warmRows, true);

      truncate("bench_plain");
      double copyPlain = measure("(a) COPY CSV, no index", () -> copyCsv("bench_plain", csv), "bench_plain", baseSum);
      truncate("bench_plain");
      double append = measure("sink append, no index", () -> sink(sink, "bench_plain", List.of(),
          ConflictStrategy.IGNORE, "append", rows, false), "bench_plain", baseSum);
      truncate("bench_pk");
      double copyPk = measure("(a) COPY CSV, primary key", () -> copyCsv("bench_pk", csv), "bench_pk", baseSum);
      truncate("bench_pk");
      double ignore = measure("sink ignore, primary key, no conflicts", () -> sink(sink, "bench_pk", key,
          ConflictStrategy.IGNORE, "ignore", rows, false), "bench_pk", baseSum);

      // every conflicting case starts from the same state: the base rows loaded by COPY, vacuumed
      loadForUpsert(csv);
      double update = measure("sink update, every row conflicting, changed values", () -> sink(sink, "bench_pk", key,
          ConflictStrategy.UPDATE, "update", rows, true), "bench_pk", changedSum);
      loadForUpsert(csv);
      double batched = measure("(b) batched INSERT ... ON CONFLICT DO UPDATE (reWriteBatchedInserts), every row"
          + " conflicting, changed values", () -> batchedUpsert(true), "bench_pk", changedSum);
      loadForUpsert(csv);
      double staged = measure("(c) COPY CSV to staging + INSERT ... ON CONFLICT DO UPDATE, every row conflicting,"
          + " changed values", () -> stagedUpsert(changedCsv), "bench_pk", changedSum);

      loadForUpsert(csv);
      double replay = measure("sink update, every row conflicting, identical values (replay)", () -> sink(sink,
          "bench_pk", key, ConflictStrategy.UPDATE, "replay", rows, false), "bench_pk", baseSum);
      loadForUpsert(csv);
      double batchedReplay = measure("(b) batched upsert, every row conflicting, identical values (replay)",
          () -> batchedUpsert(false), "bench_pk", baseSum);

      truncate("bench_pk");
      double fresh = measure("sink update, every row a new key", () -> sink(sink, "bench_pk", key,
          ConflictStrategy.UPDATE, "fresh", rows, false), "bench_pk", baseSum);
      truncate("bench_pk");
      double batchedFresh = measure("(b) batched upsert, every row a new key", () -> batchedUpsert(false), "bench_pk",
          baseSum);

      // a stream of mostly new readings with some corrections: every tenth row already stored, with other values
      loadForUpsert(tenthCsv, (rows + 9) / 10);
      double mixed = measure("sink update, 1 row in 10 conflicting with changed values, the rest new keys", () -> sink(sink,
          "bench_pk", key, ConflictStrategy.UPDATE, "mixed", rows, true), "bench_pk", changedSum);
      loadForUpsert(tenthCsv, (rows + 9) / 10);
      double batchedMixed = measure("(b) batched upsert, 1 row in 10 conflicting with changed values, the rest new keys",
          () -> batchedUpsert(true), "bench_pk", changedSum);

      System.out.println();
      System.out.println("| run | rows/s |");
      System.out.println("|---|---:|");
      rates.forEach((name, perSecond) ->
          System.out.println("| " + name + " | " + String.format(Locale.ROOT, "%,.0f", perSecond) + " |"));
      System.out.println();
      System.out.printf(Locale.ROOT, "append / (a) no index:                  %.2f (target >= 0.80)%n", append / copyPlain);
      System.out.printf(Locale.ROOT, "ignore / (a) primary key:               %.2f (target >= 0.80)%n", ignore / copyPk);
      System.out.printf(Locale.ROOT, "update / (b), changed values:           %.2f (target >= 2)%n", update / batched);
      System.out.printf(Locale.ROOT, "update / (c), changed values:           %.2f%n", update / staged);
      System.out.printf(Locale.ROOT, "update / (b), identical values (replay): %.2f%n", replay / batchedReplay);
      System.out.printf(Locale.ROOT, "update / (b), new keys:                 %.2f%n", fresh / batchedFresh);
      System.out.printf(Locale.ROOT, "update / (b), 1 in 10 conflicting:      %.2f%n", mixed / batchedMixed);
    } finally {
      pool.close();
    }
  }

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  private double measure(String name, Work work, String table, long expectedBatterySum) throws Exception {
    Sql.sql(pool, "CHECKPOINT");
    long start = System.nanoTime();
    work.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    long count = Sql.count(pool, "SELECT count(*) FROM " + table);
    if (count != rows) {
      throw new IllegalStateException(name + ": " + table + " holds " + count + " rows, expected " + rows);
    }
    long sum = Sql.count(pool, "SELECT sum(battery_level) FROM " + table);
    if (sum != expectedBatterySum) {
      throw new IllegalStateException(name + ": " + table + " holds battery_level sum " + sum + ", expected "
          + expectedBatterySum + " (the written values did not all land)");
    }
    double perSecond = rows / seconds;
    System.out.printf(Locale.ROOT, "%-100s %8.2f s %,12.0f rows/s%n", name, seconds, perSecond);
    rates.put(name, perSecond);
    return perSecond;
  }

  private void loadForUpsert(byte[] csv) throws Exception {
    loadForUpsert(csv, rows);
  }

  private void loadForUpsert(byte[] csv, long csvRows) throws Exception {
    truncate("bench_pk");
    copyCsv("bench_pk", csv, csvRows);
    Sql.sql(pool, "VACUUM ANALYZE bench_pk");
  }

  private void sink(JdbcSink sink, String table, List<String> key, ConflictStrategy strategy, String group, int rows,
      boolean changed) {
    List<Column> columns = List.of(new Column(0, "device_id", DataType.STRING, null),
        new Column(1, "timestamp", DataType.TIMESTAMP, null), new Column(2, "data_sensor_type", DataType.STRING, null),
        new Column(3, "data_value", DataType.FLOAT, null), new Column(4, "data_unit", DataType.STRING, null),
        new Column(5, "battery_level", DataType.INTEGER, null), new Column(6, "tags_site", DataType.STRING, null),
        new Column(7, "tags_building", DataType.STRING, null), new Column(8, "tags_zone", DataType.STRING, null),
        new Column(9, "tags_firmware", DataType.STRING, null), new Column(10, "tags_model", DataType.STRING, null),
        new Column(11, "tags_region", DataType.STRING, null));
    TableTarget target = new TableTarget(table, columns, key, strategy, null);
    // every run starts as a freshly started sink would: nothing remembered about the table
    sink.invalidateMetadata();
    SinkBatch batch = sink.newBatch();
    for (long i = 0; i < rows; i++) {
      int dev = (int) (i % 10_000);
      int s = (int) (i % 4);
      RowSink r = batch.rowsFor(target, TOPIC, s, i / 4);
      r.startRow();
      r.stringValue(0, DEVICE[dev]);
      r.timestampValue(1, micros(i));
      r.stringValue(2, SENSORS[s]);
      r.doubleValue(3, value(i, changed));
      r.stringValue(4, UNITS[s]);
      r.longValue(5, battery(i, changed));
      r.stringValue(6, SITE[dev]);
      r.stringValue(7, BUILDING[dev]);
      r.stringValue(8, ZONE[dev]);
      r.stringValue(9, FIRMWARE[dev]);
      r.stringValue(10, MODEL[dev]);
      r.stringValue(11, REGION[dev]);
      r.endRow();
      if (batch.rowCount() >= batchRows || i == rows - 1) {
        WriteResult result = sink.write(batch, group);
        if (!result.rejected().isEmpty()) {
          throw new IllegalStateException("rejected: " + result.rejected().get(0));
        }
        batch.clear();
      }
    }
  }

  /** The CSV of rows {@code i} with {@code i % every == 0}. */
  private byte[] csv(boolean changed, int every) {
    DateTimeFormatter format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS+00", Locale.ROOT).withZone(ZoneOffset.UTC);
    ByteArrayOutputStream out = new ByteArrayOutputStream(rows * 190);
    StringBuilder sb = new StringBuilder(256);
    for (long i = 0; i < rows; i += every) {
      int dev = (int) (i % 10_000);
      int s = (int) (i % 4);
      long us = micros(i);
      sb.setLength(0);
      sb.append(DEVICE[dev]).append(',').append(format.format(Instant.ofEpochSecond(us / 1_000_000L, (us % 1_000_000L) * 1000)))
          .append(',').append(SENSORS[s]).append(',').append(value(i, changed)).append(',').append(UNITS[s]).append(',')
          .append(battery(i, changed)).append(',').append(SITE[dev]).append(',').append(BUILDING[dev]).append(',')
          .append(ZONE[dev]).append(',').append(FIRMWARE[dev]).append(',').append(MODEL[dev]).append(',')
          .append(REGION[dev]).append('\n');
      byte[] line = sb.toString().getBytes(StandardCharsets.UTF_8);
      out.write(line, 0, line.length);
    }
    return out.toByteArray();
  }

  private void copyCsv(String table, byte[] csv) throws Exception {
    copyCsv(table, csv, rows);
  }

  private void copyCsv(String table, byte[] csv, long expectedRows) throws Exception {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      long n = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + COLUMNS
          + ") FROM STDIN (FORMAT csv)", new ByteArrayInputStream(csv), 256 * 1024);
      c.commit();
      if (n != expectedRows) {
        throw new IllegalStateException("COPY reported " + n + " rows, expected " + expectedRows);
      }
    }
  }

  private void stagedUpsert(byte[] csv) throws Exception {
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("CREATE TEMP TABLE bench_stage (" + DEFINITION + ") ON COMMIT DROP");
      c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_stage (" + COLUMNS + ") FROM STDIN (FORMAT csv)",
          new ByteArrayInputStream(csv), 256 * 1024);
      st.executeUpdate("INSERT INTO bench_pk (" + COLUMNS + ") SELECT " + COLUMNS + " FROM bench_stage"
          + " ON CONFLICT (device_id, \"timestamp\") DO UPDATE SET " + UPDATE_SET);
      c.commit();
    }
  }

  private void batchedUpsert(boolean changed) throws SQLException {
    try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl + "&reWriteBatchedInserts=true")) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_pk (" + COLUMNS + ") VALUES"
          + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, \"timestamp\") DO UPDATE SET " + UPDATE_SET)) {
        for (long i = 0; i < rows; i++) {
          int dev = (int) (i % 10_000);
          int s = (int) (i % 4);
          long us = micros(i);
          ps.setString(1, DEVICE[dev]);
          ps.setObject(2, java.time.OffsetDateTime.ofInstant(Instant.ofEpochSecond(us / 1_000_000L, (us % 1_000_000L) * 1000),
              ZoneOffset.UTC));
          ps.setString(3, SENSORS[s]);
          ps.setDouble(4, value(i, changed));
          ps.setString(5, UNITS[s]);
          ps.setInt(6, (int) battery(i, changed));
          ps.setString(7, SITE[dev]);
          ps.setString(8, BUILDING[dev]);
          ps.setString(9, ZONE[dev]);
          ps.setString(10, FIRMWARE[dev]);
          ps.setString(11, MODEL[dev]);
          ps.setString(12, REGION[dev]);
          ps.addBatch();
          if ((i + 1) % 1000 == 0 || i == rows - 1) {
            ps.executeBatch();
          }
          if ((i + 1) % batchRows == 0 || i == rows - 1) {
            c.commit();
          }
        }
      }
    }
  }

  private void truncate(String table) {
    Sql.sql(pool, "TRUNCATE " + table, "VACUUM ANALYZE " + table);
  }
}
