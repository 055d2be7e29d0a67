package io.loom.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.MappingCompiler;
import io.loom.mapping.SimpleSourceRecord;
import io.loom.mapping.SourceRecord;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryWorkloadTest {

  @Test
  void message_one_isTheDocumentedExample() {
    assertThat(TelemetryWorkload.messageText(1)).isEqualTo("{\"device_id\":\"dev-000001\",\"timestamp\":"
        + "\"2026-11-27T10:00:00.001Z\",\"data\":{\"sensor_type\":\"humidity\",\"value\":34.19,\"unit\":\"percent\"},"
        + "\"battery_level\":31,\"tags\":{\"site\":\"site-001\",\"building\":\"building-01\",\"zone\":\"south-west-wing\","
        + "\"firmware\":\"fw-2.14.1-build.881\",\"model\":\"tx9000-pro-rev-b\",\"region\":\"eu-central-2\"}}");
  }

  @Test
  void message_followsTheFormulas() {
    long i = 123_456_789L;
    String text = TelemetryWorkload.messageText(i);
    assertThat(text).contains("\"device_id\":\"dev-006789\"", "\"timestamp\":\"2026-11-27T13:25:45.789Z\"",
        "\"sensor_type\":\"humidity\"", "\"battery_level\":" + (i * 31) % 101, "\"site\":\"site-189\"",
        "\"building\":\"building-" + String.format("%02d", 6789 % 17) + "\"", "\"zone\":\"south-west-wing\"",
        "\"firmware\":\"fw-2.14." + 6789 % 9 + "-build.88" + 6789 % 97 + "\"", "\"model\":\"tx9000-pro-rev-e\"",
        "\"region\":\"eu-central-" + (6789 % 3 + 1) + "\"");
    double value = Math.round((15 + ((i * 7919) % 2000) / 100.0) * 100) / 100.0;
    assertThat(text).contains("\"value\":" + value + ",");
  }

  @Test
  void mapperAndBaseline_produceTheSameRows() throws Exception {
    SourceRecord[] records = new SourceRecord[2000];
    for (int i = 0; i < records.length; i++) {
      records[i] = new SimpleSourceRecord(TelemetryWorkload.TOPIC, 0, i * 7919L, -1, null,
          TelemetryWorkload.message(i * 7919L), Map.of());
    }
    assertThat(SameRows.firstDifference(MappingCompiler.compile(TelemetryWorkload.mapping()), new DatabindBaseline(), records))
        .isNull();
  }
}
