package io.loom.systemtests.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces messages {@code 0..n-1} of the reference telemetry workload to one topic on a thread of its
 * own, with an idempotent producer that keeps retrying through a broker restart, so that the input itself
 * holds each message exactly once. It produces only as far as {@link #allowUpTo(long)} lets it, so that
 * the caller can keep messages arriving while it injects faults.
 *
 * <p>Design note: a send that fails for good is counted, never re-sent (a re-send could double a message
 * whose first attempt did land); the check then compares against the broker's end offsets and reports the
 * failure. Thread-safe accessors; {@link #close()} waits for the thread.
 */
final class TelemetryProducer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final long messages;
  private final long nanosPerMessage;
  private final Thread thread;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private volatile boolean stopped;
  private long allowed; // guarded by this

  /**
   * @param perSecond the most messages sent per second, 0 for no limit
   */
  TelemetryProducer(Properties base, String topic, long messages, int perSecond) {
    Properties properties = new Properties();
    properties.putAll(base);
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    properties.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Duration.ofMinutes(10).toMillis()));
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Duration.ofMinutes(10).toMillis()));
    properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
    this.producer = new KafkaProducer<>(properties);
    this.topic = topic;
    this.messages = messages;
    this.nanosPerMessage = perSecond > 0 ? 1_000_000_000L / perSecond : 0;
    this.thread = new Thread(this::produce, "fault-injection-producer");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void produce() {
    try {
      long next = System.nanoTime();
      for (long i = 0; i < messages && !stopped; i++) {
        if (!awaitAllowance(i)) {
          break;
        }
        if (nanosPerMessage > 0) {
          long now = System.nanoTime();
          if (now - next > 1_000_000_000L) {
            next = now; // held back by the allowance: no burst to catch up
          }
          while (next - now > 0) {
            LockSupport.parkNanos(next - now);
            now = System.nanoTime();
          }
          next += nanosPerMessage;
        }
        producer.send(new ProducerRecord<>(topic, TelemetryMessages.deviceId(i).getBytes(StandardCharsets.UTF_8),
            TelemetryMessages.message(i)), (metadata, exception) -> {
              if (exception == null) {
                acknowledged.incrementAndGet();
              } else {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, exception.toString());
              }
            });
      }
      producer.flush();
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      firstFailure.compareAndSet(null, e.toString());
    }
  }

  /** Lets the producer go on up to message {@code n} (exclusive); it never goes back. */
  synchronized void allowUpTo(long n) {
    allowed = Math.max(allowed, Math.min(n, messages));
    notifyAll();
  }

  /** How many messages have been handed to the producer so far. */
  synchronized long allowed() {
    return allowed;
  }

  private synchronized boolean awaitAllowance(long i) {
    while (i >= allowed && !stopped) {
      try {
        wait(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !stopped;
  }

  /** Waits until every message is acknowledged or has failed. */
  void await(Duration timeout) {
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing", e);
    }
    if (thread.isAlive()) {
      throw new IllegalStateException("producing " + messages + " messages did not finish within "
          + timeout.toSeconds() + " s (" + acknowledged.get() + " acknowledged)");
    }
  }

  long acknowledged() {
    return acknowledged.get();
  }

  long failures() {
    return failures.get();
  }

  /** The first failure, or null. */
  String firstFailure() {
    return firstFailure.get();
  }

  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
      notifyAll();
    }
    try {
      thread.join(TimeUnit.MINUTES.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
  }
}
