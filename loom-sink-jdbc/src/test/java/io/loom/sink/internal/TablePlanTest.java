package io.loom.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.Hypertable;
import io.loom.sink.TableTarget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SQL the sink generates, from hand-made metadata (no database). */
class TablePlanTest {
  private static final TablePlan.CastProbe NO_CASTS = (from, to) -> false;

  private static TableMetadata.ColumnInfo col(String name, String type, int oid, boolean notNull, boolean hasDefault) {
    return new TableMetadata.ColumnInfo(name, 0, type, oid, 0, notNull, hasDefault, false, false);
  }

  private static TableMetadata readings(List<TableMetadata.UniqueIndex> indexes, TableMetadata.ColumnInfo... extra) {
    Map<String, TableMetadata.ColumnInfo> columns = new LinkedHashMap<>();
    columns.put("device_id", col("device_id", "text", PgTypes.TEXT, true, false));
    columns.put("timestamp", col("timestamp", "timestamp with time zone", PgTypes.TIMESTAMPTZ, true, false));
    columns.put("value", col("value", "double precision", PgTypes.FLOAT8, false, false));
    for (TableMetadata.ColumnInfo c : extra) {
      columns.put(c.name(), c);
    }
    return new TableMetadata("readings", true, 'r', columns, indexes);
  }

  private static final List<TableMetadata.UniqueIndex> PK =
      List.of(new TableMetadata.UniqueIndex("readings_pkey", true, List.of("timestamp", "device_id"), false, false));

  private static TableTarget target(List<String> key, ConflictStrategy strategy) {
    return new TableTarget("readings", List.of(new Column(0, "device_id", DataType.STRING, null),
        new Column(1, "timestamp", DataType.TIMESTAMP, null), new Column(2, "value", DataType.FLOAT, null)),
        key, strategy, null);
  }

  private static final List<String> KEY = List.of("device_id", "timestamp");

  @Test
  void append_copiesStraightIntoTheTable() {
    TablePlan plan = TablePlan.build(target(List.of(), ConflictStrategy.IGNORE), readings(List.of()), NO_CASTS, false);

    assertThat(plan.problems()).isEmpty();
    assertThat(plan.path()).isEqualTo(TablePlan.Path.APPEND_DIRECT);
    assertThat(plan.directCopySql())
        .isEqualTo("COPY \"readings\" (\"device_id\", \"timestamp\", \"value\") FROM STDIN (FORMAT binary)");
    assertThat(plan.insertSql()).endsWith("WHERE \"loom$seq\" >= ? AND \"loom$seq\" < ?");
    assertThat(plan.insertsEveryRow()).isTrue();
  }

  @Test
  void ignore_usesFastPathAndStagingWithDoNothing() {
    TablePlan plan = TablePlan.build(target(KEY, ConflictStrategy.IGNORE), readings(PK), NO_CASTS, false);

    assertThat(plan.path()).isEqualTo(TablePlan.Path.IGNORE_FAST);
    assertThat(plan.stagingDdl()).matches("CREATE TEMP TABLE IF NOT EXISTS \"loom_stage_[0-9a-f]{16}\" \\(\"loom\\$seq\""
        + " bigint, \"device_id\" text, \"timestamp\" timestamp with time zone, \"value\" double precision\\) ON COMMIT"
        + " DELETE ROWS");
    String stage = plan.stagingTable();
    assertThat(plan.stagingCopySql()).isEqualTo("COPY " + stage
        + " (\"loom$seq\", \"device_id\", \"timestamp\", \"value\") FROM STDIN (FORMAT binary)");
    assertThat(plan.directFirst()).isTrue();
    assertThat(plan.insertsEveryRow()).isFalse();
    assertThat(plan.insertSql()).isEqualTo("INSERT INTO \"readings\" AS \"loom$target\" (\"device_id\", \"timestamp\","
        + " \"value\") SELECT"
        + " \"device_id\", \"timestamp\", \"value\" FROM " + stage + " WHERE \"loom$seq\" >= ? AND \"loom$seq\" < ?"
        + " ON CONFLICT (\"device_id\", \"timestamp\") DO NOTHING");
  }

  @Test
  void update_setsMappedNonKeyColumns_unlessTheStoredValuesAreIdentical() {
    TablePlan plan = TablePlan.build(target(KEY, ConflictStrategy.UPDATE),
        readings(PK, col("note", "text", PgTypes.TEXT, false, false)), NO_CASTS, false);

    assertThat(plan.path()).isEqualTo(TablePlan.Path.UPDATE);
    assertThat(plan.directFirst()).isTrue();
    assertThat(plan.skipsUnchanged()).isTrue();
    assertThat(plan.insertsEveryRow()).isFalse();
    assertThat(plan.insertSql()).endsWith(" ON CONFLICT (\"device_id\", \"timestamp\") DO UPDATE SET \"value\" = EXCLUDED.\"value\""
        + " WHERE NOT (ROW(\"loom$target\".\"value\")::record *= ROW(EXCLUDED.\"value\")::record)");
    assertThat(plan.description()).isEqualTo("update: binary COPY straight into readings inside a savepoint; on a key"
        + " conflict, COPY into a staging table and INSERT ... ON CONFLICT (device_id, timestamp) DO UPDATE SET the mapped"
        + " non-key columns, skipping rows whose stored values are identical");
  }

  @Test
  void replace_everyColumnMapped_skipsIdenticalRows() {
    TablePlan plan = TablePlan.build(target(KEY, ConflictStrategy.REPLACE), readings(PK), NO_CASTS, false);

    assertThat(plan.skipsUnchanged()).isTrue();
    assertThat(plan.insertSql()).endsWith(" DO UPDATE SET \"value\" = EXCLUDED.\"value\""
        + " WHERE NOT (ROW(\"loom$target\".\"value\")::record *= ROW(EXCLUDED.\"value\")::record)");
  }

  @Test
  void update_withACast_goesThroughStagingOnly() {
    Map<String, TableMetadata.ColumnInfo> columns = new LinkedHashMap<>();
    columns.put("id", col("id", "bigint", PgTypes.INT8, true, false));
    columns.put("addr", col("addr", "inet", 869, false, false));
    TableTarget target = new TableTarget("hosts", List.of(new Column(0, "id", DataType.INTEGER, null),
        new Column(1, "addr", DataType.STRING, null)), List.of("id"), ConflictStrategy.UPDATE, null);
    TablePlan plan = TablePlan.build(target, new TableMetadata("hosts", true, 'r', columns,
        List.of(new TableMetadata.UniqueIndex("hosts_pkey", true, List.of("id"), false, false))),
        (from, to) -> from.equals("text") && to.equals("inet"), false);

    assertThat(plan.directFirst()).isFalse();
    assertThat(plan.description()).startsWith("update: binary COPY into a staging table, then INSERT ... ON CONFLICT (id)");
  }

  @Test
  void replace_setsUnmappedColumnsToDefault_andSkipsGeneratedAndIdentity() {
    TableMetadata metadata = readings(PK, col("note", "text", PgTypes.TEXT, false, true),
        new TableMetadata.ColumnInfo("gen", 0, "bigint", PgTypes.INT8, 0, false, false, false, true),
        new TableMetadata.ColumnInfo("id", 0, "bigint", PgTypes.INT8, 0, true, false, true, false));
    TablePlan plan = TablePlan.build(target(KEY, ConflictStrategy.REPLACE), metadata, NO_CASTS, false);

    assertThat(plan.insertSql()).endsWith(" ON CONFLICT (\"device_id\", \"timestamp\") DO UPDATE SET \"value\" ="
        + " EXCLUDED.\"value\", \"note\" = DEFAULT");
    assertThat(plan.skipsUnchanged()).as("a default may be volatile: replace rewrites the row").isFalse();
    assertThat(plan.insertsEveryRow()).isTrue();
  }

  @Test
  void keyOnly_update_doesNothingOnConflict() {
    TableTarget keyOnly = new TableTarget("readings", List.of(new Column(0, "device_id", DataType.STRING, null),
        new Column(1, "timestamp", DataType.TIMESTAMP, null)), KEY, ConflictStrategy.UPDATE, null);

    TablePlan plan = TablePlan.build(keyOnly, readings(PK), NO_CASTS, false);
    assertThat(plan.insertSql()).endsWith(" ON CONFLICT (\"device_id\", \"timestamp\") DO NOTHING");
    assertThat(plan.insertsEveryRow()).isFalse();
  }

  @Test
  void castColumn_goesThroughStagingOfTheNaturalType() {
    Map<String, TableMetadata.ColumnInfo> columns = new LinkedHashMap<>();
    columns.put("addr", col("addr", "inet", 869, false, false));
    TableTarget target = new TableTarget("hosts", List.of(new Column(0, "addr", DataType.STRING, null)), List.of(),
        ConflictStrategy.IGNORE, null);
    TablePlan plan = TablePlan.build(target, new TableMetadata("hosts", true, 'r', columns, List.of()),
        (from, to) -> from.equals("text") && to.equals("inet"), false);

    assertThat(plan.path()).isEqualTo(TablePlan.Path.APPEND_STAGED);
    assertThat(plan.stagingDdl()).contains("(\"loom$seq\" bigint, \"addr\" text)");
    assertThat(plan.insertSql()).startsWith("INSERT INTO \"hosts\" (\"addr\") SELECT \"addr\"::inet FROM pg_temp.");
    assertThat(plan.description()).isEqualTo("append: binary COPY into a staging table, then INSERT INTO hosts ..."
        + " SELECT; PostgreSQL casts addr (text -> inet)");
  }

  @Test
  void partialOrExpressionIndex_isNoArbiter() {
    List<TableMetadata.UniqueIndex> indexes = List.of(
        new TableMetadata.UniqueIndex("p", false, List.of("device_id", "timestamp"), true, false),
        new TableMetadata.UniqueIndex("e", false, List.of("device_id", "timestamp"), false, true));

    TablePlan plan = TablePlan.build(target(KEY, ConflictStrategy.IGNORE), readings(indexes), NO_CASTS, false);

    assertThat(plan.usable()).isFalse();
    assertThat(plan.problems()).extracting(TablePlan.Problem::message).containsExactly("upsert key (device_id, timestamp)"
        + " has no primary key or unique index on exactly these columns in table 'readings'; its unique indexes are"
        + " p (device_id, timestamp) WHERE ...; e (device_id, timestamp, <expression>) (needed for conflict strategy ignore)");
  }

  @Test
  void view_isNotATable() {
    TableMetadata view = new TableMetadata("readings", true, 'v', readings(PK).columns(), List.of());

    assertThat(TablePlan.build(target(List.of(), ConflictStrategy.IGNORE), view, NO_CASTS, false).problems())
        .extracting(TablePlan.Problem::message)
        .containsExactly("'readings' is not a table (relkind 'v'); rows can only be written to tables");
  }

  @Test
  void hypertable_problemsAreCheckedOnlyWhereTimescaleIsInstalled() {
    List<TableMetadata.UniqueIndex> withoutTime =
        List.of(new TableMetadata.UniqueIndex("readings_pkey", true, List.of("device_id"), false, false));
    TableTarget target = new TableTarget("readings", target(List.of(), ConflictStrategy.IGNORE).columns(), List.of(),
        ConflictStrategy.IGNORE, new Hypertable("timestamp", "1 day"));

    assertThat(TablePlan.build(target, readings(withoutTime), NO_CASTS, false).problems()).isEmpty();
    assertThat(TablePlan.build(target, readings(withoutTime), NO_CASTS, true).problems()).containsExactly(
        new TablePlan.Problem(null, "hypertable.time_column", "unique index readings_pkey (device_id) of table"
            + " 'readings' does not include the hypertable time column 'timestamp'; TimescaleDB needs every unique index"
            + " of a hypertable to include it"));
    assertThat(TablePlan.build(target, readings(PK), NO_CASTS, true).problems()).isEmpty();
  }

  @Test
  void hypertable_integerTimeColumn_needsAWholeNumberInterval() {
    TableMetadata ticks = new TableMetadata("ticks", true, 'r', new LinkedHashMap<>(Map.of(
        "ms", col("ms", "bigint", PgTypes.INT8, true, false))), List.of());
    java.util.function.Function<String, List<String>> problems = interval -> TablePlan.build(new TableTarget("ticks",
        List.of(new Column(0, "ms", DataType.INTEGER, null)), List.of(), ConflictStrategy.IGNORE,
        new Hypertable("ms", interval)), ticks, NO_CASTS, true).problems().stream().map(TablePlan.Problem::message).toList();

    assertThat(problems.apply("3600000")).isEmpty();
    assertThat(problems.apply(" 3600000 ")).isEmpty();
    assertThat(problems.apply(null)).containsExactly("integer time column 'ms' of table 'ticks' needs a chunk interval,"
        + " a whole number in its own units (for example 86400000 for a day of epoch milliseconds); TimescaleDB has no"
        + " default for integer time columns");
    for (String bad : List.of("1 day", "0", "-5", "1.5", "99999999999999999999")) {
      assertThat(problems.apply(bad)).containsExactly("chunk interval '" + bad + "' of integer time column 'ms' is not a"
          + " positive whole number; an integer time column takes its chunk interval in its own units, for example"
          + " 86400000 for a day of epoch milliseconds");
    }
  }

  @Test
  void hypertable_sqlPassesEveryConfiguredValueAsParameter() {
    Hypertables.Statement withInterval = Hypertables.createHypertable("public", "telemetry.readings",
        new Hypertable("timestamp", " 1 day "), false);
    assertThat(withInterval.sql()).isEqualTo("SELECT \"public\".create_hypertable(?::regclass, ?::name, chunk_time_interval =>"
        + " ?::interval, if_not_exists => true, migrate_data => true)");
    assertThat(withInterval.parameters()).containsExactly("\"telemetry\".\"readings\"", "timestamp", "1 day");

    Hypertables.Statement defaults = Hypertables.createHypertable("ts \"ext\"", "readings", new Hypertable("ts", null), false);
    assertThat(defaults.sql()).isEqualTo("SELECT \"ts \"\"ext\"\"\".create_hypertable(?::regclass, ?::name, if_not_exists => true,"
        + " migrate_data => true)");
    assertThat(defaults.parameters()).containsExactly("\"readings\"", "ts");

    assertThatThrownBy(() -> Hypertables.createHypertable("public", "readings", new Hypertable("ts; drop", null), false))
        .hasMessage("hypertable time column 'ts; drop' is not allowed; expected ^[a-z_][a-z0-9_]{0,62}$");

    Hypertables.Statement integer = Hypertables.createHypertable("public", "readings", new Hypertable("ms", " 3600000 "),
        true);
    assertThat(integer.sql()).isEqualTo("SELECT \"public\".create_hypertable(?::regclass, ?::name, chunk_time_interval =>"
        + " ?::bigint, if_not_exists => true, migrate_data => true)");
    assertThat(integer.parameters()).containsExactly("\"readings\"", "ms", 3_600_000L);
    for (String bad : List.of("1 day", "0", "-5", "1.5")) {
      assertThatThrownBy(() -> Hypertables.createHypertable("public", "readings", new Hypertable("ms", bad), true))
          .hasMessage("chunk interval '" + bad + "' of integer time column 'ms' is not a positive whole number; an integer"
              + " time column takes its chunk interval in its own units, for example 86400000 for a day of epoch"
              + " milliseconds");
    }
  }

  @Test
  void offsetsTable_hasTheExactDefinition() {
    assertThat(OffsetStore.CREATE_TABLE).isEqualTo("CREATE TABLE IF NOT EXISTS loom_offsets (consumer_group text NOT NULL,"
        + " topic text NOT NULL, kafka_partition integer NOT NULL, next_offset bigint NOT NULL, updated_at timestamptz"
        + " NOT NULL DEFAULT now(), PRIMARY KEY (consumer_group, topic, kafka_partition))");
  }
}
