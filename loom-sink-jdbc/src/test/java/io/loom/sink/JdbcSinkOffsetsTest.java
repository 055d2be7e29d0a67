package io.loom.sink;

import static io.loom.sink.SinkDatabase.message;
import static io.loom.sink.SinkDatabase.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcSinkOffsetsTest {
  private SinkDatabase db;
  private JdbcSink sink;
  private TableTarget target;

  @BeforeEach
  void setUp() {
    db = new SinkDatabase();
    db.execute("CREATE TABLE t (id int8 PRIMARY KEY, v text)");
    sink = new JdbcSink(db.pool, SinkDatabase.fastRetries());
    target = target("t", List.of("id"), ConflictStrategy.IGNORE, "id", DataType.INTEGER, "v", DataType.STRING);
  }

  @AfterEach
  void tearDown() {
    sink.close();
    db.close();
  }

  @Test
  void readOffsets_beforeAnyWrite_isEmptyAndCreatesTheTable() {
    assertThat(sink.readOffsets("g", List.of("a.b.c"))).isEmpty();
    assertThat(db.query("SELECT column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '-')"
        + " FROM information_schema.columns WHERE table_name = 'loom_offsets' AND table_schema = '" + db.schema
        + "' ORDER BY ordinal_position")).containsExactly(
            "consumer_group text NO -", "topic text NO -", "kafka_partition integer NO -", "next_offset bigint NO -",
            "updated_at timestamp with time zone NO now()");
  }

  @Test
  void write_storesNextOffsetsPerGroupTopicAndPartition_andReadsThemBack() {
    SinkBatch batch = sink.newBatch();
    message(batch, target, "a.b.c", 0, 10, 1L, "x");
    message(batch, target, "a.b.c", 0, 11, 2L, "x");
    message(batch, target, "a.b.c", 1, 5, 3L, "x");
    batch.markProcessed("a.b.d", 0, 42);
    sink.write(batch, "g1");

    SinkBatch second = sink.newBatch();
    message(second, target, "a.b.c", 0, 12, 4L, "y");
    sink.write(second, "g1");

    assertThat(sink.readOffsets("g1", List.of("a.b.c", "a.b.d"))).containsExactly(
        entry(new SourcePartition("a.b.c", 0), 13L), entry(new SourcePartition("a.b.c", 1), 6L),
        entry(new SourcePartition("a.b.d", 0), 43L));
    assertThat(sink.readOffsets("g1", List.of("a.b.d"))).containsOnlyKeys(new SourcePartition("a.b.d", 0));
    assertThat(sink.readOffsets("g2", List.of("a.b.c"))).isEmpty();
  }

  @Test
  void failedWrite_storesNeitherRowsNorOffsets() {
    SinkBatch batch = sink.newBatch();
    message(batch, target, "a.b.c", 0, 0, 1L, "x");
    db.execute("ALTER TABLE t DROP COLUMN v");

    assertThatThrownBy(() -> sink.write(batch, "g")).isInstanceOfSatisfying(SinkException.class,
        e -> assertThat(e.reason()).isEqualTo(SinkException.Reason.SCHEMA));

    assertThat(db.count("t")).isZero();
    assertThat(sink.readOffsets("g", List.of("a.b.c"))).isEmpty();
  }

  @Test
  void write_withStoredOffsetPastTheBatch_isRefusedAsOffsetConflict() {
    SinkBatch first = sink.newBatch();
    message(first, target, "a.b.c", 0, 0, 1L, "x");
    message(first, target, "a.b.c", 0, 1, 2L, "x");
    sink.write(first, "g");

    SinkBatch stale = sink.newBatch();
    message(stale, target, "a.b.c", 0, 1, 20L, "again");

    assertThatThrownBy(() -> sink.write(stale, "g")).isInstanceOfSatisfying(SinkException.class, e -> {
      assertThat(e.reason()).isEqualTo(SinkException.Reason.OFFSET_CONFLICT);
      assertThat(e.getMessage()).isEqualTo("group 'g': these messages were already stored by another writer:"
          + " a.b.c[0] stored next offset 2 > batch's first offset 1; re-read the offsets and resume from there");
    });
    assertThat(db.query("SELECT id FROM t ORDER BY id")).containsExactly("1", "2");
    assertThat(sink.readOffsets("g", List.of("a.b.c"))).containsEntry(new SourcePartition("a.b.c", 0), 2L);
  }

  @Test
  void write_afterAGapInOffsets_isAccepted() {
    SinkBatch first = sink.newBatch();
    message(first, target, "a.b.c", 0, 0, 1L, "x");
    sink.write(first, "g");
    SinkBatch afterGap = sink.newBatch();
    message(afterGap, target, "a.b.c", 0, 7, 2L, "x");

    sink.write(afterGap, "g");

    assertThat(sink.readOffsets("g", List.of("a.b.c"))).containsEntry(new SourcePartition("a.b.c", 0), 8L);
  }

  @Test
  void emptyBatch_writesNothing() {
    WriteResult result = sink.write(sink.newBatch(), "g");
    assertThat(result).isEqualTo(WriteResult.empty());
  }

  @Test
  void closedSink_refusesWrites() {
    SinkBatch batch = sink.newBatch();
    message(batch, target, "a.b.c", 0, 0, 1L, "x");
    sink.close();
    sink.close();

    assertThatThrownBy(() -> sink.write(batch, "g")).isInstanceOfSatisfying(SinkException.class,
        e -> assertThat(e.reason()).isEqualTo(SinkException.Reason.CLOSED));
  }
}
