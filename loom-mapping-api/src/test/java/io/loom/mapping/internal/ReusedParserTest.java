package io.loom.mapping.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.MappingError;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.Transformation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The fast path (one non-blocking parser per thread, fed message after message) must give exactly
 * what the reference path (a fresh blocking parser per message) gives, whatever came before.
 */
class ReusedParserTest {
  private static final TopicMapping MAPPING = MapperFixture.mapping(
      FieldMapping.of("device_id", "device_id", DataType.STRING),
      FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP),
      FieldMapping.of("data.value", "value", DataType.FLOAT),
      FieldMapping.of("data.n", "n", DataType.INTEGER),
      FieldMapping.of("tags", "tags", DataType.ARRAY),
      FieldMapping.of("j", "j", DataType.JSON),
      FieldMapping.of("s", "s", DataType.STRING).withTransformation(Transformation.JSON_STRINGIFY),
      FieldMapping.of("data.x[1]", "x1", DataType.STRING),
      FieldMapping.of("items[*].value", "ev", DataType.FLOAT),
      FieldMapping.of("items[*].x", "ex", DataType.JSON));

  private final CompiledRecordMapper fast = CompiledRecordMapper.compile(MAPPING, true);
  private final CompiledRecordMapper reference = CompiledRecordMapper.compile(MAPPING, false);

  /** Rows (JSON canonicalised) or the error message. */
  private static Object outcome(CompiledRecordMapper mapper, byte[] value) {
    RecordingSink sink = new RecordingSink(mapper.columns().size());
    MappingError error = mapper.map(MapperFixture.record(value), sink);
    return error != null ? error.message() : sink.rows();
  }

  private void assertSame(byte[] value) {
    assertThat(outcome(fast, value)).as(new String(value, StandardCharsets.UTF_8)).isEqualTo(outcome(reference, value));
  }

  private void assertSame(String value) {
    assertSame(value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void trailingContent_isRefusedLikeTheReference_andTheNextMessageIsUnharmed() {
    for (String bad : List.of("{\"device_id\":\"a\"} \"abc}", "{\"device_id\":\"a\"} tr", "{\"device_id\":\"a\"} 12",
        "{\"device_id\":\"a\"}{\"device_id\":\"b\"}", "{\"device_id\":\"a\"}]", "{\"device_id\":\"a\"} {", "[1] [")) {
      assertSame(bad);
      assertSame("{\"device_id\":\"next\",\"j\":{\"k\" : [1, 2]}}");
    }
  }

  @Test
  void truncatedAndScalarDocuments_areRefusedLikeTheReference() {
    for (String bad : List.of("{\"device_id\":\"a\"", "{\"device_id\":", "{\"device_id\"", "{\"j\":{\"x\":[1,2", "[{\"device_id\":1},",
        "{\"other\":{\"a\":[1]}", "12", "\"text\"", "true", "  ", "{\"device_id\":\"a\\u0000\"}", "{\"device_id\":tru}")) {
      assertSame(bad);
      assertSame("{\"device_id\":\"next\"}");
    }
  }

  @Test
  void blanksAroundTheDocument_areAccepted() {
    assertSame(" \n {\"device_id\":\"a\",\"j\":[ 1 ]} \r\n\t ");
    assertThat(outcome(fast, " {\"device_id\":\"a\",\"items\":[{\"value\":1}]}\n".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(List.of(Arrays.asList("a", null, null, null, null, null, null, null, 1.0, null)));
  }

  @Test
  void manyMessages_outliveTheParserReplacement() {
    for (int i = 0; i < 70_000; i++) {
      String json = "{\"device_id\":\"d" + i + "\",\"j\":{\"i\":" + i + "},\"items\":[{\"value\":" + i + "}]}";
      RecordingSink sink = new RecordingSink(10);
      assertThat(fast.map(MapperFixture.record(json), sink)).isNull();
      assertThat(sink.rows().get(0).get(0)).isEqualTo("d" + i);
      assertThat(sink.rows().get(0).get(5)).isEqualTo(new RecordingSink.Json("{\"i\":" + i + "}"));
    }
  }

  @Property(tries = 300)
  void sequencesOfMessages_mapLikeTheReference(@ForAll @IntRange(min = 1, max = 30) int count, @ForAll Random r) {
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] doc = JsonGenerator.anyJson(r, 4, r.nextInt(3) == 0).getBytes(StandardCharsets.UTF_8);
      switch (r.nextInt(6)) {
        case 0 -> doc = Arrays.copyOf(doc, r.nextInt(doc.length + 1));
        case 1 -> doc[r.nextInt(doc.length)] = (byte) "{}[]\",: 0x".charAt(r.nextInt(10));
        case 2 -> doc = (new String(doc, StandardCharsets.UTF_8) + " \n" + (r.nextBoolean() ? "" : "x")).getBytes(StandardCharsets.UTF_8);
        default -> { }
      }
      messages.add(doc);
    }
    for (byte[] doc : messages) {
      assertSame(doc);
    }
  }
}
