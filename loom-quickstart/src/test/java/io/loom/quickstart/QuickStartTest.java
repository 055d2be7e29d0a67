package io.loom.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path dir;

  @Test
  void quickStart_fillsTheTablesAndAnswersOnAFreePortWhenItsPortIsTaken() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();

      try (QuickStart qs = QuickStart.start(new QuickStart.Options(port, 400, dir), out)) {
        assertThat(qs.portNotice()).isEqualTo("port " + port + " is taken, so the admin API listens on a free port instead");
        assertThat(qs.adminUri().getPort()).isNotEqualTo(port);

        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
          assertThat(qs.rowsByTable()).containsKeys("device_sensor_telemetry_raw", "device_sensor_gps_raw",
              "device_sensor_accelerometer_raw");
          assertThat(qs.rowsByTable().get("device_sensor_telemetry_raw")).isGreaterThan(100);
          assertThat(qs.deadLettersByKind()).containsKey("malformed_json");
        });
        HttpResponse<String> status = HTTP.send(HttpRequest.newBuilder(qs.adminUri().resolve("/status")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("\"state\" : \"running\"", "device.sensor.telemetry.raw");

        qs.printWelcome(out);
        qs.printProgress(out);
      }
    }
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("Loom quick start is running.", "curl -s http://localhost:", "/status | jq .",
        "device_sensor_telemetry_raw", "Note: port ");
  }

  @Test
  void options_parseTheFlags_andNameTheBadOne() {
    QuickStart.Options o = QuickStart.Options.parse("--port", "9001", "--rate", "50", "--dir", "data/quickstart");
    assertThat(o).isEqualTo(new QuickStart.Options(9001, 50, Path.of("data/quickstart")));
    assertThat(QuickStart.Options.parse().adminPort()).isEqualTo(8001);

    assertThatThrownBy(() -> QuickStart.Options.parse("--rate", "fast"))
        .hasMessage("--rate was 'fast' but it must be a whole number");
    assertThatThrownBy(() -> QuickStart.Options.parse("--rate", "0"))
        .hasMessage("--rate was 0 but it must be at least 1");
    assertThatThrownBy(() -> QuickStart.Options.parse("--verbose"))
        .hasMessage("unknown argument '--verbose'; expected --port N, --rate N or --dir PATH");
  }

  @Test
  void telemetry_followsTheReferenceWorkload() {
    assertThat(SampleEvents.telemetry(1)).isEqualTo("{\"device_id\":\"dev-000001\",\"timestamp\":"
        + "\"2026-11-27T10:00:00.001Z\",\"data\":{\"sensor_type\":\"humidity\",\"value\":34.19,\"unit\":\"percent\"},"
        + "\"battery_level\":31,\"tags\":{\"site\":\"site-001\",\"building\":\"building-01\",\"zone\":\"south-west-wing\","
        + "\"firmware\":\"fw-2.14.1-build.881\",\"model\":\"tx9000-pro-rev-b\",\"region\":\"eu-central-2\"}}");
  }
}
