package io.loom.systemtests.faults;

import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference telemetry messages (message {@code i}, about 307 bytes, key {@code dev-%06d} of {@code i mod
 * 10000}) and an append-only mapping of them that also records each message's Kafka partition and offset,
 * so that a duplicate or a missing message shows in the table.
 *
 * <p>Design note: the formulas are those of the reference workload; they are repeated here because the
 * benchmarks module is not a dependency of the system tests. {@code (device_id, timestamp)} is unique per
 * message, which gives a second, content-based check besides {@code (partition, offset)}. Stateless.
 */
final class TelemetryMessages {
  private static final String[] SENSOR_TYPES = {"temperature", "humidity", "pressure", "co2"};
  private static final String[] UNITS = {"celsius", "percent", "hpa", "ppm"};
  private static final String[] ZONES = {"north-east-wing", "south-west-wing", "central-hall", "basement-lab"};
  private static final long BASE_EPOCH_SECOND = Instant.parse("2026-11-27T10:00:00Z").getEpochSecond();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private TelemetryMessages() {}

  /** Message {@code i} as UTF-8 JSON. */
  static byte[] message(long i) {
    return messageText(i).getBytes(StandardCharsets.UTF_8);
  }

  /** Message {@code i} as text. */
  static String messageText(long i) {
    int dev = (int) (i % 10_000);
    long sec = i / 10_000;
    int s = (int) (i % 4);
    StringBuilder sb = new StringBuilder(320);
    sb.append("{\"device_id\":\"").append(deviceId(i)).append('"');
    sb.append(",\"timestamp\":\"")
        .append(TIMESTAMP.format(Instant.ofEpochSecond(BASE_EPOCH_SECOND + sec, (dev % 1000) * 1_000_000L)))
        .append('"');
    sb.append(",\"data\":{\"sensor_type\":\"").append(SENSOR_TYPES[s]).append('"');
    long hundredths = 1500 + (i * 7919) % 2000;
    long cents = hundredths % 100;
    sb.append(",\"value\":").append(hundredths / 100).append('.');
    if (cents == 0) {
      sb.append('0');
    } else {
      sb.append(cents / 10);
      if (cents % 10 != 0) {
        sb.append(cents % 10);
      }
    }
    sb.append(",\"unit\":\"").append(UNITS[s]).append("\"}");
    sb.append(",\"battery_level\":").append((i * 31) % 101);
    sb.append(",\"tags\":{\"site\":\"site-").append(pad(dev % 200, 3)).append('"');
    sb.append(",\"building\":\"building-").append(pad(dev % 17, 2)).append('"');
    sb.append(",\"zone\":\"").append(ZONES[dev % 4]).append('"');
    sb.append(",\"firmware\":\"fw-2.14.").append(dev % 9).append("-build.88").append(dev % 97).append('"');
    sb.append(",\"model\":\"tx9000-pro-rev-").append((char) ('a' + dev % 5)).append('"');
    sb.append(",\"region\":\"eu-central-").append(dev % 3 + 1).append("\"}}");
    return sb.toString();
  }

  /** {@code dev-%06d} of {@code i mod 10000}: the device of message {@code i} and its Kafka key. */
  static String deviceId(long i) {
    return "dev-" + pad((int) (i % 10_000), 6);
  }

  /** The topic's registry entry. */
  static TopicDefinition topic(String name, int partitions) {
    TopicDefinition base = TopicDefinition.of(name, "reference telemetry for fault injection");
    return new TopicDefinition(base.topicName(), base.category(), base.source(), base.datatype(), base.stage(),
        base.description(), base.retentionDays(), partitions, base.replicationFactor(), base.compressionType(), true);
  }

  /** The append-only mapping (no upsert key): the 12 reference columns plus partition and offset. */
  static TopicMapping mapping(String topic, String table) {
    List<FieldMapping> fields = new ArrayList<>(List.of(
        FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
        FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP).withRequired(true),
        FieldMapping.of("data.sensor_type", "data_sensor_type", DataType.STRING),
        FieldMapping.of("data.value", "data_value", DataType.FLOAT),
        FieldMapping.of("data.unit", "data_unit", DataType.STRING),
        FieldMapping.of("battery_level", "battery_level", DataType.INTEGER),
        FieldMapping.of("tags.site", "tags_site", DataType.STRING),
        FieldMapping.of("tags.building", "tags_building", DataType.STRING),
        FieldMapping.of("tags.zone", "tags_zone", DataType.STRING),
        FieldMapping.of("tags.firmware", "tags_firmware", DataType.STRING),
        FieldMapping.of("tags.model", "tags_model", DataType.STRING),
        FieldMapping.of("tags.region", "tags_region", DataType.STRING)));
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

  private static String pad(int value, int width) {
    String digits = Integer.toString(value);
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }
}
