package io.loom.consumer.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's meters, and the totals {@code /status} shows. Design note: meters are looked up once per
 * topic, table or partition and cached, so the loop pays a map lookup per batch, not a registry
 * lookup per message.
 *
 * <ul>
 *   <li>{@code loom.messages.consumed{topic}}: messages taken from Kafka into a batch;
 *   <li>{@code loom.rows.written{table}}: rows committed;
 *   <li>{@code loom.messages.dead_lettered{topic,kind}}: messages published to a dead-letter topic;
 *   <li>{@code loom.batch.write}: time of each successful write (rows, offsets, dead letters, commit);
 *   <li>{@code loom.batch.rows}: rows per written batch;
 *   <li>{@code loom.batch.failures{reason}}: writes that failed and are retried or abandoned;
 *   <li>{@code loom.config.reloads{result}}: reloads by outcome (applied, unchanged, refused, failed);
 *   <li>{@code loom.partition.lag{topic,partition}}: messages of an assigned partition not yet stored.
 * </ul>
 *
 * Thread-safe.
 */
public final class EngineMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> consumed = new ConcurrentHashMap<>();
  private final Map<String, Counter> written = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();
  private final Map<String, Counter> reloads = new ConcurrentHashMap<>();
  private final Map<String, Gauge> lagGauges = new ConcurrentHashMap<>();
  private final Timer batchWrite;
  private final DistributionSummary batchRows;
  private final AtomicLong rowsTotal = new AtomicLong();
  private final AtomicLong deadLettersTotal = new AtomicLong();
  private final AtomicLong messagesTotal = new AtomicLong();
  private final RateWindow rowRate;

  public EngineMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.rowRate = new RateWindow(clock);
    this.batchWrite = Timer.builder("loom.batch.write")
        .description("Time of one committed batch write: rows, offsets and dead letters in one transaction")
        .register(registry);
    this.batchRows = DistributionSummary.builder("loom.batch.rows")
        .description("Rows per committed batch")
        .register(registry);
  }

  public void consumed(String topic, long messages) {
    consumed.computeIfAbsent(topic, t -> Counter.builder("loom.messages.consumed")
        .description("Messages taken from Kafka into a batch").tag("topic", t).register(registry)).increment(messages);
    messagesTotal.addAndGet(messages);
  }

  public void written(Map<String, Long> rowsByTable, long nanos) {
    long total = 0;
    for (Map.Entry<String, Long> e : rowsByTable.entrySet()) {
      written.computeIfAbsent(e.getKey(), t -> Counter.builder("loom.rows.written")
          .description("Rows committed to the table").tag("table", t).register(registry)).increment(e.getValue());
      total += e.getValue();
    }
    batchWrite.record(nanos, TimeUnit.NANOSECONDS);
    batchRows.record(total);
    rowsTotal.addAndGet(total);
    rowRate.add(total);
  }

  public void deadLettered(String topic, String kind) {
    deadLettered.computeIfAbsent(topic + '\u0000' + kind, k -> Counter.builder("loom.messages.dead_lettered")
        .description("Messages published to a dead-letter topic").tags("topic", topic, "kind", kind)
        .register(registry)).increment();
    deadLettersTotal.incrementAndGet();
  }

  public void writeFailed(String reason) {
    failures.computeIfAbsent(reason, r -> Counter.builder("loom.batch.failures")
        .description("Batch writes that failed (retried, or abandoned and read again)").tag("reason", r)
        .register(registry)).increment();
  }

  public void reload(String result) {
    reloads.computeIfAbsent(result, r -> Counter.builder("loom.config.reloads")
        .description("Configuration reloads by outcome").tag("result", r).register(registry)).increment();
  }

  /** Registers the lag gauge of a partition, reading {@code lag} (NaN while unknown). */
  public void partitionAssigned(String topic, int partition, LagSource lag) {
    String key = topic + '\u0000' + partition;
    lagGauges.computeIfAbsent(key, k -> Gauge.builder("loom.partition.lag", lag, LagSource::lag)
        .description("Messages of the partition not yet stored in the database")
        .tags(Tags.of("topic", topic, "partition", Integer.toString(partition)))
        .register(registry));
  }

  public void partitionRemoved(String topic, int partition) {
    Gauge gauge = lagGauges.remove(topic + '\u0000' + partition);
    if (gauge != null) {
      registry.remove(gauge);
    }
  }

  /** Removes every partition gauge. */
  public void removeAllPartitions() {
    lagGauges.values().forEach(registry::remove);
    lagGauges.clear();
  }

  public long rowsTotal() {
    return rowsTotal.get();
  }

  public long deadLettersTotal() {
    return deadLettersTotal.get();
  }

  public long messagesTotal() {
    return messagesTotal.get();
  }

  /** Rows written per second over the last minute. */
  public double rowsPerSecond() {
    return rowRate.perSecond();
  }

  /** Where a lag gauge reads its value. */
  @FunctionalInterface
  public interface LagSource {
    /** The lag, or NaN while it is not known. */
    double lag();
  }
}
