package io.loom.sink;

import static io.loom.sink.SinkDatabase.target;
import static io.loom.sink.SinkFixture.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The update and replace paths: the direct COPY tried first and its fallback to staging, the back-off
 * after conflicts, skipped identical rows, in-batch duplicates and concurrency. Which statements
 * reached the table is counted by a statement trigger into sequences, which a rolled-back attempt
 * does not undo (the sink's statements quote the table name, the tests' own do not).
 */
class JdbcSinkUpsertPathsTest {
  @RegisterExtension
  final SinkFixture f = new SinkFixture(
      "CREATE TABLE keyed (id int8 PRIMARY KEY, v text, n int4 NOT NULL, extra text DEFAULT 'dflt')",
      "CREATE SEQUENCE direct_copies",
      "CREATE SEQUENCE staged_inserts",
      "CREATE FUNCTION count_statements() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
          + " IF current_query() LIKE 'COPY \"keyed\"%' THEN PERFORM nextval('direct_copies');"
          + " ELSIF current_query() LIKE 'INSERT INTO \"keyed\"%' THEN PERFORM nextval('staged_inserts'); END IF;"
          + " RETURN NULL; END $$",
      "CREATE TRIGGER count_statements BEFORE INSERT ON keyed FOR EACH STATEMENT EXECUTE FUNCTION count_statements()");

  private static TableTarget keyed(ConflictStrategy strategy) {
    return target("keyed", List.of("id"), strategy, "id", DataType.INTEGER, "v", DataType.STRING, "n", DataType.INTEGER);
  }

  /** How many COPY statements into the table were started (including rolled-back ones). */
  private long directCopies() {
    return sequenceCount("direct_copies");
  }

  /** How many INSERT ... SELECT statements from staging were started. */
  private long stagedInserts() {
    return sequenceCount("staged_inserts");
  }

  private long sequenceCount(String sequence) {
    String[] row = f.db().query("SELECT last_value, is_called FROM " + sequence).get(0).split("\\|");
    return "t".equals(row[1]) ? Long.parseLong(row[0]) : 0;
  }

  /** A batch of messages at offsets {@code firstOffset..}, one row per id, v = prefix + id, n = id. */
  private SinkBatch batch(TableTarget target, long firstOffset, String prefix, long... ids) {
    SinkFixture.Messages messages = f.messages(target).at(0, firstOffset);
    for (long id : ids) {
      messages.add(id, prefix + id, id);
    }
    return messages.batch();
  }

  private WriteResult write(SinkBatch batch) {
    return f.sink().write(batch, SinkFixture.GROUP);
  }

  /** The next offsets stored for the topic. */
  private Map<SourcePartition, Long> storedOffsets() {
    return f.sink().readOffsets(SinkFixture.GROUP, List.of(TOPIC));
  }

  private static long[] range(long from, long to) {
    long[] ids = new long[(int) (to - from)];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = from + i;
    }
    return ids;
  }

  /**
   * Key 50 is stored already and a batch of keys 0..99 ({@code v = "new" + id}) meets it in the middle: the
   * direct COPY is tried once, then the batch goes through staging.
   */
  private WriteResult writeOverStoredKey50(ConflictStrategy strategy) {
    f.db().execute("INSERT INTO keyed VALUES (50, 'old', 0, 'kept')");

    WriteResult result = write(batch(keyed(strategy), 0, "new", range(0, 100)));

    assertThat(result.rowsWritten()).containsExactly(entry("keyed", 100L));
    assertThat(directCopies()).isEqualTo(1);
    assertThat(stagedInserts()).isEqualTo(1);
    return result;
  }

  @ParameterizedTest
  @EnumSource(value = ConflictStrategy.class, names = {"UPDATE", "REPLACE"})
  void newKeys_areCopiedStraightIntoTheTable(ConflictStrategy strategy) {
    WriteResult result = write(batch(keyed(strategy), 0, "v", range(0, 100)));

    assertThat(result.rowsWritten()).containsExactly(entry("keyed", 100L));
    assertThat(directCopies()).isEqualTo(1);
    assertThat(stagedInserts()).isZero();
    assertThat(f.db().count("keyed")).isEqualTo(100);
    assertThat(f.db().query("SELECT * FROM keyed WHERE id IN (0, 99) ORDER BY id"))
        .containsExactly("0|v0|0|dflt", "99|v99|99|dflt");
    assertThat(storedOffsets()).containsExactly(entry(new SourcePartition(TOPIC, 0), 100L));
  }

  @Test
  void update_conflictInTheMiddleOfABatch_fallsBackToStagingAndKeepsUnmappedColumns() {
    WriteResult result = writeOverStoredKey50(ConflictStrategy.UPDATE);

    assertThat(result.rejected()).isEmpty();
    assertThat(f.db().count("keyed")).isEqualTo(100);
    assertThat(f.db().query("SELECT * FROM keyed WHERE id IN (49, 50, 51) ORDER BY id"))
        .containsExactly("49|new49|49|dflt", "50|new50|50|kept", "51|new51|51|dflt");
    assertThat(storedOffsets()).containsExactly(entry(new SourcePartition(TOPIC, 0), 100L));
  }

  @Test
  void replace_conflictInTheMiddleOfABatch_fallsBackToStagingAndResetsUnmappedColumns() {
    writeOverStoredKey50(ConflictStrategy.REPLACE);

    assertThat(f.db().query("SELECT * FROM keyed WHERE id IN (49, 50, 51) ORDER BY id"))
        .containsExactly("49|new49|49|dflt", "50|new50|50|dflt", "51|new51|51|dflt");
  }

  @Test
  void directPath_afterConflicts_backsOffExponentiallyAndComesBackWhenTheyStop() {
    f.db().execute("INSERT INTO keyed SELECT g, 'old', 0 FROM generate_series(0, 9) g");
    TableTarget target = keyed(ConflictStrategy.UPDATE);
    long offset = 0;
    for (int i = 0; i < 10; i++) {
      write(batch(target, offset, "b" + i + "-", range(0, 10)));
      offset += 10;
    }
    // tried at batches 1, 3 and 6 (then paused for 1, 2 and 4 batches); batches 7..10 were paused
    assertThat(directCopies()).isEqualTo(3);
    assertThat(stagedInserts()).isEqualTo(10);
    assertThat(f.db().query("SELECT DISTINCT v FROM keyed WHERE id < 10 ORDER BY v")).hasSize(10)
        .allMatch(v -> v.startsWith("b9-"));

    for (int i = 0; i < 4; i++) {
      write(batch(target, offset, "fresh", range(100 + i * 10, 110 + i * 10)));
      offset += 10;
    }
    // batch 11 tries again, goes through, and ends the pause: every later batch goes straight in
    assertThat(directCopies()).isEqualTo(7);
    assertThat(stagedInserts()).isEqualTo(10);
    assertThat(f.db().count("keyed")).isEqualTo(50);
  }

  @Test
  void directPath_poisonRowFallsBackToStagingWithoutPausingTheDirectPath() {
    TableTarget target = keyed(ConflictStrategy.UPDATE);

    WriteResult result = f.messages(target).add(1L, "a", 1L).add(2L, "poison", null).add(3L, "c", 3L).write();

    assertThat(result.rejected()).extracting(RejectedRow::offset, RejectedRow::sqlState).containsExactly(tuple(1L, "23502"));
    assertThat(result.rowsWritten()).containsExactly(entry("keyed", 2L));
    assertThat(f.rows("keyed", "id, v")).containsExactly("1|a", "3|c");
    long copies = directCopies();

    write(batch(target, 3, "next", 10L, 11L));

    assertThat(directCopies()).isEqualTo(copies + 1);
    assertThat(f.db().count("keyed")).isEqualTo(4);
  }

  @ParameterizedTest
  @EnumSource(value = ConflictStrategy.class, names = {"UPDATE", "REPLACE"})
  void conflictAndPoisonRowInOneBatch_stagingIsolatesThePoisonRow(ConflictStrategy strategy) {
    f.db().execute("INSERT INTO keyed VALUES (50, 'old', 0, 'kept')");
    SinkFixture.Messages messages = f.messages(keyed(strategy));
    for (long i = 0; i < 100; i++) {
      messages.add(i, "new" + i, i == 51 ? null : i);
    }

    WriteResult result = messages.write();

    assertThat(result.rejected()).extracting(RejectedRow::offset, RejectedRow::sqlState).containsExactly(tuple(51L, "23502"));
    assertThat(result.rowsWritten()).containsExactly(entry("keyed", 99L));
    assertThat(f.db().count("keyed")).isEqualTo(99);
    assertThat(f.db().query("SELECT v, n FROM keyed WHERE id = 50")).containsExactly("new50|50");
    assertThat(storedOffsets()).containsExactly(entry(new SourcePartition(TOPIC, 0), 100L));
  }

  @Test
  void update_identicalRows_areSkippedAndNotCounted() {
    TableTarget target = keyed(ConflictStrategy.UPDATE);
    write(batch(target, 0, "v", 1L, 2L, 3L));
    List<String> versions = f.db().query("SELECT id, xmin FROM keyed ORDER BY id");

    WriteResult result = f.messages(target).at(0, 3).add(1L, "v1", 1L).add(2L, "v2", 2L).add(3L, "changed", 3L)
        .add(4L, "v4", 4L).write();

    assertThat(result.rowsWritten()).containsExactly(entry("keyed", 2L));
    List<String> after = f.db().query("SELECT id, xmin FROM keyed ORDER BY id");
    assertThat(after.subList(0, 2)).as("identical rows keep their tuple version").isEqualTo(versions.subList(0, 2));
    assertThat(after.get(2)).isNotEqualTo(versions.get(2));
    assertThat(f.rows("keyed", "id, v, n")).containsExactly("1|v1|1", "2|v2|2", "3|changed|3", "4|v4|4");
    assertThat(storedOffsets()).containsExactly(entry(new SourcePartition(TOPIC, 0), 7L));
  }

  @Test
  void update_nullAgainstNull_isIdentical_nullAgainstValue_isNot() {
    TableTarget target = keyed(ConflictStrategy.UPDATE);
    f.messages(target).add(1L, null, 1L).add(2L, null, 2L).write();

    WriteResult result = f.messages(target).at(0, 2).add(1L, null, 1L).add(2L, "now set", 2L).write();

    assertThat(result.rowsWritten()).containsExactly(entry("keyed", 1L));
    assertThat(f.rows("keyed", "id, v")).containsExactly("1|null", "2|now set");
  }

  @Test
  void update_valuesEqualButNotIdentical_areStillWritten() {
    f.db().execute("CREATE TABLE measures (id int8 PRIMARY KEY, amount numeric, doc json)");
    TableTarget target = target("measures", List.of("id"), ConflictStrategy.UPDATE, "id", DataType.INTEGER,
        "amount", DataType.FLOAT, "doc", DataType.JSON);
    f.db().execute("INSERT INTO measures VALUES (1, 1.50, '{\"a\": 1}'), (2, 2.5, '{\"a\":2}')");

    WriteResult result = f.messages(target).add(1L, 1.5, new SinkDatabase.Json("{\"a\": 1}"))
        .add(2L, 2.5, new SinkDatabase.Json("{\"a\":2}")).write();

    // 1.50 and 1.5 are equal numbers but not the same value: the update stores the new one; row 2 is identical
    assertThat(result.rowsWritten()).containsExactly(entry("measures", 1L));
    assertThat(f.db().query("SELECT id, amount, doc FROM measures ORDER BY id"))
        .containsExactly("1|1.5|{\"a\": 1}", "2|2.5|{\"a\":2}");
  }

  @Test
  void replace_withUnmappedColumns_rewritesIdenticalRowsSoThatDefaultsApply() {
    write(batch(keyed(ConflictStrategy.REPLACE), 0, "v", 1L, 2L));
    f.db().execute("UPDATE keyed SET extra = 'set elsewhere' WHERE id = 1");

    WriteResult result = write(batch(keyed(ConflictStrategy.REPLACE), 2, "v", 1L, 2L));

    assertThat(result.rowsWritten()).containsExactly(entry("keyed", 2L));
    assertThat(f.rows("keyed")).containsExactly("1|v1|1|dflt", "2|v2|2|dflt");
  }

  @Test
  void replace_everyColumnMapped_skipsIdenticalRows() {
    f.db().execute("CREATE TABLE full_row (id int8 PRIMARY KEY, v text, n int4)");
    TableTarget target = target("full_row", List.of("id"), ConflictStrategy.REPLACE, "id", DataType.INTEGER,
        "v", DataType.STRING, "n", DataType.INTEGER);
    f.messages(target).add(1L, "a", 1L).add(2L, "b", 2L).write();

    WriteResult result = f.messages(target).at(0, 2).add(1L, "a", 1L).add(2L, "b", null).write();

    assertThat(result.rowsWritten()).containsExactly(entry("full_row", 1L));
    assertThat(f.rows("full_row")).containsExactly("1|a|1", "2|b|null");
  }

  @ParameterizedTest
  @EnumSource(value = ConflictStrategy.class, names = {"UPDATE", "REPLACE"})
  void duplicatesInBatch_onTheDirectPath_lastOffsetWins(ConflictStrategy strategy) {
    WriteResult result = f.messages(keyed(strategy)).add(1L, "first", 1L).at(1, 0).add(2L, "only", 2L)
        .at(0, 1).add(1L, "second", 2L).add(1L, "third", 3L).write();

    assertThat(result.rowsWritten()).containsExactly(entry("keyed", 2L));
    assertThat(directCopies()).isEqualTo(1);
    assertThat(stagedInserts()).isZero();
    assertThat(f.rows("keyed", "id, v, n")).containsExactly("1|third|3", "2|only|2");
  }

  @Test
  void update_manyRowsInAnyOrder_landInKeyOrderWithTheirOwnValues() {
    f.db().execute("INSERT INTO keyed SELECT g, 'old', 0 FROM generate_series(0, 999, 3) g");
    // the order in which the committed statements handed rows to the table (rolled-back attempts leave none)
    f.db().execute("CREATE TABLE arrivals (seq bigserial, id int8)");
    f.db().execute("CREATE FUNCTION log_arrival() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " INSERT INTO arrivals (id) VALUES (NEW.id); RETURN NEW; END $$");
    f.db().execute("CREATE TRIGGER log_arrival BEFORE INSERT ON keyed FOR EACH ROW EXECUTE FUNCTION log_arrival()");
    SinkFixture.Messages messages = f.messages(keyed(ConflictStrategy.UPDATE));
    for (long i = 0; i < 1000; i++) {
      long id = (i * 7919) % 1000;
      // offset 10 (key 190) is refused by PostgreSQL (n is NOT NULL): the reordered round must still name it
      messages.add(id, "new" + id, i == 10 ? null : id);
    }

    WriteResult result = messages.write();

    assertThat(result.rejected()).extracting(RejectedRow::offset, RejectedRow::sqlState).containsExactly(tuple(10L, "23502"));
    assertThat(result.rowsWritten()).containsExactly(entry("keyed", 999L));
    assertThat(f.db().query("SELECT count(*) FROM keyed WHERE v = 'new' || id AND n = id")).containsExactly("999");
    assertThat(f.db().query("SELECT id FROM arrivals ORDER BY seq")).containsExactlyElementsOf(
        LongStream.range(0, 1000).filter(id -> id != 190).mapToObj(Long::toString).toList());
  }

  @Test
  void update_keyInsertedConcurrently_waitsForItThenUpdatesIt() throws Exception {
    SinkDatabase db = f.db();
    try (Connection other = DriverManager.getConnection(db.postgres.jdbcUrl("sink_tests") + "&currentSchema=" + db.schema);
        Statement st = other.createStatement()) {
      other.setAutoCommit(false);
      st.execute("INSERT INTO keyed VALUES (5, 'other writer', 0, 'theirs')");

      CompletableFuture<WriteResult> write = CompletableFuture.supplyAsync(
          () -> write(batch(keyed(ConflictStrategy.UPDATE), 0, "sink", range(0, 10))));
      await().atMost(Duration.ofSeconds(10)).until(() -> !db.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type"
          + " = 'Lock' AND query ILIKE 'COPY%keyed%'").isEmpty());
      other.commit();

      WriteResult result = write.get(10, TimeUnit.SECONDS);
      assertThat(result.rowsWritten()).containsExactly(entry("keyed", 10L));
    }
    assertThat(directCopies()).isEqualTo(1);
    assertThat(stagedInserts()).isEqualTo(1);
    assertThat(db.query("SELECT * FROM keyed WHERE id BETWEEN 4 AND 6 ORDER BY id"))
        .containsExactly("4|sink4|4|dflt", "5|sink5|5|theirs", "6|sink6|6|dflt");
  }
}
