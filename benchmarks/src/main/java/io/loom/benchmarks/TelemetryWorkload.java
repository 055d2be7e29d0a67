package io.loom.benchmarks;

import io.loom.mapping.SimpleSourceRecord;
import io.loom.mapping.SourceRecord;
import io.loom.mapping.TopicMapping;
import io.loom.testsupport.ReferenceWorkload;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The reference telemetry workload every Loom throughput figure uses, as the benchmarks need it: the
 * messages of {@link ReferenceWorkload} (which holds the formulas), the topic, and the 12-column mapping
 * of the {@code telemetry} table.
 */
public final class TelemetryWorkload {
  /** The topic of the workload. */
  public static final String TOPIC = "device.sensor.telemetry.raw";
  /** The target table. */
  public static final String TABLE = "telemetry";

  private TelemetryWorkload() {}

  /** Message {@code i} as UTF-8 JSON. */
  public static byte[] message(long i) {
    return ReferenceWorkload.message(i);
  }

  /** Message {@code i} as text. */
  public static String messageText(long i) {
    return ReferenceWorkload.messageText(i);
  }

  /** {@code dev-%06d} of {@code i mod 10000}: the message's device and its Kafka key. */
  public static String deviceId(long i) {
    return ReferenceWorkload.deviceId(i);
  }

  /** Messages {@code 0 .. n-1} as records of the topic's 4 partitions, keyed by device. */
  public static SourceRecord[] records(int n) {
    SourceRecord[] records = new SourceRecord[n];
    for (int i = 0; i < n; i++) {
      records[i] = new SimpleSourceRecord(TOPIC, i % 4, i, 1_795_773_600_000L + i,
          deviceId(i).getBytes(StandardCharsets.UTF_8), message(i), Map.of());
    }
    return records;
  }

  /** The 12 columns of the {@code telemetry} table, keyed by {@code (device_id, timestamp)}. */
  public static TopicMapping mapping() {
    return new TopicMapping(TOPIC, TABLE, TopicMapping.DEFAULT_UPSERT_KEY, null, ReferenceWorkload.fields());
  }
}
