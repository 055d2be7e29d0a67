package io.loom.sink;

import static io.loom.sink.SinkDatabase.message;
import static io.loom.sink.SinkDatabase.target;
import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcSinkStrategiesTest {
  private static final String TOPIC = "device.sensor.test.raw";

  private SinkDatabase db;
  private JdbcSink sink;

  @BeforeEach
  void setUp() {
    db = new SinkDatabase();
    db.execute("CREATE TABLE keyed (id int8 PRIMARY KEY, v text, n int4, extra text DEFAULT 'dflt')",
        "CREATE TABLE plain (id int8, v text)");
    sink = new JdbcSink(db.pool, SinkDatabase.fastRetries());
  }

  @AfterEach
  void tearDown() {
    sink.close();
    db.close();
  }

  private TableTarget keyed(ConflictStrategy strategy) {
    return target("keyed", List.of("id"), strategy, "id", DataType.INTEGER, "v", DataType.STRING, "n", DataType.INTEGER);
  }

  private void seed() {
    db.execute("INSERT INTO keyed VALUES (1, 'old1', 10, 'kept1'), (2, 'old2', 20, 'kept2')");
  }

  @Test
  void append_copiesEveryRowIncludingDuplicates() {
    TableTarget plain = target("plain", List.of(), ConflictStrategy.IGNORE, "id", DataType.INTEGER, "v", DataType.STRING);
    SinkBatch batch = sink.newBatch();
    message(batch, plain, TOPIC, 0, 0, 1L, "a");
    message(batch, plain, TOPIC, 0, 1, 1L, "a");
    message(batch, plain, TOPIC, 0, 2, 2L, null);

    WriteResult result = sink.write(batch, "g");

    assertThat(result.rowsWritten()).containsExactly(org.assertj.core.api.Assertions.entry("plain", 3L));
    assertThat(result.rejected()).isEmpty();
    assertThat(db.query("SELECT id, v FROM plain ORDER BY id, v")).containsExactly("1|a", "1|a", "2|null");
  }

  @Test
  void ignore_withoutConflicts_insertsEveryRow() {
    SinkBatch batch = sink.newBatch();
    message(batch, keyed(ConflictStrategy.IGNORE), TOPIC, 0, 0, 1L, "a", 1L);
    message(batch, keyed(ConflictStrategy.IGNORE), TOPIC, 0, 1, 2L, "b", 2L);

    WriteResult result = sink.write(batch, "g");

    assertThat(result.rowsWritten()).containsEntry("keyed", 2L);
    assertThat(db.query("SELECT * FROM keyed ORDER BY id")).containsExactly("1|a|1|dflt", "2|b|2|dflt");
  }

  @Test
  void ignore_withConflicts_keepsStoredRowsAndInsertsNewOnes() {
    seed();
    TableTarget t = keyed(ConflictStrategy.IGNORE);
    SinkBatch batch = sink.newBatch();
    message(batch, t, TOPIC, 0, 0, 1L, "new1", 11L);
    message(batch, t, TOPIC, 0, 1, 3L, "new3", 33L);

    WriteResult result = sink.write(batch, "g");

    assertThat(result.rowsWritten()).containsEntry("keyed", 1L);
    assertThat(db.query("SELECT * FROM keyed ORDER BY id"))
        .containsExactly("1|old1|10|kept1", "2|old2|20|kept2", "3|new3|33|dflt");
  }

  @Test
  void update_setsMappedNonKeyColumnsAndKeepsUnmappedOnes() {
    seed();
    TableTarget t = keyed(ConflictStrategy.UPDATE);
    SinkBatch batch = sink.newBatch();
    message(batch, t, TOPIC, 0, 0, 1L, "new1", null);
    message(batch, t, TOPIC, 0, 1, 3L, "new3", 33L);

    WriteResult result = sink.write(batch, "g");

    assertThat(result.rowsWritten()).containsEntry("keyed", 2L);
    assertThat(db.query("SELECT * FROM keyed ORDER BY id"))
        .containsExactly("1|new1|null|kept1", "2|old2|20|kept2", "3|new3|33|dflt");
  }

  @Test
  void replace_makesTheStoredRowExactlyTheNewRow() {
    seed();
    TableTarget t = keyed(ConflictStrategy.REPLACE);
    SinkBatch batch = sink.newBatch();
    message(batch, t, TOPIC, 0, 0, 1L, "new1", 11L);
    message(batch, t, TOPIC, 0, 1, 3L, "new3", 33L);

    sink.write(batch, "g");

    assertThat(db.query("SELECT * FROM keyed ORDER BY id"))
        .containsExactly("1|new1|11|dflt", "2|old2|20|kept2", "3|new3|33|dflt");
  }

  @Test
  void duplicatesInBatch_update_lastOffsetWins() {
    seed();
    TableTarget t = keyed(ConflictStrategy.UPDATE);
    SinkBatch batch = sink.newBatch();
    message(batch, t, TOPIC, 0, 0, 1L, "first", 1L);
    message(batch, t, TOPIC, 0, 1, 4L, "first4", 4L);
    message(batch, t, TOPIC, 0, 2, 1L, "second", 2L);
    message(batch, t, TOPIC, 0, 3, 1L, "third", 3L);
    message(batch, t, TOPIC, 0, 4, 4L, "second4", 5L);

    WriteResult result = sink.write(batch, "g");

    assertThat(result.rejected()).isEmpty();
    assertThat(db.query("SELECT * FROM keyed ORDER BY id"))
        .containsExactly("1|third|3|kept1", "2|old2|20|kept2", "4|second4|5|dflt");
  }

  @Test
  void duplicatesInBatch_replace_lastOffsetWins() {
    seed();
    TableTarget t = keyed(ConflictStrategy.REPLACE);
    SinkBatch batch = sink.newBatch();
    message(batch, t, TOPIC, 0, 0, 1L, "first", 1L);
    message(batch, t, TOPIC, 0, 1, 1L, "second", null);
    message(batch, t, TOPIC, 1, 7, 5L, "p1-first", 1L);
    message(batch, t, TOPIC, 1, 8, 5L, "p1-second", 2L);

    sink.write(batch, "g");

    assertThat(db.query("SELECT * FROM keyed ORDER BY id"))
        .containsExactly("1|second|null|dflt", "2|old2|20|kept2", "5|p1-second|2|dflt");
  }

  @Test
  void duplicatesInBatch_ignore_firstOffsetWinsAsIfWrittenOneByOne() {
    TableTarget t = keyed(ConflictStrategy.IGNORE);
    SinkBatch batch = sink.newBatch();
    message(batch, t, TOPIC, 0, 0, 1L, "first", 1L);
    message(batch, t, TOPIC, 0, 1, 1L, "second", 2L);
    message(batch, t, TOPIC, 0, 2, 2L, "only", 3L);

    WriteResult result = sink.write(batch, "g");

    assertThat(result.rowsWritten()).containsEntry("keyed", 2L);
    assertThat(db.query("SELECT * FROM keyed ORDER BY id")).containsExactly("1|first|1|dflt", "2|only|3|dflt");
  }

  @Test
  void duplicatesInBatch_ignoreWithStoredRow_storedRowStays() {
    seed();
    TableTarget t = keyed(ConflictStrategy.IGNORE);
    SinkBatch batch = sink.newBatch();
    message(batch, t, TOPIC, 0, 0, 1L, "a", 1L);
    message(batch, t, TOPIC, 0, 1, 1L, "b", 2L);

    WriteResult result = sink.write(batch, "g");

    assertThat(result.rowsWritten()).containsEntry("keyed", 0L);
    assertThat(db.query("SELECT * FROM keyed WHERE id = 1")).containsExactly("1|old1|10|kept1");
  }

  @Test
  void compositeKey_update_matchesOnAllKeyColumns() {
    db.execute("CREATE TABLE readings (device_id text, ts timestamptz, value float8, PRIMARY KEY (device_id, ts))");
    TableTarget t = target("readings", List.of("device_id", "ts"), ConflictStrategy.UPDATE,
        "device_id", DataType.STRING, "ts", DataType.TIMESTAMP, "value", DataType.FLOAT);
    java.time.Instant t0 = java.time.Instant.parse("2026-11-27T10:00:00.001Z");
    SinkBatch batch = sink.newBatch();
    message(batch, t, TOPIC, 0, 0, "dev-1", t0, 1.5);
    message(batch, t, TOPIC, 0, 1, "dev-2", t0, 2.5);
    message(batch, t, TOPIC, 0, 2, "dev-1", t0.plusSeconds(1), 3.5);
    message(batch, t, TOPIC, 0, 3, "dev-1", t0, 4.5);
    sink.write(batch, "g");

    assertThat(db.query("SELECT device_id, to_char(ts AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'), value FROM readings"
        + " ORDER BY 1, 2")).containsExactly("dev-1|10:00:00.001|4.5", "dev-1|10:00:01.001|3.5", "dev-2|10:00:00.001|2.5");
  }

  @Test
  void ignore_afterAConflict_laterBatchesStillWriteCorrectly() {
    seed();
    TableTarget t = keyed(ConflictStrategy.IGNORE);
    for (int round = 0; round < 3; round++) {
      SinkBatch batch = sink.newBatch();
      message(batch, t, TOPIC, 0, round * 2, 1L, "x" + round, 0L);
      message(batch, t, TOPIC, 0, round * 2 + 1, 10L + round, "y" + round, 0L);
      sink.write(batch, "g");
    }
    assertThat(db.query("SELECT id, v FROM keyed ORDER BY id"))
        .containsExactly("1|old1", "2|old2", "10|y0", "11|y1", "12|y2");
  }

  @Test
  void severalTablesAndTopics_oneTransaction() {
    TableTarget plain = target("plain", List.of(), ConflictStrategy.IGNORE, "id", DataType.INTEGER, "v", DataType.STRING);
    TableTarget keyed = keyed(ConflictStrategy.UPDATE);
    SinkBatch batch = sink.newBatch();
    message(batch, plain, "a.b.c", 0, 5, 1L, "p");
    message(batch, keyed, "a.b.d", 2, 9, 1L, "k", 1L);
    batch.markProcessed("a.b.e", 0, 100);

    WriteResult result = sink.write(batch, "g");

    assertThat(result.rowsWritten()).containsExactly(org.assertj.core.api.Assertions.entry("plain", 1L),
        org.assertj.core.api.Assertions.entry("keyed", 1L));
    assertThat(result.offsets()).containsExactly(
        org.assertj.core.api.Assertions.entry(new SourcePartition("a.b.c", 0), 6L),
        org.assertj.core.api.Assertions.entry(new SourcePartition("a.b.d", 2), 10L),
        org.assertj.core.api.Assertions.entry(new SourcePartition("a.b.e", 0), 101L));
    assertThat(db.count("plain")).isEqualTo(1);
    assertThat(db.count("keyed")).isEqualTo(1);
  }
}
