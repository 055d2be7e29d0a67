package io.loom.sink;

import static io.loom.sink.SinkDatabase.message;
import static io.loom.sink.SinkDatabase.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcSinkOffsetsTest {
  private static final TableTarget TARGET =
      target("t", List.of("id"), ConflictStrategy.IGNORE, "id", DataType.INTEGER, "v", DataType.STRING);

  @RegisterExtension
  final SinkFixture f = new SinkFixture("CREATE TABLE t (id int8 PRIMARY KEY, v text)");

  @Test
  void readOffsets_beforeAnyWrite_isEmptyAndCreatesTheTable() {
    assertThat(f.sink().readOffsets("g", List.of("a.b.c"))).isEmpty();
    assertThat(f.db().query("SELECT column_name || ' ' || data_type || ' ' || is_nullable || ' '"
        + " || coalesce(column_default, '-')"
        + " FROM information_schema.columns WHERE table_name = 'loom_offsets' AND table_schema = '" + f.db().schema
        + "' ORDER BY ordinal_position")).containsExactly(
            "consumer_group text NO -", "topic text NO -", "kafka_partition integer NO -", "next_offset bigint NO -",
            "updated_at timestamp with time zone NO now()");
  }

  @Test
  void write_storesNextOffsetsPerGroupTopicAndPartition_andReadsThemBack() {
    SinkBatch batch = f.sink().newBatch();
    message(batch, TARGET, "a.b.c", 0, 10, 1L, "x");
    message(batch, TARGET, "a.b.c", 0, 11, 2L, "x");
    message(batch, TARGET, "a.b.c", 1, 5, 3L, "x");
    batch.markProcessed("a.b.d", 0, 42);
    f.sink().write(batch, "g1");

    SinkBatch second = f.sink().newBatch();
    message(second, TARGET, "a.b.c", 0, 12, 4L, "y");
    f.sink().write(second, "g1");

    assertThat(f.sink().readOffsets("g1", List.of("a.b.c", "a.b.d"))).containsExactly(
        entry(new SourcePartition("a.b.c", 0), 13L), entry(new SourcePartition("a.b.c", 1), 6L),
        entry(new SourcePartition("a.b.d", 0), 43L));
    assertThat(f.sink().readOffsets("g1", List.of("a.b.d"))).containsOnlyKeys(new SourcePartition("a.b.d", 0));
    assertThat(f.sink().readOffsets("g2", List.of("a.b.c"))).isEmpty();
  }

  @Test
  void failedWrite_storesNeitherRowsNorOffsets() {
    SinkBatch batch = f.sink().newBatch();
    message(batch, TARGET, "a.b.c", 0, 0, 1L, "x");
    f.db().execute("ALTER TABLE t DROP COLUMN v");

    assertThatThrownBy(() -> f.sink().write(batch, "g")).isInstanceOfSatisfying(SinkException.class,
        e -> assertThat(e.reason()).isEqualTo(SinkException.Reason.SCHEMA));

    assertThat(f.db().count("t")).isZero();
    assertThat(f.sink().readOffsets("g", List.of("a.b.c"))).isEmpty();
  }

  @Test
  void write_withStoredOffsetPastTheBatch_isRefusedAsOffsetConflict() {
    SinkBatch first = f.sink().newBatch();
    message(first, TARGET, "a.b.c", 0, 0, 1L, "x");
    message(first, TARGET, "a.b.c", 0, 1, 2L, "x");
    f.sink().write(first, "g");

    SinkBatch stale = f.sink().newBatch();
    message(stale, TARGET, "a.b.c", 0, 1, 20L, "again");

    assertThatThrownBy(() -> f.sink().write(stale, "g")).isInstanceOfSatisfying(SinkException.class, e -> {
      assertThat(e.reason()).isEqualTo(SinkException.Reason.OFFSET_CONFLICT);
      assertThat(e.getMessage()).isEqualTo("group 'g': these messages were already stored by another writer:"
          + " a.b.c[0] stored next offset 2 > batch's first offset 1; re-read the offsets and resume from there");
    });
    assertThat(f.db().query("SELECT id FROM t ORDER BY id")).containsExactly("1", "2");
    assertThat(f.sink().readOffsets("g", List.of("a.b.c"))).containsEntry(new SourcePartition("a.b.c", 0), 2L);
  }

  @Test
  void write_afterAGapInOffsets_isAccepted() {
    SinkBatch first = f.sink().newBatch();
    message(first, TARGET, "a.b.c", 0, 0, 1L, "x");
    f.sink().write(first, "g");
    SinkBatch afterGap = f.sink().newBatch();
    message(afterGap, TARGET, "a.b.c", 0, 7, 2L, "x");

    f.sink().write(afterGap, "g");

    assertThat(f.sink().readOffsets("g", List.of("a.b.c"))).containsEntry(new SourcePartition("a.b.c", 0), 8L);
  }

  @Test
  void emptyBatch_writesNothing() {
    WriteResult result = f.sink().write(f.sink().newBatch(), "g");
    assertThat(result).isEqualTo(WriteResult.empty());
  }

  @Test
  void closedSink_refusesWrites() {
    SinkBatch batch = f.sink().newBatch();
    message(batch, TARGET, "a.b.c", 0, 0, 1L, "x");
    f.sink().close();
    f.sink().close();

    assertThatThrownBy(() -> f.sink().write(batch, "g")).isInstanceOfSatisfying(SinkException.class,
        e -> assertThat(e.reason()).isEqualTo(SinkException.Reason.CLOSED));
  }
}
