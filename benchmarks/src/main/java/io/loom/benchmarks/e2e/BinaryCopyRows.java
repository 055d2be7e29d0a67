package io.loom.benchmarks.e2e;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;

/**
 * The rows of the reference telemetry workload in PostgreSQL's binary COPY format, for the database-only
 * ceiling: message {@code i}'s 12 column values computed from the workload's formulas (the same values
 * the mapper reads out of the JSON) and encoded as a complete COPY stream (header, tuples, trailer).
 *
 * <p>Design: built entirely in memory before the clock starts, so that the ceiling measures PostgreSQL
 * alone. Text is UTF-8, {@code timestamptz} microseconds since 2000-01-01 UTC, {@code float8} and
 * {@code int4} big-endian.
 */
final class BinaryCopyRows {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
  private static final long POSTGRES_EPOCH_SECOND = 946_684_800L;
  private static final long BASE_SECOND = Instant.parse("2026-11-27T10:00:00Z").getEpochSecond();
  private static final String[] SENSOR_TYPES = {"temperature", "humidity", "pressure", "co2"};
  private static final String[] UNITS = {"celsius", "percent", "hpa", "ppm"};
  private static final String[] ZONES = {"north-east-wing", "south-west-wing", "central-hall", "basement-lab"};

  private BinaryCopyRows() {}

  /** A COPY stream of messages {@code from .. to-1}. */
  static byte[] encode(long from, long to) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, (to - from) * 200 + 32));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(SIGNATURE);
      out.writeInt(0);
      out.writeInt(0);
      for (long i = from; i < to; i++) {
        int dev = (int) (i % 10_000);
        int s = (int) (i % 4);
        out.writeShort(12);
        text(out, String.format(Locale.ROOT, "dev-%06d", dev));
        out.writeInt(8);
        long seconds = BASE_SECOND + i / 10_000 - POSTGRES_EPOCH_SECOND;
        out.writeLong(seconds * 1_000_000L + (dev % 1000) * 1000L);
        text(out, SENSOR_TYPES[s]);
        out.writeInt(8);
        out.writeDouble((1500 + (i * 7919) % 2000) / 100.0);
        text(out, UNITS[s]);
        out.writeInt(4);
        out.writeInt((int) ((i * 31) % 101));
        text(out, String.format(Locale.ROOT, "site-%03d", dev % 200));
        text(out, String.format(Locale.ROOT, "building-%02d", dev % 17));
        text(out, ZONES[dev % 4]);
        text(out, "fw-2.14." + (dev % 9) + "-build.88" + (dev % 97));
        text(out, "tx9000-pro-rev-" + (char) ('a' + dev % 5));
        text(out, "eu-central-" + (dev % 3 + 1));
      }
      out.writeShort(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void text(DataOutputStream out, String value) throws IOException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }
}
