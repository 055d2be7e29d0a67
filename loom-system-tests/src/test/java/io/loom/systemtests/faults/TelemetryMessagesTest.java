package io.loom.systemtests.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TelemetryMessagesTest {

  @Test
  void messageText_one_isTheReferenceExample() {
    assertThat(TelemetryMessages.messageText(1)).isEqualTo("{\"device_id\":\"dev-000001\",\"timestamp\":"
        + "\"2026-11-27T10:00:00.001Z\",\"data\":{\"sensor_type\":\"humidity\",\"value\":34.19,\"unit\":\"percent\"},"
        + "\"battery_level\":31,\"tags\":{\"site\":\"site-001\",\"building\":\"building-01\",\"zone\":\"south-west-wing\","
        + "\"firmware\":\"fw-2.14.1-build.881\",\"model\":\"tx9000-pro-rev-b\",\"region\":\"eu-central-2\"}}");
  }

  @Test
  void messageText_laterMessage_followsTheFormulas() {
    // i = 123457: dev 3457, sec 12, s 1; value 15 + (123457 * 7919 mod 2000) / 100 = 34.83;
    // battery (123457 * 31) mod 101 = 75
    assertThat(TelemetryMessages.messageText(123_457)).isEqualTo("{\"device_id\":\"dev-003457\",\"timestamp\":"
        + "\"2026-11-27T10:00:12.457Z\",\"data\":{\"sensor_type\":\"humidity\",\"value\":34.83,"
        + "\"unit\":\"percent\"},\"battery_level\":75,\"tags\":{\"site\":\"site-057\","
        + "\"building\":\"building-06\",\"zone\":\"south-west-wing\",\"firmware\":\"fw-2.14.1-build.8862\","
        + "\"model\":\"tx9000-pro-rev-c\",\"region\":\"eu-central-2\"}}");
  }
}
