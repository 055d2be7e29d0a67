package io.loom.benchmarks;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loom.mapping.RowSink;
import java.io.IOException;
import java.time.Instant;

/**
 * The usual way to do what the compiled mapper does, as a baseline: Jackson databind
 * {@code readTree}, a {@link JsonPointer} lookup per column and {@link Instant#parse} for the
 * timestamp, writing the same 12 telemetry values into the same {@link RowSink}. Pointers are
 * compiled once, as a careful hand-written mapper would. Thread-safe.
 */
public final class DatabindBaseline {
  private static final String[] TEXT_PATHS = {
    "/device_id", null, "/data/sensor_type", null, "/data/unit", null,
    "/tags/site", "/tags/building", "/tags/zone", "/tags/firmware", "/tags/model", "/tags/region"};

  private final ObjectMapper objectMapper = new ObjectMapper();
  private final JsonPointer[] pointers = new JsonPointer[TEXT_PATHS.length];
  private final JsonPointer timestamp = JsonPointer.compile("/timestamp");
  private final JsonPointer value = JsonPointer.compile("/data/value");
  private final JsonPointer batteryLevel = JsonPointer.compile("/battery_level");

  public DatabindBaseline() {
    for (int i = 0; i < TEXT_PATHS.length; i++) {
      pointers[i] = TEXT_PATHS[i] == null ? null : JsonPointer.compile(TEXT_PATHS[i]);
    }
  }

  /** Maps one telemetry message into one row of {@code sink}. */
  public void map(byte[] json, RowSink sink) throws IOException {
    JsonNode root = objectMapper.readTree(json);
    sink.startRow();
    text(root, 0, sink);
    JsonNode t = root.at(timestamp);
    if (t.isTextual()) {
      Instant instant = Instant.parse(t.textValue());
      sink.timestampValue(1, Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000));
    } else {
      sink.nullValue(1);
    }
    text(root, 2, sink);
    JsonNode v = root.at(value);
    if (v.isNumber()) {
      sink.doubleValue(3, v.doubleValue());
    } else {
      sink.nullValue(3);
    }
    text(root, 4, sink);
    JsonNode b = root.at(batteryLevel);
    if (b.canConvertToLong()) {
      sink.longValue(5, b.longValue());
    } else {
      sink.nullValue(5);
    }
    for (int c = 6; c < 12; c++) {
      text(root, c, sink);
    }
    sink.endRow();
  }

  private void text(JsonNode root, int column, RowSink sink) {
    JsonNode node = root.at(pointers[column]);
    if (node.isTextual()) {
      sink.stringValue(column, node.textValue());
    } else {
      sink.nullValue(column);
    }
  }
}
