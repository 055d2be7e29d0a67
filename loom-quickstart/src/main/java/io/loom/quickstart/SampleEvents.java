package io.loom.quickstart;

import io.loom.testsupport.ReferenceWorkload;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Realistic JSON events for the topics of the sample configuration, and now and then a bad one. Design
 * note: one generator per topic, each a small function of a sequence number and a seeded random
 * source, so that runs look alike; {@code device.sensor.telemetry.raw} follows the reference telemetry
 * workload exactly (message {@code i} as the benchmarks define it). One event in {@value #BAD_EVERY} of
 * each topic is bad: malformed JSON, a missing required field, a timestamp that is not one, a heart rate
 * its JSON Schema refuses, or a battery level the table's CHECK constraint refuses. Not thread-safe.
 */
final class SampleEvents {
  static final int BAD_EVERY = 150;

  /** The mapped topics of the sample, with how many of every 100 events go to each. */
  static final List<Weighted> TOPICS = List.of(
      new Weighted("device.sensor.telemetry.raw", 40),
      new Weighted("device.sensor.gps.raw", 10),
      new Weighted("device.sensor.accelerometer.raw", 8),
      new Weighted("device.health.heartrate.raw", 8),
      new Weighted("device.sensor.temperature.raw", 6),
      new Weighted("device.network.wifi.raw", 6),
      new Weighted("device.os.events.raw", 6),
      new Weighted("device.sensor.barometer.raw", 6),
      new Weighted("device.power.battery.raw", 6),
      new Weighted("device.audio.raw", 4));

  record Weighted(String topic, int weight) {}

  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String[] DEVICES = {
      "phone-ana", "phone-ben", "phone-chloe", "watch-ana", "watch-ben", "watch-dev", "tablet-eve", "laptop-finn"};
  private static final String[] EVENTS = {"app_launch", "screen_on", "screen_off", "power_connected", "notification"};
  private static final String[] APPS = {"com.example.mail", "com.example.maps", "com.example.music", "com.example.chat"};

  private final Random random = new Random(20261127L);
  private final long[] sequence = new long[TOPICS.size()];
  private long bad;

  /** The next event of the topic at {@code index} in {@link #TOPICS}. */
  ProducerRecord<byte[], byte[]> next(int index, Instant now) {
    String topic = TOPICS.get(index).topic();
    long i = sequence[index]++;
    String device = topic.equals("device.sensor.telemetry.raw")
        ? String.format(Locale.ROOT, "dev-%06d", i % 10000)
        : DEVICES[(int) (i % DEVICES.length)];
    String json = i % BAD_EVERY == BAD_EVERY - 1 ? badEvent(topic, i / BAD_EVERY, device, now)
        : event(topic, i, device, now);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, device.getBytes(StandardCharsets.UTF_8),
        json.getBytes(StandardCharsets.UTF_8));
    if (topic.equals("device.os.events.raw")) {
      record.headers().add("trace-id", String.format(Locale.ROOT, "%016x", random.nextLong()).getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }

  /** How many bad events were made. */
  long badEvents() {
    return bad;
  }

  private String badEvent(String topic, long n, String device, Instant now) {
    bad++;
    boolean special = topic.equals("device.health.heartrate.raw") || topic.equals("device.power.battery.raw");
    int kind = special ? (int) (n % 4) : (int) (n % 3);
    return switch (kind) {
      case 0 -> "{\"device_id\": \"" + device + "\", \"timestamp\": ";
      case 1 -> "{\"timestamp\": \"" + MILLIS.format(now) + "\", \"data\": {}}";
      case 2 -> "{\"device_id\": \"" + device + "\", \"timestamp\": \"yesterday at noon\", \"data\": {\"value\": 1}}";
      default -> topic.equals("device.power.battery.raw")
          ? "{\"device_id\": \"" + device + "\", \"timestamp\": \"" + MILLIS.format(now) + "\", \"data\": {\"level\": 150}}"
          : "{\"device_id\": \"" + device + "\", \"timestamp\": \"" + MILLIS.format(now) + "\","
              + " \"data\": {\"bpm\": 400, \"confidence\": 0.2}}";
    };
  }

  private String event(String topic, long i, String device, Instant now) {
    String ts = MILLIS.format(now);
    return switch (topic) {
      case "device.sensor.telemetry.raw" -> telemetry(i);
      case "device.sensor.gps.raw" -> "{\"device_id\":\"" + device + "\",\"timestamp\":\"" + ts
          + "\",\"schema_version\":\"v2\",\"data\":{\"latitude\":" + decimal(48.8566 + gaussian(0.01), 6)
          + ",\"longitude\":" + decimal(2.3522 + gaussian(0.01), 6) + ",\"altitude\":" + decimal(35 + gaussian(3), 1)
          + ",\"accuracy\":" + decimal(3 + random.nextDouble() * 12, 1) + ",\"heading\":"
          + decimal(random.nextDouble() * 359, 1) + ",\"speed\":" + decimal(random.nextDouble() * 2, 2)
          + ",\"provider\":\"" + (i % 5 == 0 ? "network" : "gps") + "\"}}";
      case "device.sensor.accelerometer.raw" -> accelerometer(device, now);
      case "device.health.heartrate.raw" -> "{\"device_id\":\"" + device + "\",\"timestamp\":\"" + ts
          + "\",\"data\":{\"bpm\":" + (62 + random.nextInt(40)) + ",\"confidence\":" + decimal(0.7 + random.nextDouble() * 0.3, 2)
          + ",\"rr_intervals_ms\":[" + (700 + random.nextInt(200)) + "," + (700 + random.nextInt(200)) + "]}}";
      case "device.sensor.temperature.raw" -> "{\"device_id\":\"" + device + "\",\"timestamp\":\"" + ts
          + "\",\"data\":{\"value\":" + decimal(21 + gaussian(1.5), 2) + ",\"unit\":\"celsius\",\"sensor_location\":\""
          + (i % 2 == 0 ? "living-room" : "office") + "\"}}";
      case "device.network.wifi.raw" -> "{\"device_id\":\"" + device + "\",\"timestamp\":\"" + ts
          + "\",\"data\":{\"ssid\":\"home-" + (i % 3) + "\",\"bssid\":\"a4:2b:b0:0" + (i % 10) + ":1c:7e\",\"signal_strength\":"
          + (-40 - random.nextInt(50)) + ",\"frequency\":" + (i % 2 == 0 ? 2412 : 5180) + ",\"connected\":" + (i % 7 != 0)
          + ",\"ip_address\":\"192.168.1." + (10 + i % 200) + "\",\"capabilities\":[\"WPA2-PSK-CCMP\",\"ESS\"],"
          + "\"nearby_networks\":[{\"ssid\":\"cafe-guest\",\"signal\":-78},{\"ssid\":\"neighbour\",\"signal\":-85}]}}";
      case "device.os.events.raw" -> "{\"device_id\":\"" + device + "\",\"timestamp\":\"" + ts
          + "\",\"data\":{\"event_type\":\"" + EVENTS[(int) (i % EVENTS.length)] + "\",\"app_id\":\""
          + APPS[(int) (i % APPS.length)] + "\",\"boot_time\":" + (now.toEpochMilli() - 3_600_000L)
          + ",\"details\":{\"foreground\":" + (i % 2 == 0) + ",\"battery_saver\":false}}}";
      case "device.sensor.barometer.raw" -> "{\"device_id\":\"" + device + "\",\"timestamp\":\"" + ts
          + "\",\"data\":{\"pressure\":" + decimal(1013 + gaussian(4), 2) + ",\"altitude\":" + decimal(35 + gaussian(2), 1)
          + ",\"recent_pressures\":[" + decimal(1012.8, 1) + "," + decimal(1013.1, 1) + "],\"calibration\":[{\"offset\":"
          + decimal(0.25, 2) + "}]}}";
      case "device.power.battery.raw" -> "{\"device_id\":\"" + device + "\",\"timestamp\":\"" + ts
          + "\",\"data\":{\"level\":" + (100 - i % 100) + ",\"is_charging\":" + (i % 10 < 3) + ",\"temperature\":"
          + decimal(29 + gaussian(2), 1) + ",\"voltage\":" + decimal(3.7 + random.nextDouble() * 0.5, 2)
          + (i % 10 < 3 ? ",\"charge_source\":\"usb\"" : "") + "}}";
      case "device.audio.raw" -> audio(device, ts, i);
      default -> throw new IllegalArgumentException("no generator for topic " + topic);
    };
  }

  /** Message {@code i} of the reference telemetry workload. */
  static String telemetry(long i) {
    return ReferenceWorkload.messageText(i);
  }

  private String accelerometer(String device, Instant now) {
    StringBuilder sb = new StringBuilder("{\"device_id\":\"").append(device).append("\",\"data\":{\"readings\":[");
    long start = now.toEpochMilli();
    for (int r = 0; r < 5; r++) {
      if (r > 0) {
        sb.append(',');
      }
      sb.append("{\"timestamp\":").append(start + r * 20L).append(",\"x\":").append(decimal(gaussian(0.3), 3))
          .append(",\"y\":").append(decimal(gaussian(0.3), 3)).append(",\"z\":").append(decimal(9.81 + gaussian(0.2), 3))
          .append('}');
    }
    return sb.append("],\"sampling_rate_hz\":50}}").toString();
  }

  private String audio(String device, String ts, long i) {
    byte[] chunk = new byte[48];
    random.nextBytes(chunk);
    return "{\"device_id\":\"" + device + "\",\"timestamp\":\"" + ts + "\",\"data\":{\"chunk_data\":\""
        + Base64.getEncoder().encodeToString(chunk) + "\",\"sample_rate\":16000,\"channels\":1,\"format\":\"wav\","
        + "\"duration_ms\":20,\"chunk_number\":" + i + "},\"metadata\":{\"app\":\"voice-notes\",\"gain_db\":3}}";
  }

  private double gaussian(double sigma) {
    return random.nextGaussian() * sigma;
  }

  private static String decimal(double value, int places) {
    return BigDecimal.valueOf(value).setScale(places, java.math.RoundingMode.HALF_UP).toPlainString();
  }
}
