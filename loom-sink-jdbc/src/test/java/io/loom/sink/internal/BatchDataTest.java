package io.loom.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.RowSink;
import io.loom.sink.SourcePartition;
import io.loom.sink.TableTarget;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The running totals of {@link BatchData} against the sums over its tables, and against a plain count. */
class BatchDataTest {
  private static final List<TableTarget> TARGETS = List.of(
      new TableTarget("a", List.of(new Column(0, "id", DataType.INTEGER, null), new Column(1, "v", DataType.STRING, null)),
          List.of("id"), ConflictStrategy.UPDATE, null),
      new TableTarget("b", List.of(new Column(0, "v", DataType.STRING, null)), List.of(), null, null),
      new TableTarget("c", List.of(new Column(0, "id", DataType.INTEGER, null), new Column(1, "x", DataType.FLOAT, null),
          new Column(2, "tags", DataType.ARRAY, null)), List.of("id"), ConflictStrategy.IGNORE, null));
  private static final String[] TOPICS = {"t.one", "t.two"};

  @Test
  void totals_afterRandomAddsRefusalsAndClears_equalTheSumsOverTheTables() {
    for (long seed = 1; seed <= 200; seed++) {
      new Run(new Random(seed), seed).play(300);
    }
  }

  @Test
  void totals_ofAnUnendedRow_countItsBytesButNotTheRow() {
    BatchData batch = new BatchData();
    RowSink rows = batch.rowsFor(TARGETS.get(0), "t.one", 0, 0);
    rows.startRow();
    rows.longValue(0, 7);

    assertThat(batch.rowCount()).isZero();
    assertThat(batch.byteSize()).isEqualTo(9 + 16 + 64);
    assertThatThrownBy(() -> batch.rowsFor(TARGETS.get(1), "t.one", 0, 1)).isInstanceOf(IllegalStateException.class)
        .hasMessage("table 'a': the previous row was not ended (column 1 of 2 expected next)");
    assertThat(batch.byteSize()).isEqualTo(9 + 16 + 64);

    batch.clear();
    assertThat(batch.byteSize()).isZero();
  }

  /** One seeded sequence of operations; after each, the totals are checked. */
  private static final class Run {
    private final Random random;
    private final long seed;
    private final BatchData batch = new BatchData();
    /** The last offset announced per topic and partition since the last clear, -1 for none. */
    private final long[][] lastSeen = new long[TOPICS.length][3];
    private int endedRows;
    private boolean rowLeftOpen;
    private int step;

    Run(Random random, long seed) {
      this.random = random;
      this.seed = seed;
      for (long[] offsets : lastSeen) {
        Arrays.fill(offsets, -1);
      }
    }

    void play(int steps) {
      for (step = 0; step < steps; step++) {
        int op = random.nextInt(100);
        if (op < 60) {
          addMessage(random.nextInt(4));
        } else if (op < 72) {
          markProcessed();
        } else if (op < 80) {
          decreasingOffset();
        } else if (op < 87) {
          refusedValue();
        } else if (op < 95) {
          clear();
        } else {
          addMessage(0);
        }
        check();
      }
    }

    private void addMessage(int rowCount) {
      TableTarget target = TARGETS.get(random.nextInt(TARGETS.size()));
      int topic = random.nextInt(TOPICS.length);
      int partition = random.nextInt(3);
      long offset = nextOffset(topic, partition);
      if (rowLeftOpen) {
        assertThatThrownBy(() -> batch.rowsFor(target, TOPICS[topic], partition, offset))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("the previous row was not ended");
        return;
      }
      RowSink rows = batch.rowsFor(target, TOPICS[topic], partition, offset);
      for (int r = 0; r < rowCount; r++) {
        rows.startRow();
        for (Column c : target.columns()) {
          value(rows, c);
        }
        rows.endRow();
        endedRows++;
      }
    }

    private void value(RowSink rows, Column c) {
      if (random.nextInt(8) == 0) {
        rows.nullValue(c.index());
        return;
      }
      switch (c.dataType()) {
        case INTEGER -> rows.longValue(c.index(), random.nextInt(50));
        case FLOAT -> rows.doubleValue(c.index(), random.nextDouble());
        case ARRAY -> rows.stringArrayValue(c.index(), new String[] {"x", null, "y".repeat(random.nextInt(5))},
            1 + random.nextInt(3));
        default -> rows.stringValue(c.index(), "v".repeat(random.nextInt(40)));
      }
    }

    private void markProcessed() {
      int topic = random.nextInt(TOPICS.length);
      int partition = random.nextInt(3);
      batch.markProcessed(TOPICS[topic], partition, nextOffset(topic, partition));
    }

    /** An offset above the last one seen on the partition (with gaps, as after compaction), taken as seen. */
    private long nextOffset(int topic, int partition) {
      long offset = lastSeen[topic][partition] + 1 + random.nextInt(3);
      lastSeen[topic][partition] = offset;
      return offset;
    }

    /** An offset below one already seen is refused and changes nothing. */
    private void decreasingOffset() {
      int topic = random.nextInt(TOPICS.length);
      int partition = random.nextInt(3);
      long seen = lastSeen[topic][partition];
      if (seen < 1) {
        return;
      }
      long offset = random.nextInt((int) seen);
      long bytes = batch.byteSize();
      int rows = batch.rowCount();
      assertThatThrownBy(() -> batch.rowsFor(TARGETS.get(0), TOPICS[topic], partition, offset))
          .isInstanceOf(IllegalArgumentException.class).hasMessage(new SourcePartition(TOPICS[topic], partition)
              + ": offset " + offset + " comes after offset " + seen + "; offsets within a partition must not decrease");
      assertThat(batch.byteSize()).as(where()).isEqualTo(bytes);
      assertThat(batch.rowCount()).as(where()).isEqualTo(rows);
    }

    /** A message whose row is refused half-way (a value of the wrong kind): its bytes so far stay, the row does not count. */
    private void refusedValue() {
      if (rowLeftOpen) {
        return;
      }
      int topic = random.nextInt(TOPICS.length);
      int partition = random.nextInt(3);
      RowSink rows = batch.rowsFor(TARGETS.get(0), TOPICS[topic], partition, nextOffset(topic, partition));
      rows.startRow();
      rows.longValue(0, 1);
      assertThatThrownBy(() -> rows.longValue(1, 2)).isInstanceOf(IllegalArgumentException.class);
      rowLeftOpen = true;
    }

    private void clear() {
      batch.clear();
      endedRows = 0;
      rowLeftOpen = false;
      for (long[] offsets : lastSeen) {
        Arrays.fill(offsets, -1);
      }
      assertThat(batch.rowCount()).as(where()).isZero();
      assertThat(batch.byteSize()).as(where()).isZero();
    }

    private void check() {
      int rows = 0;
      long bytes = 0;
      for (TableBuffer t : batch.tables()) {
        rows += t.rowCount;
        bytes += t.byteSize();
      }
      assertThat(batch.rowCount()).as(where()).isEqualTo(rows).isEqualTo(endedRows);
      assertThat(batch.byteSize()).as(where()).isEqualTo(bytes + batch.partitions().size() * 64L);
    }

    private String where() {
      return "seed " + seed + ", step " + step;
    }
  }
}
