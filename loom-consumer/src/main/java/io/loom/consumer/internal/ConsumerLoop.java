package io.loom.consumer.internal;

import io.loom.consumer.admin.PartitionView;
import io.loom.consumer.admin.RunState;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingError;
import io.loom.mapping.RowSink;
import io.loom.sink.JdbcSink;
import io.loom.sink.RejectedRow;
import io.loom.sink.SinkBatch;
import io.loom.sink.SinkException;
import io.loom.sink.SourcePartition;
import io.loom.sink.WriteResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop: the one thread that owns the {@link Consumer}. It polls and maps each message into
 * the batch of the partition's <em>lane</em>, with the route looked up once per partition and poll.
 * When a lane's batch is full or has lingered long enough, it is handed to the lane's writer thread —
 * rows, offsets and dead letters of that lane's partitions in one database transaction — while the
 * loop goes on polling and mapping into a fresh batch. The outcome of a lane's write is applied on the
 * loop's thread (stored positions; an advisory {@code commitAsync} to Kafka at most once a second, for
 * lag tools) before that lane's next
 * batch is handed over; the lanes do not wait for each other.
 *
 * <p>Design note. Each assigned partition belongs to one lane for as long as it is assigned, and a lane
 * writes one batch at a time, in order; so every partition's messages are stored in offset order, one
 * transaction per batch, and the offsets stored with the rows stay the one source of positions (read on
 * assignment, after an offset conflict, and after a batch is dropped). A lane holds at most two
 * batches: the one being written and the one being filled. A write that fails keeps its batch, drops
 * the lane's batch being filled (its partitions are sought back to their first offsets, so those
 * messages are read again, never buffered) and pauses every partition; the loop keeps polling (so the
 * member stays in the group) and retries the kept batches with backoff. When dead letters cannot be published, that
 * batch is dropped and read again, and only the partitions whose dead-letter topic failed stop for a
 * backoff, so one unwritable topic does not hold up the others. Revocation, configuration swaps and
 * shutdown first wait for the write in flight and write what is being filled (if that fails the batches
 * are dropped and read again by whoever owns the partitions next); loss drops. A {@link SinkException}
 * with reason {@code OFFSET_CONFLICT} means another member stored the messages: the batch is dropped and
 * the partitions repositioned from the database. Nothing is committed anywhere before the database
 * transaction commits, so a crash at any point loses nothing and duplicates nothing.
 */
public final class ConsumerLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final long VIEW_INTERVAL_MILLIS = 500;
  private static final long SUMMARY_INTERVAL_MILLIS = 60_000;
  /** How long a poll waits at most while a write is in flight, so that its outcome is applied promptly. */
  private static final long IN_FLIGHT_POLL_MILLIS = 20;
  private static final int RECORD_OVERHEAD_BYTES = 96;
  /** Advisory Kafka commits (for lag tools; positions come from the database) go out at most this often. */
  private static final long ADVISORY_COMMIT_INTERVAL_MILLIS = 1000;
  private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(10);
  private static final AtomicInteger LOOPS = new AtomicInteger();

  /**
   * The loop's fixed settings.
   *
   * @param groupId the consumer group, also the key of the stored offsets
   * @param maxBatchRows a lane's batch is written once it holds this many rows
   * @param maxBatchBytes the batches are written once the encoded rows plus the raw messages of all
   *     batches held (being filled or being written, all lanes) reach this size
   * @param linger how long a partly filled batch waits for more messages
   * @param pollTimeout how long one poll waits for messages
   * @param backoff waits between retries of a failed write or offset read
   * @param autoOffsetReset where a partition without a stored offset starts: {@code earliest} or {@code
   *     latest} (sought explicitly), anything else is left to the consumer (its committed offset, else
   *     its {@code auto.offset.reset})
   * @param clock time source for linger, backoff and status
   * @param writers how many lanes write in parallel, each through its own database connection
   */
  public record Settings(
      String groupId, int maxBatchRows, long maxBatchBytes, Duration linger, Duration pollTimeout, Backoff backoff,
      String autoOffsetReset, Clock clock, int writers) {
    public Settings {
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(autoOffsetReset, "autoOffsetReset");
      Objects.requireNonNull(linger, "linger");
      Objects.requireNonNull(pollTimeout, "pollTimeout");
      Objects.requireNonNull(backoff, "backoff");
      Objects.requireNonNull(clock, "clock");
      if (writers < 1) {
        throw new IllegalArgumentException("writers was " + writers + " but it must be at least 1");
      }
    }
  }

  /** DONE: stored (or nothing to store); DROPPED: a batch was dropped and its partitions repositioned; FAILED: kept for a retry. */
  private enum Outcome { DONE, DROPPED, FAILED }

  private record Swap(ActiveConfig config, CompletableFuture<ActiveConfig> done) {}

  /** Per assigned partition; read by the lag gauge from other threads. */
  private static final class PartitionState implements EngineMetrics.LagSource {
    final Lane lane;
    Long position;
    Long stored;
    Long rewindTo;
    boolean awaitingPosition = true;
    boolean unmapped;
    long blockedUntil;
    int blockFailures;
    volatile double lag = Double.NaN;

    PartitionState(Lane lane) {
      this.lane = lane;
    }

    @Override
    public double lag() {
      return lag;
    }
  }

  /** The messages of one partition in a batch, in offset order. */
  private static final class PartitionBatch {
    final long firstOffset;
    final ArrayList<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    PartitionBatch(long firstOffset) {
      this.firstOffset = firstOffset;
    }

    ConsumerRecord<byte[], byte[]> find(long offset) {
      int lo = 0;
      int hi = records.size() - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        long at = records.get(mid).offset();
        if (at < offset) {
          lo = mid + 1;
        } else if (at > offset) {
          hi = mid - 1;
        } else {
          return records.get(mid);
        }
      }
      return null;
    }
  }

  /** One lane's batch: what one database transaction stores. */
  private static final class Batch {
    final SinkBatch rows;
    final LinkedHashMap<TopicPartition, PartitionBatch> partitions = new LinkedHashMap<>();
    final List<DeadLetter> mappingDeadLetters = new ArrayList<>();
    boolean mappingDeadLettersPublished;
    long rawBytes;
    /** Encoded rows plus raw messages, fixed when the batch is handed to its writer. */
    long writtenBytes;

    Batch(SinkBatch rows) {
      this.rows = rows;
    }

    boolean isEmpty() {
      return rows.isEmpty();
    }

    void clear() {
      rows.clear();
      partitions.clear();
      mappingDeadLetters.clear();
      mappingDeadLettersPublished = false;
      rawBytes = 0;
      writtenBytes = 0;
    }
  }

  /**
   * A share of the partitions with its own writer: the batch being filled, the batch being written
   * (or kept after a failed write until it is retried) and an empty one to fill next.
   */
  private static final class Lane {
    final int index;
    Batch filling;
    Batch writing;
    Batch spare;
    /** The write of {@link #writing}, while it runs. */
    Future<Attempt> inFlight;
    /** When the first message entered {@link #filling}; -1 while it is empty. */
    long startedAt = -1;
    int partitionCount;

    Lane(int index, JdbcSink sink) {
      this.index = index;
      this.filling = new Batch(sink.newBatch());
      this.spare = new Batch(sink.newBatch());
    }
  }

  /** What one lane's write came to, measured on its writer thread. */
  private record Attempt(
      Lane lane, Batch batch, WriteResult result, RuntimeException error, List<DeadLetter> attempted,
      List<DeadLetter> rejected, int mappingLettersPublished, long nanos) {}

  private final Settings settings;
  private final Supplier<Consumer<byte[], byte[]>> consumerFactory;
  private final JdbcSink sink;
  private final DeadLetterPublisher deadLetters;
  private final EngineMetrics metrics;
  private final EngineState state;
  private final Clock clock;
  private final AtomicReference<Swap> pendingSwap = new AtomicReference<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Object idle = new Object();
  private final ExecutorService writerThreads;
  private volatile boolean crashed;
  private volatile Consumer<byte[], byte[]> consumer;

  // Owned by the loop thread.
  private ActiveConfig config;
  private Set<String> subscribed = Set.of();
  private final Listener listener = new Listener();
  private final Lane[] lanes;
  /** Partitions a failed write sought back itself (or left awaiting a position) during the current poll's processing. */
  private final Set<TopicPartition> repositioned = new HashSet<>();
  /** Failed writes settled but not yet counted: one retry round counts once. */
  private final List<String> unsettledFailures = new ArrayList<>();
  private RuntimeException unsettledError;
  private boolean retrying;
  private int writeFailures;
  private long nextWriteAttemptAt;
  private int positionFailures;
  private long nextPositionAttemptAt;
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  /** Stored offsets not yet committed to Kafka. */
  private final Map<TopicPartition, OffsetAndMetadata> advisory = new HashMap<>();
  private long lastAdvisoryAt;
  private final KafkaSourceRecord view = new KafkaSourceRecord();
  private long lastViewAt;
  private long lastSummaryAt;
  private long rowsSinceSummary;
  private long messagesSinceSummary;
  private long deadLettersSinceSummary;

  /** @param consumerFactory creates the consumer, on the loop's thread */
  public ConsumerLoop(
      Settings settings,
      Supplier<Consumer<byte[], byte[]>> consumerFactory,
      JdbcSink sink,
      DeadLetterPublisher deadLetters,
      EngineMetrics metrics,
      EngineState state,
      ActiveConfig initial) {
    this.settings = settings;
    this.consumerFactory = consumerFactory;
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.state = state;
    this.clock = settings.clock();
    this.config = Objects.requireNonNull(initial, "initial");
    this.lanes = new Lane[settings.writers()];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = new Lane(i, sink);
    }
    String prefix = "loom-writer-" + settings.groupId() + "-" + LOOPS.incrementAndGet() + "-";
    AtomicInteger threads = new AtomicInteger();
    this.writerThreads = Executors.newFixedThreadPool(lanes.length, r -> {
      Thread t = new Thread(r, prefix + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    state.applied(initial);
  }

  // ---------------------------------------------------------------------------------------------
  // Requests from other threads

  /**
   * Asks the loop to switch to {@code next} at the next batch boundary. The future completes with the
   * configuration once it is in force, or exceptionally if the loop stops first. A request not yet
   * applied is superseded by a later one (its future completes with the later configuration).
   */
  public CompletableFuture<ActiveConfig> requestSwap(ActiveConfig next) {
    CompletableFuture<ActiveConfig> done = new CompletableFuture<>();
    Swap previous = pendingSwap.getAndSet(new Swap(next, done));
    if (previous != null) {
      done.whenComplete((c, e) -> {
        if (e == null) {
          previous.done().complete(c);
        } else {
          previous.done().completeExceptionally(e);
        }
      });
    }
    if (!running.get()) {
      failPendingSwap(new LoomException("the consumer is stopped; the configuration was not applied"));
    }
    wake(false);
    return done;
  }

  /** Asks the loop to finish its batches, close the consumer and end. Returns at once. */
  public void stop() {
    running.set(false);
    wake(true);
  }

  /**
   * Ends the loop as a crash would: the batches being filled are abandoned unwritten and nothing is
   * committed or flushed (a write already in flight ends as it ends), the consumer is closed without
   * running the rebalance listener. Returns at once.
   */
  public void crash() {
    crashed = true;
    running.set(false);
    wake(true);
  }

  public boolean isRunning() {
    return running.get();
  }

  private void wake(boolean interruptPoll) {
    synchronized (idle) {
      idle.notifyAll();
    }
    Consumer<byte[], byte[]> c = consumer;
    if (interruptPoll && c != null) {
      c.wakeup();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The loop

  @Override
  public void run() {
    Throwable failure = null;
    try {
      consumer = consumerFactory.get();
      state.runState(RunState.RUNNING);
      LOG.info("consumer group {} starting with configuration {} ({} topics), {} writer(s)", settings.groupId(),
          config.fingerprint(), config.topics().size(), lanes.length);
      resubscribe();
      lastSummaryAt = clock.millis();
      while (running.get() && !crashed) {
        iterate();
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      shutdown(failure);
    }
  }

  private void iterate() {
    state.loopTick();
    Swap swap = pendingSwap.getAndSet(null);
    if (swap != null) {
      applySwap(swap);
    }
    for (Lane lane : lanes) {
      if (lane.inFlight != null && lane.inFlight.isDone()) {
        settle(lane);
        afterSettling();
      }
    }
    long now = clock.millis();
    releaseStopped(now);
    if (retrying && now >= nextWriteAttemptAt) {
      retryKept();
    }
    if ((positionFailures == 0 || now >= nextPositionAttemptAt) && awaitingPositions()) {
      resolvePositions();
    }
    if (subscribed.isEmpty()) {
      settleAll();
      waitIdle(settings.pollTimeout().toMillis());
      publishViews(false);
      return;
    }
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(Duration.ofMillis(pollWaitMillis()));
    } catch (WakeupException e) {
      return;
    }
    if (crashed) {
      return;
    }
    if (!records.isEmpty()) {
      process(records);
    }
    flushLingering();
    commitAdvisory(false);
    publishViews(false);
    logSummary();
  }

  private long pollWaitMillis() {
    long now = clock.millis();
    long wait = settings.pollTimeout().toMillis();
    for (Lane lane : lanes) {
      if (lane.inFlight != null) {
        // a batch lingering behind this write is handed over once the write is done (flushLingering)
        wait = Math.min(wait, IN_FLIGHT_POLL_MILLIS);
      } else if (!retrying && lane.startedAt >= 0) {
        wait = Math.min(wait, Math.max(0, lane.startedAt + settings.linger().toMillis() - now));
      }
    }
    if (retrying) {
      wait = Math.min(wait, Math.max(0, nextWriteAttemptAt - now));
    }
    if (positionFailures > 0) {
      wait = Math.min(wait, Math.max(0, nextPositionAttemptAt - now));
    }
    for (PartitionState ps : partitions.values()) {
      if (ps.blockedUntil > 0) {
        wait = Math.min(wait, Math.max(0, ps.blockedUntil - now));
      }
    }
    return wait;
  }

  private void waitIdle(long millis) {
    synchronized (idle) {
      if (running.get() && pendingSwap.get() == null) {
        try {
          idle.wait(Math.max(1, millis));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running.set(false);
        }
      }
    }
  }

  /**
   * Hands over every lane's batch that has waited {@code linger} since its first message, unless the
   * lane is still writing (then it is handed over once that write is done, without holding up the poll).
   */
  private void flushLingering() {
    if (retrying) {
      return;
    }
    long now = clock.millis();
    for (Lane lane : lanes) {
      boolean writing = lane.inFlight != null && !lane.inFlight.isDone();
      if (!writing && lane.startedAt >= 0 && now - lane.startedAt >= settings.linger().toMillis()) {
        flush(lane, "linger " + settings.linger().toMillis() + " ms");
      }
    }
  }

  /** The batches held, being filled or being written, add up to {@code maxBatchBytes}. */
  private boolean bytesFull() {
    long bytes = 0;
    for (Lane lane : lanes) {
      bytes += lane.filling.rows.byteSize() + lane.filling.rawBytes;
      if (lane.writing != null) {
        bytes += lane.writing.writtenBytes;
      }
    }
    return bytes >= settings.maxBatchBytes();
  }

  private boolean fillingEmpty() {
    for (Lane lane : lanes) {
      if (!lane.filling.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private boolean holds(TopicPartition tp) {
    PartitionState ps = partitions.get(tp);
    if (ps == null) {
      return false;
    }
    Lane lane = ps.lane;
    return lane.filling.partitions.containsKey(tp) || lane.writing != null && lane.writing.partitions.containsKey(tp);
  }

  private void process(ConsumerRecords<byte[], byte[]> records) {
    repositioned.clear();
    List<TopicPartition> polled = new ArrayList<>(records.partitions());
    for (int p = 0; p < polled.size(); p++) {
      TopicPartition tp = polled.get(p);
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      PartitionState ps = partitions.get(tp);
      Route route = config.route(tp.topic());
      if (ps == null || route == null || ps.awaitingPosition) {
        setAside(tp, ps, route, list.get(0).offset());
        continue;
      }
      int added = 0;
      for (int i = 0; i < list.size(); i++) {
        add(route, tp, ps, list.get(i));
        added++;
        Outcome outcome = Outcome.DONE;
        if (ps.lane.filling.rows.rowCount() >= settings.maxBatchRows()) {
          outcome = flush(ps.lane, "batch limit");
        } else if (bytesFull()) {
          outcome = flushAll("byte limit");
        }
        if (outcome != Outcome.DONE) {
          metrics.consumed(tp.topic(), added);
          messagesSinceSummary += added;
          rewindUnprocessed(records, polled, p, i + 1);
          return;
        }
      }
      metrics.consumed(tp.topic(), added);
      messagesSinceSummary += added;
    }
    if (settings.linger().isZero() && !fillingEmpty()) {
      flushAll("poll");
    }
  }

  /** Records of a partition the loop cannot take now: sought back and the partition paused. */
  private void setAside(TopicPartition tp, PartitionState ps, Route route, long firstOffset) {
    PartitionState s = ps;
    if (s == null) {
      LOG.warn("records of {} arrived without an assignment callback; positioning it from the stored offsets", tp);
      s = newPartition(tp);
    } else if (route == null && !s.unmapped) {
      LOG.info("{} is no longer mapped; pausing it until it is revoked", tp);
      s.unmapped = true;
    }
    s.rewindTo = s.rewindTo == null ? firstOffset : s.rewindTo;
    consumer.seek(tp, firstOffset);
    s.position = firstOffset;
    syncPause();
  }

  /**
   * Seeks back the records of this poll that were not taken into a batch, so they are fetched again
   * rather than held in memory; partitions the failed write already repositioned are left alone.
   */
  private void rewindUnprocessed(ConsumerRecords<byte[], byte[]> records, List<TopicPartition> polled, int p, int next) {
    for (int q = p; q < polled.size(); q++) {
      TopicPartition tp = polled.get(q);
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      int from = q == p ? next : 0;
      PartitionState ps = partitions.get(tp);
      if (from < list.size() && ps != null && !repositioned.contains(tp) && !ps.awaitingPosition) {
        long offset = list.get(from).offset();
        consumer.seek(tp, offset);
        ps.position = offset;
      }
    }
  }

  private void add(Route route, TopicPartition tp, PartitionState ps, ConsumerRecord<byte[], byte[]> record) {
    Batch b = ps.lane.filling;
    if (ps.lane.startedAt < 0) {
      ps.lane.startedAt = clock.millis();
    }
    PartitionBatch pb = b.partitions.get(tp);
    if (pb == null) {
      pb = new PartitionBatch(record.offset());
      b.partitions.put(tp, pb);
    }
    pb.records.add(record);
    b.rawBytes += Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize())
        + RECORD_OVERHEAD_BYTES;
    RowSink rows = b.rows.rowsFor(route.target(), tp.topic(), tp.partition(), record.offset());
    MappingError error;
    try {
      error = route.mapper().map(view.wrap(record), rows);
    } catch (RuntimeException e) {
      throw new LoomException("the mapper of " + tp.topic() + " failed on " + tp + "@" + record.offset()
          + " instead of returning an error: " + e, e);
    }
    if (error != null) {
      b.mappingDeadLetters.add(DeadLetter.mappingError(record, route.deadLetterTopic(), error));
    }
    ps.position = record.offset() + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * Applies the outcome of the lane's write in flight (waiting for it), then hands the lane's batch to
   * its writer and returns at once. Returns the outcome of the write that was in flight: on anything but
   * DONE the lane's batch being filled was dropped (its partitions sought back, see {@link #repositioned})
   * and nothing was handed over.
   */
  private Outcome flush(Lane lane, String why) {
    Outcome previous = settle(lane);
    afterSettling();
    if (previous != Outcome.DONE || retrying || lane.filling.isEmpty()) {
      return previous;
    }
    ActiveConfig cfg = config;
    Batch b = lane.filling;
    b.writtenBytes = b.rows.byteSize() + b.rawBytes;
    lane.writing = b;
    lane.filling = lane.spare;
    lane.spare = null;
    lane.startedAt = -1;
    lane.inFlight = writerThreads.submit(() -> attempt(lane, b, cfg, why));
    return Outcome.DONE;
  }

  /** {@link #flush(Lane, String)} of every lane; the worst outcome. */
  private Outcome flushAll(String why) {
    Outcome outcome = Outcome.DONE;
    for (Lane lane : lanes) {
      outcome = worse(outcome, flush(lane, why));
    }
    return outcome;
  }

  /**
   * Waits for the writes in flight, writes the kept batches if a write failed before, then writes what
   * is being filled and waits for it. FAILED: some batch is kept for a retry.
   */
  private Outcome writeEverything(String why) {
    Outcome outcome = settleAll();
    if (retrying) {
      outcome = worse(outcome, retryKept());
      if (retrying) {
        return Outcome.FAILED;
      }
    }
    outcome = worse(outcome, flushAll(why));
    return worse(outcome, settleAll());
  }

  /** Writes the batches kept after a failed write, all lanes in parallel, and waits for them. */
  private Outcome retryKept() {
    settleAll();
    ActiveConfig cfg = config;
    boolean any = false;
    for (Lane lane : lanes) {
      Batch b = lane.writing;
      if (b != null) {
        lane.inFlight = writerThreads.submit(() -> attempt(lane, b, cfg, "retry"));
        any = true;
      }
    }
    if (!any) {
      resetRetry();
      syncPause();
      return Outcome.DONE;
    }
    return settleAll();
  }

  /** Waits for every write in flight and applies the outcomes; the worst one. */
  private Outcome settleAll() {
    Outcome outcome = Outcome.DONE;
    for (Lane lane : lanes) {
      outcome = worse(outcome, settle(lane));
    }
    afterSettling();
    return outcome;
  }

  private static Outcome worse(Outcome a, Outcome b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  /**
   * One lane's write, on its writer thread: mapping dead letters first, then rows, offsets and
   * rejected-row dead letters in one transaction. Touches nothing the loop's thread changes meanwhile.
   */
  private Attempt attempt(Lane lane, Batch b, ActiveConfig cfg, String why) {
    long start = System.nanoTime();
    List<DeadLetter> attempted = new ArrayList<>();
    List<DeadLetter> rejected = new ArrayList<>();
    int published = 0;
    try {
      if (!b.mappingDeadLettersPublished && !b.mappingDeadLetters.isEmpty()) {
        attempted.addAll(b.mappingDeadLetters);
        deadLetters.publish(records(b.mappingDeadLetters, cfg));
        b.mappingDeadLettersPublished = true;
        published = b.mappingDeadLetters.size();
      }
      WriteResult result = sink.write(b.rows, settings.groupId(), rows -> {
        List<DeadLetter> letters = deadLettersFor(b, rows, cfg);
        attempted.clear();
        attempted.addAll(letters);
        deadLetters.publish(records(letters, cfg));
        rejected.clear();
        rejected.addAll(letters);
      });
      long nanos = System.nanoTime() - start;
      if (LOG.isDebugEnabled()) {
        LOG.debug("lane {} wrote {} rows of {} messages ({} dead letters) in {} ms on {}: {}", lane.index,
            result.totalRowsWritten(), b.rows.messageCount(), b.mappingDeadLetters.size() + rejected.size(),
            nanos / 1_000_000, why, result.offsets());
      }
      return new Attempt(lane, b, result, null, attempted, rejected, published, nanos);
    } catch (RuntimeException e) {
      return new Attempt(lane, b, null, e, attempted, List.of(), published, System.nanoTime() - start);
    }
  }

  /**
   * Waits for the lane's write in flight, if any, and applies its outcome on the loop's thread. When
   * the write did not succeed, the lane's batch being filled is dropped first (it continues the same
   * partitions; sought back to its first offsets); a failed batch is kept for a retry, which {@link
   * #afterSettling} schedules.
   */
  private Outcome settle(Lane lane) {
    Future<Attempt> f = lane.inFlight;
    if (f == null) {
      return Outcome.DONE;
    }
    lane.inFlight = null;
    Attempt a = join(f);
    countMappingDeadLetters(a);
    if (a.error() == null) {
      stored(a);
      return Outcome.DONE;
    }
    abandon(lane.filling, Set.of(), "a write before it failed");
    lane.startedAt = -1;
    Outcome outcome = failedAttempt(a);
    if (outcome == Outcome.FAILED) {
      Batch b = a.batch();
      unsettledFailures.add("batch of " + b.rows.messageCount() + " messages (" + b.rows.rowCount() + " rows) on "
          + describe(b.partitions.keySet()) + " not stored: " + a.error().getMessage());
      unsettledError = unsettledError == null ? a.error() : unsettledError;
    }
    syncPause();
    if (awaitingPositions()) {
      resolvePositions();
    }
    return outcome;
  }

  /**
   * After one or more {@link #settle}s: schedules the retry of the batches that failed (one attempt
   * counted however many lanes failed), or ends the retry once no batch is kept.
   */
  private void afterSettling() {
    if (!unsettledFailures.isEmpty()) {
      writeFailures++;
      Duration wait = settings.backoff().after(writeFailures);
      nextWriteAttemptAt = clock.millis() + wait.toMillis();
      state.error(unsettledError);
      retrying = true;
      LOG.warn("{}; {} paused, attempt {} failed, next in {} ms", String.join("; ", unsettledFailures),
          partitions.isEmpty() ? "no partitions" : "all " + partitions.size() + " partitions", writeFailures,
          wait.toMillis());
      unsettledFailures.clear();
      unsettledError = null;
      updateRunState();
      syncPause();
    } else if (retrying && noneKept()) {
      LOG.info("writing resumed after {} failed attempt(s); partitions resumed", writeFailures);
      resetRetry();
      syncPause();
    } else if (!retrying && state.runState() == RunState.RETRYING) {
      updateRunState();
    }
  }

  private static Attempt join(Future<Attempt> future) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Error error) {
            throw error;
          }
          throw new LoomException("a writer thread failed: " + cause, cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean noneKept() {
    for (Lane lane : lanes) {
      if (lane.writing != null && lane.inFlight == null) {
        return false;
      }
    }
    return true;
  }

  private void countMappingDeadLetters(Attempt a) {
    List<DeadLetter> letters = a.batch().mappingDeadLetters;
    for (int i = 0; i < a.mappingLettersPublished(); i++) {
      metrics.deadLettered(letters.get(i).record().topic(), letters.get(i).kind());
    }
    deadLettersSinceSummary += a.mappingLettersPublished();
  }

  /**
   * A lane's batch is stored: positions, metrics, the stored offsets noted for the advisory commit to
   * Kafka; the batch is reused.
   */
  private void stored(Attempt a) {
    WriteResult result = a.result();
    metrics.written(result.rowsWritten(), a.nanos());
    for (DeadLetter d : a.rejected()) {
      metrics.deadLettered(d.record().topic(), d.kind());
    }
    deadLettersSinceSummary += a.rejected().size();
    rowsSinceSummary += result.totalRowsWritten();
    for (Map.Entry<SourcePartition, Long> e : result.offsets().entrySet()) {
      TopicPartition tp = new TopicPartition(e.getKey().topic(), e.getKey().partition());
      PartitionState ps = partitions.get(tp);
      if (ps != null) {
        ps.stored = e.getValue();
        ps.blockFailures = 0;
        advisory.put(tp, new OffsetAndMetadata(e.getValue()));
      }
    }
    state.database(true, "last write committed at " + clock.instant());
    release(a.lane(), a.batch());
    commitAdvisory(false);
  }

  /** The batch is done with (stored or dropped): it becomes the lane's next batch to fill. */
  private static void release(Lane lane, Batch b) {
    b.clear();
    if (lane.writing == b) {
      lane.writing = null;
    }
    lane.spare = b;
  }

  /** A lane's write did not succeed: DROPPED (read again) or FAILED (kept for a retry). */
  private Outcome failedAttempt(Attempt a) {
    RuntimeException error = a.error();
    if (error instanceof SinkException e) {
      if (e.reason() == SinkException.Reason.OFFSET_CONFLICT) {
        metrics.writeFailed("offset_conflict");
        LOG.warn("{}; dropping the batch of {} messages and resuming from the stored offsets", e.getMessage(),
            a.batch().rows.messageCount());
        dropAfterConflict(a.lane(), a.batch());
        return Outcome.DROPPED;
      }
      if (e.reason() == SinkException.Reason.RETRIES_EXHAUSTED || e.reason() == SinkException.Reason.CLOSED) {
        state.database(false, e.getMessage());
      }
      if (e.reason() == SinkException.Reason.SCHEMA) {
        sink.invalidateMetadata();
      }
      if (e.reason() == SinkException.Reason.REJECT_HANDLER_FAILED && e.getCause() instanceof DeadLetterException d) {
        return deadLettersFailed(a, d);
      }
      metrics.writeFailed(e.reason().name().toLowerCase(Locale.ROOT));
      return Outcome.FAILED;
    }
    if (error instanceof DeadLetterException d) {
      return deadLettersFailed(a, d);
    }
    throw error;
  }

  /**
   * Dead letters could not be published, so nothing of the batch was stored. Only the partitions whose
   * dead-letter topic failed stop (paused, retried with backoff); the batch is dropped and read again,
   * so the other partitions go on without them.
   */
  private Outcome deadLettersFailed(Attempt a, DeadLetterException e) {
    Set<TopicPartition> stopped = new TreeSet<>(
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    for (DeadLetter d : a.attempted()) {
      if (e.failedTopics().contains(d.topic())) {
        stopped.add(new TopicPartition(d.record().topic(), d.record().partition()));
      }
    }
    stopped.removeIf(tp -> !partitions.containsKey(tp));
    metrics.writeFailed("dead_letter");
    if (stopped.isEmpty()) {
      return Outcome.FAILED;
    }
    state.error(e);
    abandon(a.batch(), Set.of(), "dead letters could not be published");
    release(a.lane(), a.batch());
    long now = clock.millis();
    List<String> waits = new ArrayList<>();
    for (TopicPartition tp : stopped) {
      PartitionState ps = partitions.get(tp);
      ps.blockFailures++;
      Duration wait = settings.backoff().after(ps.blockFailures);
      ps.blockedUntil = now + wait.toMillis();
      waits.add(tp.topic() + "[" + tp.partition() + "] for " + wait.toMillis() + " ms (attempt " + ps.blockFailures + ")");
    }
    LOG.warn("{}; nothing of the batch was stored; stopping {}; the other partitions go on", e.getMessage(),
        summary(waits));
    return Outcome.DROPPED;
  }

  /** Lets stopped partitions whose wait is over be read again. */
  private void releaseStopped(long now) {
    boolean released = false;
    for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
      PartitionState ps = e.getValue();
      if (ps.blockedUntil > 0 && now >= ps.blockedUntil) {
        ps.blockedUntil = 0;
        released = true;
        LOG.info("{}[{}] resumed after its dead letters could not be published; trying again", e.getKey().topic(),
            e.getKey().partition());
      }
    }
    if (released) {
      syncPause();
      updateRunState();
    }
  }

  private List<DeadLetter> deadLettersFor(Batch b, List<RejectedRow> rows, ActiveConfig cfg) {
    List<DeadLetter> letters = new ArrayList<>(rows.size());
    for (RejectedRow row : rows) {
      PartitionBatch pb = b.partitions.get(new TopicPartition(row.topic(), row.partition()));
      ConsumerRecord<byte[], byte[]> record = pb == null ? null : pb.find(row.offset());
      if (record == null) {
        throw new IllegalStateException("the sink rejected " + row + " which is not in the batch");
      }
      Route route = cfg.route(row.topic());
      if (route == null) {
        throw new IllegalStateException("the sink rejected " + row + " of a topic the configuration does not map");
      }
      letters.add(DeadLetter.rejected(record, route.deadLetterTopic(), row));
    }
    return letters;
  }

  private static List<ProducerRecord<byte[], byte[]>> records(List<DeadLetter> letters, ActiveConfig cfg) {
    List<ProducerRecord<byte[], byte[]>> list = new ArrayList<>(letters.size());
    for (DeadLetter d : letters) {
      list.add(d.toProducerRecord(cfg.fingerprint()));
    }
    return list;
  }

  /**
   * Commits the noted offsets to Kafka, asynchronously, when {@code now} or once {@link
   * #ADVISORY_COMMIT_INTERVAL_MILLIS} has passed since the last commit, so that lag tools see progress
   * without a commit per batch. Failures only log: the offsets that count are in the database.
   */
  private void commitAdvisory(boolean now) {
    long at = clock.millis();
    if (advisory.isEmpty() || !now && at - lastAdvisoryAt < ADVISORY_COMMIT_INTERVAL_MILLIS) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>(advisory);
    advisory.clear();
    lastAdvisoryAt = at;
    try {
      consumer.commitAsync(commit, (committed, error) -> {
        if (error != null) {
          LOG.debug("advisory Kafka commit of {} failed (the offsets are stored in the database): {}", committed,
              error.toString());
        }
      });
    } catch (RuntimeException e) {
      LOG.debug("advisory Kafka commit failed (the offsets are stored in the database): {}", e.toString());
    }
  }

  private void resetRetry() {
    retrying = false;
    writeFailures = 0;
    nextWriteAttemptAt = 0;
    updateRunState();
  }

  /** RETRYING while a write, an offset read or a stopped partition has not succeeded again; else RUNNING. */
  private void updateRunState() {
    if (!running.get()) {
      return;
    }
    boolean blocked = partitions.values().stream().anyMatch(ps -> ps.blockFailures > 0);
    state.runState(retrying || positionFailures > 0 || blocked ? RunState.RETRYING : RunState.RUNNING);
  }

  /**
   * Drops an unwritten batch: its partitions that stay assigned (all but {@code leaving}) are sought
   * back to the batch's first offsets, so the messages are read again; the others' next owner reads
   * them from the stored offsets.
   */
  private void abandon(Batch b, Collection<TopicPartition> leaving, String why) {
    if (b.isEmpty()) {
      return;
    }
    LOG.warn("dropping the unwritten batch of {} messages on {} ({}); nothing of it was stored, its messages"
        + " will be read again", b.rows.messageCount(), describe(b.partitions.keySet()), why);
    Set<TopicPartition> assigned = consumer.assignment();
    for (Map.Entry<TopicPartition, PartitionBatch> e : b.partitions.entrySet()) {
      TopicPartition tp = e.getKey();
      PartitionState ps = partitions.get(tp);
      if (ps != null && !leaving.contains(tp) && assigned.contains(tp)) {
        consumer.seek(tp, e.getValue().firstOffset);
        ps.position = e.getValue().firstOffset;
      }
      repositioned.add(tp);
    }
    b.clear();
  }

  /**
   * Drops every unwritten batch (nothing may be in flight): the batches being filled, then the kept
   * ones, whose earlier first offsets win; the retry ends.
   */
  private void abandonAll(Collection<TopicPartition> leaving, String why) {
    for (Lane lane : lanes) {
      abandon(lane.filling, leaving, why);
      lane.startedAt = -1;
      if (lane.writing != null) {
        Batch kept = lane.writing;
        abandon(kept, leaving, why);
        release(lane, kept);
      }
    }
    resetRetry();
    syncPause();
  }

  private void dropAfterConflict(Lane lane, Batch b) {
    for (Map.Entry<TopicPartition, PartitionBatch> e : b.partitions.entrySet()) {
      PartitionState ps = partitions.get(e.getKey());
      if (ps != null) {
        ps.awaitingPosition = true;
        ps.rewindTo = e.getValue().firstOffset;
      }
      repositioned.add(e.getKey());
    }
    release(lane, b);
  }

  // ---------------------------------------------------------------------------------------------
  // Positions, pausing, subscription

  private boolean awaitingPositions() {
    for (PartitionState ps : partitions.values()) {
      if (ps.awaitingPosition) {
        return true;
      }
    }
    return false;
  }

  /** Seeks every partition awaiting a position to its stored offset; on failure they stay paused. */
  private void resolvePositions() {
    List<TopicPartition> waiting = new ArrayList<>();
    partitions.forEach((tp, ps) -> {
      if (ps.awaitingPosition) {
        waiting.add(tp);
      }
    });
    if (waiting.isEmpty()) {
      positionFailures = 0;
      return;
    }
    Set<String> topics = new TreeSet<>();
    waiting.forEach(tp -> topics.add(tp.topic()));
    Map<SourcePartition, Long> stored;
    try {
      stored = sink.readOffsets(settings.groupId(), topics);
    } catch (SinkException e) {
      positionFailures++;
      Duration wait = settings.backoff().after(positionFailures);
      nextPositionAttemptAt = clock.millis() + wait.toMillis();
      state.database(false, e.getMessage());
      state.error(e);
      updateRunState();
      LOG.warn("cannot read the stored offsets of {}: {}; they stay paused, attempt {} failed, next in {} ms",
          describe(waiting), e.getMessage(), positionFailures, wait.toMillis());
      syncPause();
      return;
    }
    state.database(true, "offsets read at " + clock.instant());
    waiting.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    List<String> fromStore = new ArrayList<>();
    List<String> fromKafka = new ArrayList<>();
    List<TopicPartition> reset = new ArrayList<>();
    for (TopicPartition tp : waiting) {
      PartitionState ps = partitions.get(tp);
      Long offset = stored.get(new SourcePartition(tp.topic(), tp.partition()));
      if (offset == null) {
        offset = ps.rewindTo;
      } else {
        ps.stored = offset;
      }
      if (offset != null) {
        consumer.seek(tp, offset);
        ps.position = offset;
        fromStore.add(tp.topic() + "[" + tp.partition() + "]@" + offset);
      } else {
        fromKafka.add(tp.topic() + "[" + tp.partition() + "]");
        reset.add(tp);
        ps.position = null;
      }
      ps.rewindTo = null;
      ps.awaitingPosition = false;
    }
    if (!reset.isEmpty()) {
      if (settings.autoOffsetReset().equalsIgnoreCase("earliest")) {
        consumer.seekToBeginning(reset);
      } else if (settings.autoOffsetReset().equalsIgnoreCase("latest")) {
        consumer.seekToEnd(reset);
      }
      for (TopicPartition tp : reset) {
        try {
          partitions.get(tp).position = consumer.position(tp, POSITION_TIMEOUT);
        } catch (org.apache.kafka.common.errors.TimeoutException | WakeupException e) {
          LOG.debug("the start position of {} is not known yet: {}", tp, e.toString());
        }
      }
    }
    if (positionFailures > 0) {
      LOG.info("stored offsets read after {} failed attempt(s)", positionFailures);
    }
    positionFailures = 0;
    updateRunState();
    if (!fromStore.isEmpty()) {
      LOG.info("resuming from the stored offsets: {}", summary(fromStore));
    }
    if (!fromKafka.isEmpty()) {
      LOG.info("no stored offset for {}: starting per auto.offset.reset ({})", summary(fromKafka),
          settings.autoOffsetReset());
    }
    syncPause();
  }

  /** Pauses exactly the assigned partitions that must not deliver records now, resumes the others. */
  private void syncPause() {
    Set<TopicPartition> assignment = consumer.assignment();
    if (assignment.isEmpty()) {
      return;
    }
    Set<TopicPartition> paused = consumer.paused();
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (TopicPartition tp : assignment) {
      PartitionState ps = partitions.get(tp);
      boolean hold = retrying || ps == null || ps.awaitingPosition || ps.unmapped || ps.blockedUntil > 0;
      if (hold && !paused.contains(tp)) {
        pause.add(tp);
      } else if (!hold && paused.contains(tp)) {
        resume.add(tp);
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
  }

  private void resubscribe() {
    Set<String> topics = config.topics();
    if (topics.equals(subscribed)) {
      return;
    }
    if (topics.isEmpty()) {
      consumer.unsubscribe();
      LOG.info("no topic is mapped; unsubscribed");
    } else {
      consumer.subscribe(topics, listener);
      LOG.info("subscribed to {}", topics);
    }
    subscribed = topics;
    state.subscribed(topics);
  }

  private void applySwap(Swap swap) {
    try {
      if (writeEverything("configuration change") == Outcome.FAILED) {
        abandonAll(Set.of(), "configuration change while the batches could not be written");
      }
      ActiveConfig previous = config;
      config = swap.config();
      sink.invalidateMetadata();
      for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
        PartitionState ps = e.getValue();
        if (ps.unmapped && config.route(e.getKey().topic()) != null) {
          ps.unmapped = false;
          ps.awaitingPosition = true;
        }
      }
      resubscribe();
      syncPause();
      if (awaitingPositions()) {
        resolvePositions();
      }
      state.applied(config);
      LOG.info("configuration {} in force (was {}): {} topics", config.fingerprint(), previous.fingerprint(),
          config.topics().size());
      swap.done().complete(config);
    } catch (RuntimeException e) {
      swap.done().completeExceptionally(e);
      throw e;
    }
  }

  private void failPendingSwap(RuntimeException e) {
    Swap swap = pendingSwap.getAndSet(null);
    if (swap != null) {
      swap.done().completeExceptionally(e);
    }
  }

  /** Registers an assigned partition in the lane that has the fewest partitions. */
  private PartitionState newPartition(TopicPartition tp) {
    Lane lane = lanes[0];
    for (Lane l : lanes) {
      if (l.partitionCount < lane.partitionCount) {
        lane = l;
      }
    }
    lane.partitionCount++;
    PartitionState ps = new PartitionState(lane);
    partitions.put(tp, ps);
    metrics.partitionAssigned(tp.topic(), tp.partition(), ps);
    return ps;
  }

  private void forget(Collection<TopicPartition> gone) {
    for (TopicPartition tp : gone) {
      PartitionState ps = partitions.remove(tp);
      if (ps != null) {
        ps.lane.partitionCount--;
      }
      advisory.remove(tp);
      metrics.partitionRemoved(tp.topic(), tp.partition());
    }
  }

  /** The rebalance listener; Kafka calls it on the loop's thread, inside {@code poll}. */
  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (crashed || revoked.isEmpty()) {
        return;
      }
      if (revoked.stream().anyMatch(ConsumerLoop.this::holds) && writeEverything("partitions revoked") == Outcome.FAILED) {
        abandonAll(revoked, "partitions revoked while the batches could not be written");
      }
      commitAdvisory(true);
      forget(revoked);
      LOG.info("partitions revoked: {}", describe(revoked));
      publishViews(true);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      if (crashed || lost.isEmpty()) {
        return;
      }
      if (lost.stream().anyMatch(ConsumerLoop.this::holds)) {
        settleAll();
        abandonAll(lost, "partitions lost; their new owner reads them from the stored offsets");
      }
      forget(lost);
      LOG.warn("partitions lost: {}", describe(lost));
      publishViews(true);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      if (crashed || assigned.isEmpty()) {
        return;
      }
      for (TopicPartition tp : assigned) {
        newPartition(tp);
      }
      LOG.info("partitions assigned: {}", describe(assigned));
      syncPause();
      resolvePositions();
      publishViews(true);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Status

  private void publishViews(boolean force) {
    long now = clock.millis();
    if (!force && now - lastViewAt < VIEW_INTERVAL_MILLIS) {
      return;
    }
    lastViewAt = now;
    List<PartitionView> views = new ArrayList<>(partitions.size());
    for (Map.Entry<TopicPartition, PartitionState> e : partitions.entrySet()) {
      TopicPartition tp = e.getKey();
      PartitionState ps = e.getValue();
      Long end = null;
      if (ps.position != null && !ps.awaitingPosition) {
        OptionalLong lag;
        try {
          lag = consumer.currentLag(tp);
        } catch (RuntimeException ex) {
          lag = OptionalLong.empty();
        }
        if (lag.isPresent()) {
          end = ps.position + lag.getAsLong();
        }
      }
      Long lag = end != null && ps.stored != null ? Math.max(0, end - ps.stored) : null;
      ps.lag = lag == null ? Double.NaN : lag;
      views.add(new PartitionView(tp.topic(), tp.partition(), ps.position, ps.stored, end, lag));
    }
    views.sort(Comparator.comparing(PartitionView::topic).thenComparingInt(PartitionView::partition));
    state.partitions(views);
  }

  private void logSummary() {
    long now = clock.millis();
    if (now - lastSummaryAt < SUMMARY_INTERVAL_MILLIS) {
      return;
    }
    if (messagesSinceSummary > 0 || rowsSinceSummary > 0 || deadLettersSinceSummary > 0) {
      double seconds = (now - lastSummaryAt) / 1000.0;
      LOG.info("last {} s: {} messages consumed, {} rows written ({} rows/s), {} dead letters; {} partitions assigned",
          Math.round(seconds), messagesSinceSummary, rowsSinceSummary, Math.round(rowsSinceSummary / seconds),
          deadLettersSinceSummary, partitions.size());
    }
    lastSummaryAt = now;
    messagesSinceSummary = 0;
    rowsSinceSummary = 0;
    deadLettersSinceSummary = 0;
  }

  private static String describe(Collection<TopicPartition> tps) {
    if (tps.isEmpty()) {
      return "[]";
    }
    List<String> names = new ArrayList<>();
    tps.stream().sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
        .forEach(tp -> names.add(tp.topic() + "[" + tp.partition() + "]"));
    return "[" + summary(names) + "]";
  }

  /** The first dozen items, then how many more. */
  private static String summary(List<String> items) {
    return items.size() <= 12 ? String.join(", ", items)
        : String.join(", ", items.subList(0, 12)) + " and " + (items.size() - 12) + " more";
  }

  // ---------------------------------------------------------------------------------------------
  // Shutdown

  private void shutdown(Throwable failure) {
    Consumer<byte[], byte[]> c = consumer;
    running.set(false);
    failPendingSwap(new LoomException("the consumer stopped before the configuration was applied"));
    if (crashed) {
      LOG.warn("consumer crashed on purpose: {} unwritten messages abandoned, nothing flushed or committed",
          unwrittenMessages());
      for (Lane lane : lanes) {
        lane.filling.clear();
      }
      writerThreads.shutdown();
      closeQuietly(c);
      metrics.removeAllPartitions();
      state.partitions(List.of());
      state.runState(RunState.STOPPED);
      return;
    }
    state.runState(RunState.STOPPING);
    if (failure == null && c != null) {
      try {
        if (writeEverything("shutdown") == Outcome.FAILED) {
          LOG.warn("the last batches of {} messages could not be stored; they will be read again on the next start",
              unwrittenMessages());
        }
        commitAdvisory(true);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    retrying = false;
    writerThreads.shutdown();
    closeQuietly(c);
    metrics.removeAllPartitions();
    state.partitions(List.of());
    if (failure != null) {
      LOG.error("consumer group {} stopped on an error it cannot recover from: {}", settings.groupId(),
          failure.toString(), failure);
      state.fatal(failure);
      state.runState(RunState.FAILED);
    } else {
      LOG.info("consumer group {} stopped", settings.groupId());
      state.runState(RunState.STOPPED);
    }
  }

  private int unwrittenMessages() {
    int n = 0;
    for (Lane lane : lanes) {
      n += lane.filling.rows.messageCount();
      if (lane.writing != null && lane.inFlight == null) {
        n += lane.writing.rows.messageCount();
      }
    }
    return n;
  }

  private void closeQuietly(Consumer<byte[], byte[]> c) {
    if (c == null) {
      return;
    }
    try {
      c.close(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      LOG.warn("closing the Kafka consumer failed: {}", e.toString());
    }
  }
}
