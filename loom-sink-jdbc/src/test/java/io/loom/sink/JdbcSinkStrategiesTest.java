package io.loom.sink;

import static io.loom.sink.SinkDatabase.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcSinkStrategiesTest {
  @RegisterExtension
  final SinkFixture f = new SinkFixture(
      "CREATE TABLE keyed (id int8 PRIMARY KEY, v text, n int4, extra text DEFAULT 'dflt')",
      "CREATE TABLE plain (id int8, v text)");

  private static final TableTarget PLAIN =
      target("plain", List.of(), ConflictStrategy.IGNORE, "id", DataType.INTEGER, "v", DataType.STRING);

  private static TableTarget keyed(ConflictStrategy strategy) {
    return target("keyed", List.of("id"), strategy, "id", DataType.INTEGER, "v", DataType.STRING, "n", DataType.INTEGER);
  }

  private void seed() {
    f.db().execute("INSERT INTO keyed VALUES (1, 'old1', 10, 'kept1'), (2, 'old2', 20, 'kept2')");
  }

  @Test
  void append_copiesEveryRowIncludingDuplicates() {
    WriteResult result = f.messages(PLAIN).add(1L, "a").add(1L, "a").add(2L, null).write();

    assertThat(result.rowsWritten()).containsExactly(entry("plain", 3L));
    assertThat(result.rejected()).isEmpty();
    assertThat(f.rows("plain", "id, v")).containsExactly("1|a", "1|a", "2|null");
  }

  @Test
  void ignore_withoutConflicts_insertsEveryRow() {
    WriteResult result = f.messages(keyed(ConflictStrategy.IGNORE)).add(1L, "a", 1L).add(2L, "b", 2L).write();

    assertThat(result.rowsWritten()).containsEntry("keyed", 2L);
    assertThat(f.rows("keyed")).containsExactly("1|a|1|dflt", "2|b|2|dflt");
  }

  @Test
  void ignore_withConflicts_keepsStoredRowsAndInsertsNewOnes() {
    seed();
    WriteResult result = f.messages(keyed(ConflictStrategy.IGNORE)).add(1L, "new1", 11L).add(3L, "new3", 33L).write();

    assertThat(result.rowsWritten()).containsEntry("keyed", 1L);
    assertThat(f.rows("keyed")).containsExactly("1|old1|10|kept1", "2|old2|20|kept2", "3|new3|33|dflt");
  }

  @Test
  void update_setsMappedNonKeyColumnsAndKeepsUnmappedOnes() {
    seed();
    WriteResult result = f.messages(keyed(ConflictStrategy.UPDATE)).add(1L, "new1", null).add(3L, "new3", 33L).write();

    assertThat(result.rowsWritten()).containsEntry("keyed", 2L);
    assertThat(f.rows("keyed")).containsExactly("1|new1|null|kept1", "2|old2|20|kept2", "3|new3|33|dflt");
  }

  @Test
  void replace_makesTheStoredRowExactlyTheNewRow() {
    seed();
    f.messages(keyed(ConflictStrategy.REPLACE)).add(1L, "new1", 11L).add(3L, "new3", 33L).write();

    assertThat(f.rows("keyed")).containsExactly("1|new1|11|dflt", "2|old2|20|kept2", "3|new3|33|dflt");
  }

  @Test
  void duplicatesInBatch_update_lastOffsetWins() {
    seed();
    WriteResult result = f.messages(keyed(ConflictStrategy.UPDATE)).add(1L, "first", 1L).add(4L, "first4", 4L)
        .add(1L, "second", 2L).add(1L, "third", 3L).add(4L, "second4", 5L).write();

    assertThat(result.rejected()).isEmpty();
    assertThat(f.rows("keyed")).containsExactly("1|third|3|kept1", "2|old2|20|kept2", "4|second4|5|dflt");
  }

  @Test
  void duplicatesInBatch_replace_lastOffsetWins() {
    seed();
    f.messages(keyed(ConflictStrategy.REPLACE)).add(1L, "first", 1L).add(1L, "second", null)
        .at(1, 7).add(5L, "p1-first", 1L).add(5L, "p1-second", 2L).write();

    assertThat(f.rows("keyed")).containsExactly("1|second|null|dflt", "2|old2|20|kept2", "5|p1-second|2|dflt");
  }

  @Test
  void duplicatesInBatch_ignore_firstOffsetWinsAsIfWrittenOneByOne() {
    WriteResult result = f.messages(keyed(ConflictStrategy.IGNORE)).add(1L, "first", 1L).add(1L, "second", 2L)
        .add(2L, "only", 3L).write();

    assertThat(result.rowsWritten()).containsEntry("keyed", 2L);
    assertThat(f.rows("keyed")).containsExactly("1|first|1|dflt", "2|only|3|dflt");
  }

  @Test
  void duplicatesInBatch_ignoreWithStoredRow_storedRowStays() {
    seed();
    WriteResult result = f.messages(keyed(ConflictStrategy.IGNORE)).add(1L, "a", 1L).add(1L, "b", 2L).write();

    assertThat(result.rowsWritten()).containsEntry("keyed", 0L);
    assertThat(f.db().query("SELECT * FROM keyed WHERE id = 1")).containsExactly("1|old1|10|kept1");
  }

  @Test
  void compositeKey_update_matchesOnAllKeyColumns() {
    f.db().execute("CREATE TABLE readings (device_id text, ts timestamptz, value float8, PRIMARY KEY (device_id, ts))");
    TableTarget t = target("readings", List.of("device_id", "ts"), ConflictStrategy.UPDATE,
        "device_id", DataType.STRING, "ts", DataType.TIMESTAMP, "value", DataType.FLOAT);
    Instant t0 = Instant.parse("2026-11-27T10:00:00.001Z");
    f.messages(t).add("dev-1", t0, 1.5).add("dev-2", t0, 2.5).add("dev-1", t0.plusSeconds(1), 3.5).add("dev-1", t0, 4.5)
        .write();

    assertThat(f.db().query("SELECT device_id, to_char(ts AT TIME ZONE 'UTC', 'HH24:MI:SS.MS'), value FROM readings"
        + " ORDER BY 1, 2")).containsExactly("dev-1|10:00:00.001|4.5", "dev-1|10:00:01.001|3.5", "dev-2|10:00:00.001|2.5");
  }

  @Test
  void ignore_afterAConflict_laterBatchesStillWriteCorrectly() {
    seed();
    TableTarget t = keyed(ConflictStrategy.IGNORE);
    for (int round = 0; round < 3; round++) {
      f.messages(t).at(0, round * 2).add(1L, "x" + round, 0L).add(10L + round, "y" + round, 0L).write();
    }
    assertThat(f.rows("keyed", "id, v")).containsExactly("1|old1", "2|old2", "10|y0", "11|y1", "12|y2");
  }

  @Test
  void severalTablesAndTopics_oneTransaction() {
    SinkBatch batch = f.sink().newBatch();
    SinkDatabase.message(batch, PLAIN, "a.b.c", 0, 5, 1L, "p");
    SinkDatabase.message(batch, keyed(ConflictStrategy.UPDATE), "a.b.d", 2, 9, 1L, "k", 1L);
    batch.markProcessed("a.b.e", 0, 100);

    WriteResult result = f.sink().write(batch, "g");

    assertThat(result.rowsWritten()).containsExactly(entry("plain", 1L), entry("keyed", 1L));
    assertThat(result.offsets()).containsExactly(entry(new SourcePartition("a.b.c", 0), 6L),
        entry(new SourcePartition("a.b.d", 2), 10L), entry(new SourcePartition("a.b.e", 0), 101L));
    assertThat(f.db().count("plain")).isEqualTo(1);
    assertThat(f.db().count("keyed")).isEqualTo(1);
  }
}
