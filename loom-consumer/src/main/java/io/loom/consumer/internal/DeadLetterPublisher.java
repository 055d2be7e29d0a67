package io.loom.consumer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes dead letters synchronously: every record is sent, then every acknowledgement awaited, with
 * {@code acks=all} and idempotence, so that a returned call means the broker has them all. Design note:
 * the producer is created on first use and thrown away after any failure, so that a retry starts from a
 * clean producer whatever state the failure left; nothing is buffered across calls. Thread-safe: the
 * writer threads of the poll loop call {@link #publish} one at a time (dead letters are rare, so the
 * lock costs nothing on the hot path).
 */
public final class DeadLetterPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

  /** The largest dead letter sent unless the client properties say otherwise (the producer's buffer size). */
  static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;

  private final Map<String, Object> properties;
  private final Duration timeout;
  private volatile Producer<byte[], byte[]> producer;

  /**
   * @param clientProperties Kafka client properties (bootstrap servers, security); those a producer does
   *     not know are left out
   * @param timeout how long one {@link #publish} may wait for metadata and acknowledgements
   */
  public DeadLetterPublisher(Map<String, Object> clientProperties, Duration timeout, String clientId) {
    this.timeout = timeout;
    Map<String, Object> props = new HashMap<>();
    clientProperties.forEach((k, v) -> {
      if (ProducerConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // A dead letter is as large as the message it carries, which its source topic may have taken above the
    // client's 1 MB default: the dead-letter topic's own max.message.bytes is the limit that matters.
    props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
    long millis = Math.max(1000, timeout.toMillis());
    int requestTimeout = (int) Math.min(30_000, millis);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(millis, requestTimeout));
    this.properties = Map.copyOf(props);
  }

  /**
   * Sends every record and waits until the broker has acknowledged them all. Once one record of a topic
   * failed, the topic's later records are not sent.
   *
   * @throws DeadLetterException naming the topics that did not take their records, and why
   */
  public synchronized void publish(List<ProducerRecord<byte[], byte[]>> records) {
    if (records.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Producer<byte[], byte[]> p = producer();
    Map<String, Throwable> failed = new TreeMap<>();
    List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>(records.size());
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    for (ProducerRecord<byte[], byte[]> record : records) {
      if (failed.containsKey(record.topic())) {
        continue;
      }
      try {
        acks.add(p.send(record));
        sent.add(record);
      } catch (RuntimeException e) {
        failed.put(record.topic(), e);
      }
    }
    for (int i = 0; i < acks.size(); i++) {
      String topic = sent.get(i).topic();
      if (failed.containsKey(topic)) {
        continue;
      }
      try {
        acks.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.put(topic, e);
      } catch (ExecutionException e) {
        failed.put(topic, e.getCause());
      } catch (TimeoutException e) {
        failed.put(topic, new TimeoutException("no acknowledgement within " + timeout.toMillis() + " ms"));
      }
    }
    if (!failed.isEmpty()) {
      discard(p);
      Map.Entry<String, Throwable> first = failed.entrySet().iterator().next();
      Throwable cause = first.getValue();
      String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      throw new DeadLetterException("cannot publish dead letters to " + (failed.size() == 1 ? "topic '" : "topics '")
          + String.join("', '", failed.keySet()) + "': " + reason, failed.keySet(), cause);
    }
  }

  private Producer<byte[], byte[]> producer() {
    Producer<byte[], byte[]> p = producer;
    if (p == null) {
      p = new KafkaProducer<>(properties);
      producer = p;
    }
    return p;
  }

  private void discard(Producer<byte[], byte[]> p) {
    producer = null;
    try {
      p.close(Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.debug("closing the dead-letter producer after a failure: {}", e.toString());
    }
  }

  @Override
  public void close() {
    Producer<byte[], byte[]> p = producer;
    producer = null;
    if (p != null) {
      p.close(Duration.ofSeconds(5));
    }
  }
}
