package io.loom.consumer.internal;

import io.loom.mapping.MappingError;
import io.loom.sink.RejectedRow;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A message on its way to a dead-letter topic, with the reason it was refused. Design note: the
 * original record is kept as Kafka delivered it, so the dead letter carries its key, value and headers
 * unchanged; the reason travels in {@code loom.*} headers. Immutable.
 *
 * @param record the original message
 * @param topic the dead-letter topic
 * @param kind the class of problem in lower case: a mapping error kind such as {@code malformed_json},
 *     or {@link #DATABASE_REJECTED}
 * @param reason what was wrong, one line
 * @param path the source path at fault, or {@code null}; for a schema violation the JSON pointer of the
 *     first violation, also sent as {@link #SCHEMA_POINTER}, while {@code reason} lists every violation
 * @param sqlState the SQLSTATE PostgreSQL gave, or {@code null}
 * @param table the table the rows were meant for, or {@code null}
 */
public record DeadLetter(
    ConsumerRecord<byte[], byte[]> record, String topic, String kind, String reason, String path, String sqlState,
    String table) {

  /** The kind of a message whose row PostgreSQL (or the sink's type encoding) refused. */
  public static final String DATABASE_REJECTED = "database_rejected";

  public static final String KIND = "loom.error.kind";
  public static final String REASON = "loom.error.reason";
  public static final String PATH = "loom.error.path";
  public static final String SQLSTATE = "loom.error.sqlstate";
  public static final String TABLE = "loom.error.table";
  /** For a schema violation: the JSON pointer of the first violation ({@code ""} is the whole message). */
  public static final String SCHEMA_POINTER = "loom.error.schema.pointer";
  public static final String SOURCE_TOPIC = "loom.source.topic";
  public static final String SOURCE_PARTITION = "loom.source.partition";
  public static final String SOURCE_OFFSET = "loom.source.offset";
  public static final String CONFIG_FINGERPRINT = "loom.config.fingerprint";

  public DeadLetter {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
  }

  /** A message its mapper refused. */
  public static DeadLetter mappingError(ConsumerRecord<byte[], byte[]> record, String topic, MappingError error) {
    return new DeadLetter(record, topic, error.kind().name().toLowerCase(Locale.ROOT), error.message(), error.path(),
        null, null);
  }

  /** A message whose row the database refused. */
  public static DeadLetter rejected(ConsumerRecord<byte[], byte[]> record, String topic, RejectedRow row) {
    return new DeadLetter(record, topic, DATABASE_REJECTED, row.toString(), null, row.sqlState(), row.table());
  }

  /** The record to publish: the original key, value and headers plus the {@code loom.*} headers. */
  public ProducerRecord<byte[], byte[]> toProducerRecord(String configFingerprint) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : record.headers()) {
      headers.add(h.key(), h.value());
    }
    add(headers, KIND, kind);
    add(headers, REASON, reason);
    add(headers, PATH, path);
    if (path != null && kind.equals("schema_violation") && (path.isEmpty() || path.startsWith("/"))) {
      add(headers, SCHEMA_POINTER, path);
    }
    add(headers, SQLSTATE, sqlState);
    add(headers, TABLE, table);
    add(headers, SOURCE_TOPIC, record.topic());
    add(headers, SOURCE_PARTITION, Integer.toString(record.partition()));
    add(headers, SOURCE_OFFSET, Long.toString(record.offset()));
    add(headers, CONFIG_FINGERPRINT, configFingerprint);
    return new ProducerRecord<>(topic, null, null, record.key(), record.value(), headers);
  }

  /** {@code topic[partition]@offset -> dead-letter topic (kind)}. */
  @Override
  public String toString() {
    return record.topic() + "[" + record.partition() + "]@" + record.offset() + " -> " + topic + " (" + kind + ")";
  }

  private static void add(RecordHeaders headers, String key, String value) {
    if (value != null) {
      headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
