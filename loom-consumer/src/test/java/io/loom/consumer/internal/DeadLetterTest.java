package io.loom.consumer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.MappingError;
import io.loom.sink.RejectedRow;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
  private static ConsumerRecord<byte[], byte[]> original() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace-id", bytes("t-1"));
    return new ConsumerRecord<>("device.sensor.gps.raw", 2, 41L, 1_700_000_000_000L, TimestampType.CREATE_TIME, 5, 9,
        bytes("dev-1"), bytes("{\"lat\":x}"), headers, Optional.empty());
  }

  @Test
  void mappingError_keepsTheMessageAndAddsItsReason() {
    MappingError error = new MappingError(MappingError.Kind.WRONG_TYPE, "device.sensor.gps.raw", 2, 41L, "data.lat",
        "x", "expected a number");
    ProducerRecord<byte[], byte[]> record = DeadLetter.mappingError(original(), "gps.dlq", error)
        .toProducerRecord("abc123");

    assertThat(record.topic()).isEqualTo("gps.dlq");
    assertThat(record.partition()).isNull();
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("dev-1");
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"lat\":x}");
    assertThat(headers(record)).containsExactly(
        Map.entry("trace-id", "t-1"),
        Map.entry("loom.error.kind", "wrong_type"),
        Map.entry("loom.error.reason", "device.sensor.gps.raw[2]@41 wrong_type at data.lat value 'x': expected a number"),
        Map.entry("loom.error.path", "data.lat"),
        Map.entry("loom.source.topic", "device.sensor.gps.raw"),
        Map.entry("loom.source.partition", "2"),
        Map.entry("loom.source.offset", "41"),
        Map.entry("loom.config.fingerprint", "abc123"));
  }

  @Test
  void schemaViolation_carriesTheJsonPointer_andAnUnknownVersionDoesNot() {
    MappingError broken = new MappingError(MappingError.Kind.SCHEMA_VIOLATION, "device.sensor.gps.raw", 2, 41L,
        "/lat", null, "breaks schema v1: /lat: string found, number expected");
    MappingError whole = new MappingError(MappingError.Kind.SCHEMA_VIOLATION, "device.sensor.gps.raw", 2, 41L,
        "", null, "breaks schema v1: (document): array found, object expected");
    MappingError unknown = new MappingError(MappingError.Kind.SCHEMA_VIOLATION, "device.sensor.gps.raw", 2, 41L,
        "schema_version", "v9", "schema version 'v9' does not exist");

    assertThat(headers(DeadLetter.mappingError(original(), "gps.dlq", broken).toProducerRecord("f")))
        .containsEntry("loom.error.schema.pointer", "/lat")
        .containsEntry("loom.error.reason", "device.sensor.gps.raw[2]@41 schema_violation at /lat: breaks schema v1:"
            + " /lat: string found, number expected");
    assertThat(headers(DeadLetter.mappingError(original(), "gps.dlq", whole).toProducerRecord("f")))
        .containsEntry("loom.error.schema.pointer", "");
    assertThat(headers(DeadLetter.mappingError(original(), "gps.dlq", unknown).toProducerRecord("f")))
        .doesNotContainKey("loom.error.schema.pointer")
        .containsEntry("loom.error.path", "schema_version");
  }

  @Test
  void rejectedRow_carriesTheSqlStateAndTable() {
    RejectedRow row = new RejectedRow("device.sensor.gps.raw", 2, 41L, "gps", "22003", "value out of range in column alt");
    ProducerRecord<byte[], byte[]> record = DeadLetter.rejected(original(), "gps.dlq", row).toProducerRecord("abc123");

    assertThat(headers(record)).containsExactly(
        Map.entry("trace-id", "t-1"),
        Map.entry("loom.error.kind", "database_rejected"),
        Map.entry("loom.error.reason", "device.sensor.gps.raw[2]@41 gps: 22003 value out of range in column alt"),
        Map.entry("loom.error.sqlstate", "22003"),
        Map.entry("loom.error.table", "gps"),
        Map.entry("loom.source.topic", "device.sensor.gps.raw"),
        Map.entry("loom.source.partition", "2"),
        Map.entry("loom.source.offset", "41"),
        Map.entry("loom.config.fingerprint", "abc123"));
  }

  private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
    Map<String, String> map = new LinkedHashMap<>();
    for (Header h : record.headers()) {
      map.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return map;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
