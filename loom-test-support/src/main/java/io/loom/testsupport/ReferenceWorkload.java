package io.loom.testsupport;

import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The reference telemetry messages every Loom throughput figure and system test uses: message {@code
 * i} (about 307 bytes of JSON) and its key, by the formulas of the project's benchmark-data document.
 *
 * <p>{@code dev = i mod 10000}, {@code sec = i div 10000}; the timestamp is 2026-11-27T10:00:00Z plus
 * {@code sec} seconds and {@code dev mod 1000} milliseconds; {@code (device_id, timestamp)} is unique
 * for {@code i < 864,000,000}. Stateless and thread-safe.
 */
public final class ReferenceWorkload {
  private static final String[] SENSOR_TYPES = {"temperature", "humidity", "pressure", "co2"};
  private static final String[] UNITS = {"celsius", "percent", "hpa", "ppm"};
  private static final String[] ZONES = {"north-east-wing", "south-west-wing", "central-hall", "basement-lab"};
  private static final long BASE_EPOCH_SECOND = Instant.parse("2026-11-27T10:00:00Z").getEpochSecond();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private ReferenceWorkload() {}

  /** The field mappings of the reference table's 12 columns, in column order. */
  public static List<FieldMapping> fields() {
    return List.of(
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
        FieldMapping.of("tags.region", "tags_region", DataType.STRING));
  }

  /** Message {@code i} as UTF-8 JSON. */
  public static byte[] message(long i) {
    return messageText(i).getBytes(StandardCharsets.UTF_8);
  }

  /** Message {@code i} as text. */
  public static String messageText(long i) {
    int dev = (int) (i % 10_000);
    long sec = i / 10_000;
    int s = (int) (i % 4);
    StringBuilder sb = new StringBuilder(320);
    sb.append("{\"device_id\":\"").append(deviceId(i)).append('"');
    sb.append(",\"timestamp\":\"").append(timestamp(BASE_EPOCH_SECOND + sec, dev % 1000)).append('"');
    sb.append(",\"data\":{\"sensor_type\":\"").append(SENSOR_TYPES[s]).append('"');
    // value = round(15 + ((i * 7919) mod 2000) / 100, 2): printed from the integer hundredths, exactly.
    long hundredths = 1500 + (i * 7919) % 2000;
    sb.append(",\"value\":").append(hundredths / 100).append('.');
    long cents = hundredths % 100;
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

  /** {@code dev-%06d} of {@code i mod 10000}: the message's device and its Kafka key. */
  public static String deviceId(long i) {
    return "dev-" + pad((int) (i % 10_000), 6);
  }

  private static String pad(int value, int width) {
    String digits = Integer.toString(value);
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }

  private static String timestamp(long epochSecond, int millis) {
    return TIMESTAMP.format(Instant.ofEpochSecond(epochSecond, millis * 1_000_000L));
  }
}
