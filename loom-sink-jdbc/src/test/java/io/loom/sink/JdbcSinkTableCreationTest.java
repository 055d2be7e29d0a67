package io.loom.sink;

import static io.loom.sink.SinkDatabase.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.Transformation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A target table that does not exist is created from its mapping on its first write. */
class JdbcSinkTableCreationTest {
  private static final Instant T = Instant.parse("2026-11-27T10:00:00Z");

  @RegisterExtension
  final SinkFixture f = new SinkFixture();

  @Test
  void missingKeyedTable_isCreatedWithTheMappedColumnsTypesAndPrimaryKey_andRowsAreWritten() {
    TableTarget target = target("device_sensor_new_raw", List.of("device_id", "timestamp"), ConflictStrategy.UPDATE,
        "device_id", DataType.STRING, "timestamp", DataType.TIMESTAMP, "sensor_value", DataType.FLOAT,
        "battery", DataType.INTEGER, "ok", DataType.BOOLEAN, "tags", DataType.ARRAY, "samples", DataType.FLOAT_ARRAY,
        "raw", DataType.JSON, "payload", Transformation.BASE64_DECODE);

    WriteResult result = f.messages(target)
        .add("dev-1", T, 21.5, 80L, true, new String[] {"a", "b"}, new double[] {1.5, 2.5},
            new SinkDatabase.Json("{\"k\":1}"), new byte[] {1, 2})
        .add("dev-1", T, 22.5, 79L, false, new String[0], new double[0], new SinkDatabase.Json("[]"), new byte[] {3})
        .write();

    assertThat(result.rowsWritten()).containsExactly(java.util.Map.entry("device_sensor_new_raw", 1L));
    assertThat(f.db().query("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a"
        + " WHERE a.attrelid = 'device_sensor_new_raw'::regclass AND a.attnum > 0 ORDER BY a.attnum")).containsExactly(
        "device_id|text|t", "timestamp|timestamp with time zone|t", "sensor_value|double precision|f", "battery|bigint|f",
        "ok|boolean|f", "tags|text[]|f", "samples|double precision[]|f", "raw|jsonb|f", "payload|bytea|f");
    assertThat(f.db().query("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        + " WHERE conrelid = 'device_sensor_new_raw'::regclass")).containsExactly(
        "device_sensor_new_raw_pkey|PRIMARY KEY (device_id, \"timestamp\")");
    // update: the second message of the key wins
    assertThat(f.rows("device_sensor_new_raw", "device_id, sensor_value, battery, ok")).containsExactly("dev-1|22.5|79|f");
  }

  @Test
  void missingAppendTable_isCreatedWithoutKey() {
    TableTarget target = target("events_log", List.of(), ConflictStrategy.IGNORE, "id", DataType.INTEGER,
        "note", DataType.STRING);

    f.messages(target).add(1L, "a").add(1L, "a").write();

    assertThat(f.rows("events_log")).containsExactly("1|a", "1|a");
    assertThat(f.db().query("SELECT count(*) FROM pg_constraint WHERE conrelid = 'events_log'::regclass")).containsExactly("0");
  }

  @Test
  void existingTable_isLeftAsItIs() {
    f.db().execute("CREATE TABLE kept (id bigint PRIMARY KEY, note varchar(10), extra text DEFAULT 'x')");
    TableTarget target = target("kept", List.of("id"), ConflictStrategy.IGNORE, "id", DataType.INTEGER,
        "note", DataType.STRING);

    f.messages(target).add(1L, "a").write();

    assertThat(f.rows("kept")).containsExactly("1|a|x");
    assertThat(f.db().query("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'kept'::regclass"
        + " AND attname = 'note'")).containsExactly("character varying(10)");
  }

  @Test
  void writersRacingOnOneMissingTable_createItOnce_andEveryRowLands() throws Exception {
    TableTarget target = target("raced", List.of("id"), ConflictStrategy.IGNORE, "id", DataType.INTEGER,
        "note", DataType.STRING);
    int writers = 4;
    List<JdbcSink> sinks = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<WriteResult>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        JdbcSink sink = new JdbcSink(f.db().pool, SinkDatabase.fastRetries());
        sinks.add(sink);
        SinkBatch batch = sink.newBatch();
        for (int i = 0; i < 50; i++) {
          SinkDatabase.message(batch, target, SinkFixture.TOPIC, w, i, (long) (w * 1000 + i), "w" + w);
        }
        Callable<WriteResult> write = () -> sink.write(batch, "race");
        results.add(pool.submit(write));
      }
      for (Future<WriteResult> r : results) {
        assertThat(r.get().rowsWritten()).containsExactly(java.util.Map.entry("raced", 50L));
      }
    } finally {
      pool.shutdownNow();
      sinks.forEach(JdbcSink::close);
    }
    assertThat(f.db().count("raced")).isEqualTo(writers * 50L);
  }

  @Test
  void withCreationOff_aMissingTableIsASchemaProblem() {
    TableTarget target = target("absent", List.of(), ConflictStrategy.IGNORE, "id", DataType.INTEGER);
    try (JdbcSink strict = new JdbcSink(f.db().pool, SinkDatabase.fastRetries().toBuilder()
        .createMissingTables(false).build())) {
      SinkBatch batch = strict.newBatch();
      SinkDatabase.message(batch, target, SinkFixture.TOPIC, 0, 0, 1L);

      assertThatThrownBy(() -> strict.write(batch, "g")).isInstanceOfSatisfying(SinkException.class, e -> {
        assertThat(e.reason()).isEqualTo(SinkException.Reason.SCHEMA);
        assertThat(e.getMessage()).isEqualTo("table 'absent' does not fit its mapping:\n  - table 'absent' does not"
            + " exist in the database");
      });
      TopicMapping mapping = new TopicMapping(SinkFixture.TOPIC, "absent", List.of(), ConflictStrategy.IGNORE,
          List.of(FieldMapping.of("id", "id", DataType.INTEGER)));
      assertThat(strict.check(mapping, columns(mapping))).extracting(Object::toString).containsExactly(
          "mappings[" + SinkFixture.TOPIC + "].table_name: table 'absent' does not exist in the database");
    }
    assertThat(f.db().query("SELECT to_regclass('absent') IS NULL")).containsExactly("t");
  }

  @Test
  void tableInAMissingSchema_isAProblemForChecks_andFailsTheWriteNamingTheReason() {
    TableTarget target = target("nowhere.readings", List.of(), ConflictStrategy.IGNORE, "id", DataType.INTEGER);
    TopicMapping mapping = new TopicMapping(SinkFixture.TOPIC, "nowhere.readings", List.of(), ConflictStrategy.IGNORE,
        List.of(FieldMapping.of("id", "id", DataType.INTEGER)));

    assertThat(f.sink().check(mapping, columns(mapping))).extracting(Object::toString).containsExactly(
        "mappings[" + SinkFixture.TOPIC + "].table_name: table 'nowhere.readings' does not exist in the database");
    assertThatThrownBy(() -> f.messages(target).add(1L).write()).isInstanceOfSatisfying(SinkException.class, e -> {
      assertThat(e.reason()).isEqualTo(SinkException.Reason.SCHEMA);
      assertThat(e.getMessage()).isEqualTo("table 'nowhere.readings' does not exist and could not be created from its"
          + " mapping (CREATE TABLE IF NOT EXISTS \"nowhere\".\"readings\" (\"id\" bigint)): 3F000 schema \"nowhere\""
          + " does not exist");
    });
    assertThat(f.sink().readOffsets(SinkFixture.GROUP, List.of(SinkFixture.TOPIC))).isEmpty();
  }

  @Test
  void check_ofAMissingTable_plansTheTableItWillCreate() {
    TopicMapping mapping = new TopicMapping(SinkFixture.TOPIC, "planned", List.of("device_id", "timestamp"),
        ConflictStrategy.UPDATE, List.of(FieldMapping.of("device_id", "device_id", DataType.STRING),
        FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP), FieldMapping.of("v", "v", DataType.FLOAT)));

    assertThat(f.sink().check(mapping, columns(mapping))).isEmpty();
    assertThat(f.sink().describeWritePath(mapping, columns(mapping))).startsWith("update: ");
    // a check creates nothing
    assertThat(f.db().query("SELECT to_regclass('planned') IS NULL")).containsExactly("t");
  }

  private static List<Column> columns(TopicMapping mapping) {
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < mapping.fields().size(); i++) {
      FieldMapping m = mapping.fields().get(i);
      columns.add(new Column(i, m.targetColumn(), m.dataType(), m.transformation()));
    }
    return columns;
  }
}
