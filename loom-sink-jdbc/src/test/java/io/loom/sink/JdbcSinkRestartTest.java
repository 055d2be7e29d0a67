package io.loom.sink;

import static io.loom.sink.SinkDatabase.message;
import static io.loom.sink.SinkDatabase.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Infrastructure failures: the shared PostgreSQL is restarted or stopped under running writes. */
class JdbcSinkRestartTest {
  private static final String TOPIC = "device.sensor.restart.raw";

  private static final TableTarget APPEND =
      target("a", List.of(), ConflictStrategy.IGNORE, "id", DataType.INTEGER, "v", DataType.STRING);
  private static final TableTarget KEYED =
      target("k", List.of("id"), ConflictStrategy.UPDATE, "id", DataType.INTEGER, "v", DataType.STRING);

  @RegisterExtension
  final SinkFixture f = new SinkFixture("CREATE TABLE a (id int8, v text CHECK (v <> 'bad'))",
      "CREATE TABLE k (id int8 PRIMARY KEY, v text)");

  /** A test that stopped the database leaves it running for the next one (this runs before the fixture closes). */
  @AfterEach
  void startDatabase() {
    f.db().postgres.start();
  }

  private SinkBatch batch(long from, long to) {
    SinkBatch batch = f.sink().newBatch();
    for (long i = from; i < to; i++) {
      message(batch, APPEND, TOPIC, 0, i, i, i == from + 3 ? "bad" : "v" + i);
      message(batch, KEYED, TOPIC, 1, i, i % 50, "v" + i);
    }
    return batch;
  }

  @Test
  void restartBeforeCommit_writeIsRetriedAndStoredExactlyOnce() {
    AtomicInteger handlerCalls = new AtomicInteger();
    SinkBatch batch = batch(0, 1000);

    WriteResult result = f.sink().write(batch, "g", rejected -> {
      if (handlerCalls.incrementAndGet() == 1) {
        f.db().postgres.restart();
      }
    });

    assertThat(handlerCalls.get()).isEqualTo(2);
    // each pooled connection the restart broke costs one attempt before a fresh one is opened
    assertThat(result.attempts()).isBetween(2, 3);
    assertThat(result.rejected()).extracting(RejectedRow::offset).containsExactly(3L);
    assertThat(f.db().count("a")).isEqualTo(999);
    assertThat(f.db().query("SELECT count(DISTINCT id) FROM a")).containsExactly("999");
    assertThat(f.db().query("SELECT count(*), min(v), max(v) FROM k")).containsExactly("50|v950|v999");
    assertThat(f.sink().readOffsets("g", List.of(TOPIC))).containsExactly(
        org.assertj.core.api.Assertions.entry(new SourcePartition(TOPIC, 0), 1000L),
        org.assertj.core.api.Assertions.entry(new SourcePartition(TOPIC, 1), 1000L));

    WriteResult next = f.sink().write(batch(1000, 1010), "g");
    assertThat(next.attempts()).isEqualTo(1);
    assertThat(f.db().count("a")).isEqualTo(1008);
  }

  @Test
  void databaseDownWhileWriting_writeWaitsAndSucceedsWhenItIsBack() throws Exception {
    f.sink().write(batch(0, 10), "g");
    f.db().postgres.stop();

    CompletableFuture<WriteResult> write = CompletableFuture.supplyAsync(() -> f.sink().write(batch(10, 20), "g"));
    org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
        .until(() -> !write.isDone());
    f.db().postgres.start();

    WriteResult result = write.get(60, TimeUnit.SECONDS);
    assertThat(result.attempts()).isGreaterThan(1);
    assertThat(f.db().count("a")).isEqualTo(18);
    assertThat(f.sink().readOffsets("g", List.of(TOPIC))).containsEntry(new SourcePartition(TOPIC, 0), 20L);
  }

  @Test
  void boundedAttempts_giveUpWithRetriesExhausted_andNothingIsStored() {
    JdbcSink bounded = new JdbcSink(f.db().pool, SinkDatabase.fastRetries().toBuilder().maxAttempts(2).build());
    f.db().postgres.stop();
    try {
      assertThatThrownBy(() -> bounded.write(batch(0, 10), "g")).isInstanceOfSatisfying(SinkException.class, e -> {
        assertThat(e.reason()).isEqualTo(SinkException.Reason.RETRIES_EXHAUSTED);
        assertThat(e.getMessage()).contains("failed after 2 attempts: ");
      });
    } finally {
      f.db().postgres.start();
      bounded.close();
    }
    assertThat(f.db().count("a")).isZero();
  }

  @Test
  void close_makesARetryingWriteGiveUp() {
    f.db().postgres.stop();
    CompletableFuture<WriteResult> write = CompletableFuture.supplyAsync(() -> f.sink().write(batch(0, 10), "g"));
    org.awaitility.Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
        .until(() -> !write.isDone());

    f.sink().close();

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(write::isDone);
    assertThatThrownBy(write::join).hasCauseInstanceOf(SinkException.class)
        .cause().satisfies(e -> assertThat(((SinkException) e).reason()).isEqualTo(SinkException.Reason.CLOSED));
  }

  @Test
  void poolConnections_areUsableAfterFailedCopies() {
    for (int round = 0; round < 5; round++) {
      f.sink().write(batch(round * 10L, round * 10L + 10), "g");
    }
    assertThat(f.db().query("SELECT count(*) FROM a")).containsExactly("45");
    assertThat(f.db().pool.getHikariPoolMXBean().getTotalConnections()).isLessThanOrEqualTo(2);
    assertThat(f.db().query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND query ILIKE 'COPY%' AND state <> 'idle'")).containsExactly("0");
  }
}
