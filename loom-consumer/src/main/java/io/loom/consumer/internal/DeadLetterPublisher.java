package io.loom.consumer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * clean producer whatever state the failure left; nothing is buffered across calls. Used by the poll
 * loop's thread only, except {@link #close()}.
 */
public final class DeadLetterPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

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
    long millis = Math.max(1000, timeout.toMillis());
    int requestTimeout = (int) Math.min(30_000, millis);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(millis, requestTimeout));
    this.properties = Map.copyOf(props);
  }

  /**
   * Sends every record and waits until the broker has acknowledged them all.
   *
   * @throws DeadLetterException naming the first record that could not be published and why
   */
  public void publish(List<ProducerRecord<byte[], byte[]>> records) {
    if (records.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Producer<byte[], byte[]> p = producer();
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    int index = 0;
    try {
      for (; index < records.size(); index++) {
        acks.add(p.send(records.get(index)));
      }
      for (index = 0; index < acks.size(); index++) {
        long left = Math.max(1, deadline - System.nanoTime());
        acks.get(index).get(left, TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      discard(p);
      throw failure(records, index, e);
    } catch (ExecutionException e) {
      discard(p);
      throw failure(records, index, e.getCause());
    } catch (TimeoutException | RuntimeException e) {
      discard(p);
      throw failure(records, index, e);
    }
  }

  private static DeadLetterException failure(List<ProducerRecord<byte[], byte[]>> records, int index, Throwable cause) {
    ProducerRecord<byte[], byte[]> record = records.get(Math.min(index, records.size() - 1));
    String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new DeadLetterException("cannot publish " + records.size() + " dead letter(s): topic '" + record.topic()
        + "' did not take one within the time allowed: " + reason, cause);
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
