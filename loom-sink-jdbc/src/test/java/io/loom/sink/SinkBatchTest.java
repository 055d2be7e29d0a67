package io.loom.sink;

import static io.loom.sink.SinkDatabase.message;
import static io.loom.sink.SinkDatabase.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.RowSink;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory side: batch contract, targets and options (no database). */
class SinkBatchTest {
  private static final TableTarget T =
      target("t", List.of("id"), ConflictStrategy.UPDATE, "id", DataType.INTEGER, "v", DataType.STRING);

  @Test
  void batch_countsRowsMessagesAndBytes_andTracksNextOffsets() {
    SinkBatch batch = new SinkBatch();
    assertThat(batch.isEmpty()).isTrue();
    message(batch, T, "a.b.c", 0, 5, 1L, "x");
    RowSink rows = batch.rowsFor(T, "a.b.c", 1, 9);
    SinkDatabase.row(rows, 2L, "y");
    SinkDatabase.row(rows, 3L, "z");
    batch.markProcessed("a.b.c", 0, 7);
    batch.rowsFor(T, "a.b.c", 0, 8);

    assertThat(batch.rowCount()).isEqualTo(3);
    assertThat(batch.messageCount()).isEqualTo(4);
    assertThat(batch.byteSize()).isGreaterThan(3 * (9 + 6));
    assertThat(batch.nextOffsets()).containsExactly(entry(new SourcePartition("a.b.c", 0), 9L),
        entry(new SourcePartition("a.b.c", 1), 10L));

    batch.clear();
    assertThat(batch.isEmpty()).isTrue();
    assertThat(batch.rowCount()).isZero();
    assertThat(batch.nextOffsets()).isEmpty();
  }

  @Test
  void batch_decreasingOffset_isRefused() {
    SinkBatch batch = new SinkBatch();
    batch.markProcessed("a.b.c", 2, 10);

    assertThatThrownBy(() -> batch.rowsFor(T, "a.b.c", 2, 9)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a.b.c[2]: offset 9 comes after offset 10; offsets within a partition must not decrease");
  }

  @Test
  void rowSink_outOfOrderColumn_isRefused() {
    RowSink rows = new SinkBatch().rowsFor(T, "a.b.c", 0, 0);
    rows.startRow();

    assertThatThrownBy(() -> rows.stringValue(1, "x")).isInstanceOf(IllegalStateException.class)
        .hasMessage("table 't': value for column 1 but column 0 was expected");
  }

  @Test
  void rowSink_wrongValueKind_isRefused() {
    RowSink rows = new SinkBatch().rowsFor(T, "a.b.c", 0, 0);
    rows.startRow();

    assertThatThrownBy(() -> rows.stringValue(0, "1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("table 't': column 'id' carries LONG values, not STRING");
  }

  @Test
  void rowSink_endRowBeforeLastColumn_isRefused() {
    RowSink rows = new SinkBatch().rowsFor(T, "a.b.c", 0, 0);
    rows.startRow();
    rows.longValue(0, 1);

    assertThatThrownBy(rows::endRow).isInstanceOf(IllegalStateException.class)
        .hasMessage("table 't': endRow() after 1 of 2 column values");
  }

  @Test
  void tableTarget_validatesIdentifiersIndexesAndKey() {
    Column id = new Column(0, "id", DataType.INTEGER, null);
    assertThatThrownBy(() -> new TableTarget("bad-name", List.of(id), List.of(), null, null))
        .hasMessage("table name 'bad-name' is not allowed; expected ^[a-z_][a-z0-9_]{0,62}$, optionally schema-qualified");
    assertThatThrownBy(() -> new TableTarget("t", List.of(new Column(1, "id", DataType.INTEGER, null)), List.of(), null, null))
        .hasMessage("table 't': column 'id' has index 1 at position 0; expected the columns numbered 0..0 in order");
    assertThatThrownBy(() -> new TableTarget("t", List.of(new Column(0, "Id\"", DataType.INTEGER, null)), List.of(), null,
        null)).hasMessage("table 't': column name 'Id\"' is not allowed; expected ^[a-z_][a-z0-9_]{0,62}$");
    assertThatThrownBy(() -> new TableTarget("t", List.of(id), List.of("other"), null, null))
        .hasMessage("table 't': upsert key column 'other' is not among the mapped columns id");
  }

  @Test
  void options_rejectBadValuesNamingThem_andComputeCappedBackoff() {
    assertThatThrownBy(() -> SinkOptions.builder().maxAttempts(-1).build())
        .hasMessage("maxAttempts was '-1' but it must be 0 (no limit) or more");
    assertThatThrownBy(() -> SinkOptions.builder().initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1))
        .build()).hasMessage("maxBackoff was 'PT1S' but it must be at least initialBackoff (PT2S)");

    SinkOptions options = SinkOptions.builder().initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofMillis(700))
        .maxAttempts(5).build();
    assertThat(List.of(2, 3, 4, 5, 6)).map(options::backoffBefore).map(Duration::toMillis)
        .containsExactly(100L, 200L, 400L, 700L, 700L);
    assertThat(options.allowsAttempt(5)).isTrue();
    assertThat(options.allowsAttempt(6)).isFalse();
    assertThat(SinkOptions.defaults().allowsAttempt(Integer.MAX_VALUE)).isTrue();
  }
}
