package io.loom.sink;

import static io.loom.sink.SinkDatabase.row;
import static io.loom.sink.SinkDatabase.target;
import static io.loom.sink.SinkFixture.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.RowSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcSinkRejectsTest {
  @RegisterExtension
  final SinkFixture f = new SinkFixture("CREATE TABLE t (id int8 PRIMARY KEY, v text NOT NULL, n int4 CHECK (n >= 0))",
      "CREATE TABLE a (id int8, v text NOT NULL, n int4 CHECK (n >= 0))");

  enum Path {
    APPEND("a", List.of(), ConflictStrategy.IGNORE),
    IGNORE("t", List.of("id"), ConflictStrategy.IGNORE),
    UPDATE("t", List.of("id"), ConflictStrategy.UPDATE),
    REPLACE("t", List.of("id"), ConflictStrategy.REPLACE);

    final String table;
    final List<String> key;
    final ConflictStrategy strategy;

    Path(String table, List<String> key, ConflictStrategy strategy) {
      this.table = table;
      this.key = key;
      this.strategy = strategy;
    }

    TableTarget target() {
      return SinkDatabase.target(table, key, strategy, "id", DataType.INTEGER, "v", DataType.STRING, "n", DataType.INTEGER);
    }
  }

  /** 100 messages at offsets 0..99; the ones in {@code poison} violate NOT NULL (even) or the CHECK (odd). */
  private SinkBatch batchWithPoison(TableTarget target, long... poison) {
    SinkFixture.Messages messages = f.messages(target);
    for (long i = 0; i < 100; i++) {
      final long id = i;
      boolean bad = LongStream.of(poison).anyMatch(p -> p == id);
      if (bad && i % 2 == 0) {
        messages.add(i, null, i);
      } else if (bad) {
        messages.add(i, "v" + i, -1L);
      } else {
        messages.add(i, "v" + i, i);
      }
    }
    return messages.batch();
  }

  private void assertEverythingElseWritten(Path path, long... poison) {
    List<String> expected = new ArrayList<>();
    for (long i = 0; i < 100; i++) {
      final long id = i;
      if (LongStream.of(poison).noneMatch(p -> p == id)) {
        expected.add(i + "|v" + i + "|" + i);
      }
    }
    assertThat(f.rows(path.table, "id, v, n")).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void poisonRow_first_isRejectedAndTheRestWritten(Path path) {
    WriteResult result = f.sink().write(batchWithPoison(path.target(), 0), "g");

    assertThat(result.rejected()).extracting(RejectedRow::offset, RejectedRow::sqlState).containsExactly(
        tuple(0L, "23502"));
    assertThat(result.rejected().get(0).message())
        .startsWith("null value in column \"v\" of relation \"" + path.table + "\" violates not-null constraint");
    assertThat(result.rowsWritten()).containsEntry(path.table, 99L);
    assertThat(result.offsets()).containsEntry(new SourcePartition(TOPIC, 0), 100L);
    assertEverythingElseWritten(path, 0);
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void poisonRow_middle_isRejectedAndTheRestWritten(Path path) {
    WriteResult result = f.sink().write(batchWithPoison(path.target(), 51), "g");

    assertThat(result.rejected()).singleElement().satisfies(r -> {
      assertThat(r.offset()).isEqualTo(51);
      assertThat(r.topic()).isEqualTo(TOPIC);
      assertThat(r.partition()).isZero();
      assertThat(r.table()).isEqualTo(path.table);
      assertThat(r.sqlState()).isEqualTo("23514");
      assertThat(r.message()).startsWith("new row for relation \"" + path.table + "\" violates check constraint");
    });
    assertEverythingElseWritten(path, 51);
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void poisonRow_last_isRejectedAndTheRestWritten(Path path) {
    WriteResult result = f.sink().write(batchWithPoison(path.target(), 99), "g");

    assertThat(result.rejected()).extracting(RejectedRow::offset).containsExactly(99L);
    assertEverythingElseWritten(path, 99);
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void poisonRows_several_areAllRejectedAndTheRestWritten(Path path) {
    long[] poison = {0, 1, 2, 17, 40, 41, 77, 98, 99};
    WriteResult result = f.sink().write(batchWithPoison(path.target(), poison), "g");

    assertThat(result.rejected()).extracting(RejectedRow::offset).containsExactly(0L, 1L, 2L, 17L, 40L, 41L, 77L, 98L, 99L);
    assertThat(result.rejected()).extracting(RejectedRow::sqlState)
        .containsExactly("23502", "23514", "23502", "23514", "23502", "23514", "23514", "23502", "23514");
    assertThat(result.rowsWritten()).containsEntry(path.table, 91L);
    assertEverythingElseWritten(path, poison);
  }

  @Test
  void valueThatDoesNotFitItsColumn_isRejectedBeforePostgresSeesIt() {
    WriteResult result = f.messages(Path.APPEND.target()).at(3, 10).add(1L, "ok", 1L).add(2L, "too big", 1L << 40)
        .add(3L, "nul\u0000inside", 1L).write();

    assertThat(result.rejected()).containsExactly(
        new RejectedRow(TOPIC, 3, 11, "a", "22003", "column \"n\": value 1099511627776 is out of range for type integer"),
        new RejectedRow(TOPIC, 3, 12, "a", "22021", "column \"v\": invalid byte sequence for encoding \"UTF8\": 0x00"
            + " (text contains a NUL character, which type text cannot store)"));
    assertThat(f.rows("a", "id, v, n")).containsExactly("1|ok|1");
  }

  @Test
  void messageWithSeveralRows_isRejectedWhole() {
    TableTarget t = Path.APPEND.target();
    SinkFixture.Messages messages = f.messages(t);
    RowSink rows = messages.batch().rowsFor(t, TOPIC, 0, 0);
    row(rows, 1L, "a", 1L);
    row(rows, 2L, "b", -5L);
    row(rows, 3L, "c", 1L);

    WriteResult result = messages.at(0, 1).add(4L, "d", 4L).write();

    assertThat(result.rejected()).extracting(RejectedRow::offset).containsExactly(0L);
    assertThat(f.rows("a", "id")).containsExactly("4");
  }

  @Test
  void rejectedWinnerOfADuplicateKey_letsTheRowItDisplacedBeWritten() {
    WriteResult result = f.messages(Path.UPDATE.target()).add(1L, "good", 1L).add(1L, "bad", -1L).write();

    assertThat(result.rejected()).extracting(RejectedRow::offset).containsExactly(1L);
    assertThat(f.rows("t", "id, v, n")).containsExactly("1|good|1");
  }

  @Test
  void rejectHandler_isCalledInsideTheTransactionBeforeCommit() {
    List<String> seen = new ArrayList<>();
    SinkBatch batch = batchWithPoison(Path.APPEND.target(), 5);

    f.sink().write(batch, "g", rejected -> {
      seen.add(rejected.toString());
      seen.add("rows visible outside: " + f.db().count("a"));
    });

    assertThat(seen).containsExactly("[" + TOPIC + "[0]@5 a: 23514 new row for relation \"a\" violates check constraint"
        + " \"a_n_check\" (Failing row contains (5, v5, -1).)]", "rows visible outside: 0");
    assertThat(f.db().count("a")).isEqualTo(99);
  }

  @Test
  void rejectHandler_failing_rollsEverythingBack() {
    SinkBatch batch = batchWithPoison(Path.IGNORE.target(), 5);
    long bytes = batch.byteSize();

    assertThatThrownBy(() -> f.sink().write(batch, "g", rejected -> {
      throw new IllegalStateException("broker down");
    })).isInstanceOfSatisfying(SinkException.class, e -> {
      assertThat(e.reason()).isEqualTo(SinkException.Reason.REJECT_HANDLER_FAILED);
      assertThat(e.getMessage()).isEqualTo("the reject handler failed for 1 rejected message(s) (first: " + TOPIC
          + "[0]@5 t: 23514 new row for relation \"t\" violates check constraint \"t_n_check\" (Failing row contains"
          + " (5, v5, -1).)); the write was rolled back");
      assertThat(e.getCause()).hasMessage("broker down");
    });
    assertThat(f.db().count("t")).isZero();
    assertThat(f.sink().readOffsets("g", List.of(TOPIC))).isEmpty();

    WriteResult again = f.sink().write(batch, "g");
    assertThat(again.rejected()).extracting(RejectedRow::offset).containsExactly(5L);
    assertThat(f.db().count("t")).isEqualTo(99);
    assertThat(batch.rowCount()).as("the rejected row stays in the batch").isEqualTo(100);
    assertThat(batch.byteSize()).isEqualTo(bytes);
  }

  @Test
  void failedWrite_leavesNoConnectionInCopyState() {
    f.db().execute("CREATE TABLE b (id int8, d date)");
    // A date PostgreSQL refuses in the middle of the binary stream (year 300000), then a plain query.
    TableTarget t = target("b", List.of(), ConflictStrategy.IGNORE, "id", DataType.INTEGER, "d", DataType.TIMESTAMP);

    WriteResult result = f.messages(t).add(1L, Instant.parse("2026-01-01T00:00:00Z"))
        .add(2L, Instant.ofEpochSecond(9_400_000_000_000L)).add(3L, Instant.parse("2026-01-03T00:00:00Z")).write();

    assertThat(result.rejected()).extracting(RejectedRow::offset, RejectedRow::sqlState).containsExactly(tuple(1L, "22008"));
    for (int i = 0; i < 4; i++) {
      assertThat(f.db().query("SELECT id, d FROM b ORDER BY id")).containsExactly("1|2026-01-01", "3|2026-01-03");
    }
  }
}
