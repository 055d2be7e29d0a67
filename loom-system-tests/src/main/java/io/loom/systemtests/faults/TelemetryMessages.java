package io.loom.systemtests.faults;

import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.testsupport.ReferenceWorkload;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference telemetry messages (message {@code i}, about 307 bytes, key {@code dev-%06d} of {@code i mod
 * 10000}) and an append-only mapping of them that also records each message's Kafka partition and offset,
 * so that a duplicate or a missing message shows in the table.
 *
 * <p>Design note: the messages come from {@link ReferenceWorkload}. {@code (device_id, timestamp)} is unique per
 * message, which gives a second, content-based check besides {@code (partition, offset)}. Stateless.
 */
final class TelemetryMessages {
  private TelemetryMessages() {}

  /** Message {@code i} as UTF-8 JSON. */
  static byte[] message(long i) {
    return ReferenceWorkload.message(i);
  }

  /** Message {@code i} as text. */
  static String messageText(long i) {
    return ReferenceWorkload.messageText(i);
  }

  /** {@code dev-%06d} of {@code i mod 10000}: the message's device and its Kafka key. */
  static String deviceId(long i) {
    return ReferenceWorkload.deviceId(i);
  }

  static TopicDefinition topic(String name, int partitions) {
    TopicDefinition base = TopicDefinition.of(name, "reference telemetry for fault injection");
    return new TopicDefinition(base.topicName(), base.category(), base.source(), base.datatype(), base.stage(),
        base.description(), base.retentionDays(), partitions, base.replicationFactor(), base.compressionType(), true);
  }

  /** The append-only mapping (no upsert key): the 12 reference columns plus partition and offset. */
  static TopicMapping mapping(String topic, String table) {
    List<FieldMapping> fields = new ArrayList<>(ReferenceWorkload.fields());
    fields.add(FieldMapping.of("$kafka.partition", "kafka_partition", DataType.INTEGER).withRequired(true));
    fields.add(FieldMapping.of("$kafka.offset", "kafka_offset", DataType.INTEGER).withRequired(true));
    return new TopicMapping(topic, table, List.of(), null, fields);
  }

  /** The target table: no key and no index, so that nothing in the database hides a duplicate. */
  static String createTable(String table) {
    return "CREATE TABLE " + table + " (device_id text NOT NULL, \"timestamp\" timestamptz NOT NULL,"
        + " data_sensor_type text, data_value double precision, data_unit text, battery_level int,"
        + " tags_site text, tags_building text, tags_zone text, tags_firmware text, tags_model text,"
        + " tags_region text, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL)";
  }
}
