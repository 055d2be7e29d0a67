package io.loom.mapping.internal;

import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.MappingCompiler;
import io.loom.mapping.MappingError;
import io.loom.mapping.RecordMapper;
import io.loom.mapping.SimpleSourceRecord;
import io.loom.mapping.SourceRecord;
import io.loom.mapping.TopicMapping;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** Shared helpers of the mapper tests: compiling field lists, building records, capturing results. */
public final class MapperFixture {
  public static final String TOPIC = "device.sensor.test";
  public static final int PARTITION = 2;
  public static final long OFFSET = 42L;
  public static final long RECORD_TIMESTAMP = 1_700_000_000_123L;

  private MapperFixture() {}

  /** The outcome of one {@code map} call. */
  public record Result(MappingError error, List<List<Object>> rows, int calls) {
    /** The only row; fails if the message was rejected or gave another number of rows. */
    public List<Object> row() {
      if (error != null) {
        throw new AssertionError("expected one row but the message was rejected: " + error);
      }
      if (rows.size() != 1) {
        throw new AssertionError("expected one row but got " + rows.size() + ": " + rows);
      }
      return rows.get(0);
    }

    /** The only value of the only row. */
    public Object value() {
      List<Object> row = row();
      if (row.size() != 1) {
        throw new AssertionError("expected one column but got " + row);
      }
      return row.get(0);
    }

    /** The error; fails if the message mapped, or if anything reached the sink. */
    public MappingError rejected() {
      if (error == null) {
        throw new AssertionError("expected a rejection but got rows " + rows);
      }
      if (calls != 0) {
        throw new AssertionError("a rejected message reached the sink with " + calls + " calls");
      }
      return error;
    }
  }

  public static TopicMapping mapping(FieldMapping... fields) {
    return new TopicMapping(TOPIC, "readings", List.of(), null, List.of(fields));
  }

  public static RecordMapper compile(FieldMapping... fields) {
    return MappingCompiler.compile(mapping(fields));
  }

  /** One column {@code v} of {@code type} read from {@code path}. */
  public static RecordMapper column(String path, DataType type) {
    return compile(FieldMapping.of(path, "v", type));
  }

  public static SourceRecord record(String json) {
    return record(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  public static SourceRecord record(byte[] value) {
    return new SimpleSourceRecord(TOPIC, PARTITION, OFFSET, RECORD_TIMESTAMP, "dev-000001".getBytes(StandardCharsets.UTF_8),
        value, Map.of("trace-id", "abc-123".getBytes(StandardCharsets.UTF_8)));
  }

  public static Result map(RecordMapper mapper, String json) {
    return map(mapper, record(json));
  }

  public static Result map(RecordMapper mapper, SourceRecord record) {
    RecordingSink sink = new RecordingSink(mapper.columns().size());
    MappingError error = mapper.map(record, sink);
    return new Result(error, List.copyOf(sink.rows()), sink.calls());
  }

  public static Instant ts(String iso) {
    return OffsetDateTime.parse(iso).toInstant();
  }

  /** Message {@code i} of the reference telemetry workload. */
  public static String telemetry(int i) {
    int dev = i % 10000;
    int sec = i / 10000;
    String[] sensors = {"temperature", "humidity", "pressure", "co2"};
    String[] units = {"celsius", "percent", "hpa", "ppm"};
    String[] zones = {"north-east-wing", "south-west-wing", "central-hall", "basement-lab"};
    Instant t = Instant.parse("2026-11-27T10:00:00Z").plusSeconds(sec).plusMillis(dev % 1000);
    String timestamp = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(java.time.ZoneOffset.UTC).format(t);
    double value = Math.round((15 + ((i * 7919L) % 2000) / 100.0) * 100) / 100.0;
    return "{\"device_id\":\"dev-" + String.format("%06d", dev) + "\",\"timestamp\":\"" + timestamp + "\","
        + "\"data\":{\"sensor_type\":\"" + sensors[i % 4] + "\",\"value\":" + value + ",\"unit\":\"" + units[i % 4] + "\"},"
        + "\"battery_level\":" + ((i * 31L) % 101) + ","
        + "\"tags\":{\"site\":\"site-" + String.format("%03d", dev % 200) + "\",\"building\":\"building-"
        + String.format("%02d", dev % 17) + "\",\"zone\":\"" + zones[dev % 4] + "\",\"firmware\":\"fw-2.14."
        + (dev % 9) + "-build.88" + (dev % 97) + "\",\"model\":\"tx9000-pro-rev-" + (char) ('a' + dev % 5)
        + "\",\"region\":\"eu-central-" + (dev % 3 + 1) + "\"}}";
  }

  /** The 12 columns of the reference telemetry table. */
  public static List<FieldMapping> telemetryFields() {
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
}
