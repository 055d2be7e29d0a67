package io.loom.quickstart;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces {@link SampleEvents} at a steady rate on its own thread until closed, spread over the sample
 * topics by their weights. Design note: ten ticks per second, each sending a tenth of the rate
 * without waiting for acknowledgements (they are counted as they come), so a slow broker slows the
 * count, not the thread. Thread-safe.
 */
final class EventProducer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventProducer.class);
  private static final int TICKS_PER_SECOND = 10;

  private final KafkaProducer<byte[], byte[]> producer;
  private final int eventsPerSecond;
  private final SampleEvents events = new SampleEvents();
  private final int[] schedule;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  EventProducer(Properties producerProperties, int eventsPerSecond) {
    Properties props = new Properties();
    props.putAll(producerProperties);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "loom-quickstart-events");
    this.producer = new KafkaProducer<>(props);
    this.eventsPerSecond = eventsPerSecond;
    List<Integer> slots = new ArrayList<>();
    for (int t = 0; t < SampleEvents.TOPICS.size(); t++) {
      for (int w = 0; w < SampleEvents.TOPICS.get(t).weight(); w++) {
        slots.add(t);
      }
    }
    Collections.shuffle(slots, new Random(7));
    this.schedule = slots.stream().mapToInt(Integer::intValue).toArray();
    this.thread = new Thread(this::run, "loom-quickstart-events");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Events the broker acknowledged. */
  long sent() {
    return sent.get();
  }

  /** Events the broker did not take. */
  long failed() {
    return failed.get();
  }

  /** Bad events among those produced. */
  long badEvents() {
    synchronized (events) {
      return events.badEvents();
    }
  }

  private void run() {
    long tickNanos = 1_000_000_000L / TICKS_PER_SECOND;
    long next = System.nanoTime();
    long slot = 0;
    double carry = 0;
    while (running) {
      carry += (double) eventsPerSecond / TICKS_PER_SECOND;
      int count = (int) carry;
      carry -= count;
      Instant now = Instant.now();
      for (int n = 0; n < count && running; n++) {
        int topic = schedule[(int) (slot++ % schedule.length)];
        try {
          synchronized (events) {
            producer.send(events.next(topic, now), (metadata, error) -> {
              if (error == null) {
                sent.incrementAndGet();
              } else {
                failed.incrementAndGet();
              }
            });
          }
        } catch (RuntimeException e) {
          failed.incrementAndGet();
          LOG.warn("cannot produce a sample event: {}", e.toString());
        }
      }
      next += tickNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      } else {
        next = System.nanoTime();
      }
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
