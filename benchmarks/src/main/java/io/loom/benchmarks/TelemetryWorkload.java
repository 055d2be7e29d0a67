package io.loom.benchmarks;

import io.loom.mapping.TopicMapping;
import io.loom.testsupport.ReferenceWorkload;

/**
 * The reference telemetry workload every Loom throughput figure uses: message {@code i} (about 307
 * bytes of JSON), its key, and the 12-column mapping of the {@code telemetry} table.
 *
 * <p>Message {@code i}: {@code dev = i mod 10000}, {@code sec = i div 10000}; the timestamp is
 * 2026-11-27T10:00:00Z plus {@code sec} seconds and {@code dev mod 1000} milliseconds; the other
 * fields follow the formulas in the comments below. {@code (device_id, timestamp)} is unique for
 * {@code i < 864,000,000}.
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

  /** The 12 columns of the {@code telemetry} table, keyed by {@code (device_id, timestamp)}. */
  public static TopicMapping mapping() {
    return new TopicMapping(TOPIC, TABLE, TopicMapping.DEFAULT_UPSERT_KEY, null, ReferenceWorkload.fields());
  }
}
