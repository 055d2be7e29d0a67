package io.loom.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.internal.CanonicalJson;
import io.loom.mapping.internal.JsonGenerator;
import io.loom.mapping.internal.JsonGenerator.RawJson;
import io.loom.mapping.internal.JsonGenerator.RawNumber;
import io.loom.mapping.internal.MapperFixture;
import io.loom.mapping.internal.RecordingSink;
import io.loom.mapping.internal.RecordingSink.Bytes;
import io.loom.mapping.internal.RecordingSink.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the mapper over random input: nothing makes it throw, a rejected message never reaches
 * the sink, and a valid random record maps to what an independent reference (a tree from
 * {@link CanonicalJson#parse}, converted with {@code BigDecimal}, {@code OffsetDateTime} and
 * {@code java.util.Base64}) expects.
 */
class RecordMapperPropertiesTest {
  private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  /** A mapping touching every type, transformation and path form. */
  private static final RecordMapper BROAD = MapperFixture.compile(
      FieldMapping.of("device_id", "device_id", DataType.STRING),
      FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP),
      FieldMapping.of("data.value", "value", DataType.FLOAT),
      FieldMapping.of("data.n", "n", DataType.INTEGER).withDefaultValue("3"),
      FieldMapping.of("b", "b", DataType.BOOLEAN),
      FieldMapping.of("tags", "tags", DataType.ARRAY),
      FieldMapping.of("data.items", "vec", DataType.FLOAT_ARRAY),
      FieldMapping.of("j", "j", DataType.JSON),
      FieldMapping.of("p", "p", DataType.STRING).withTransformation(Transformation.BASE64_DECODE),
      FieldMapping.of("s", "s", DataType.STRING).withTransformation(Transformation.JSON_STRINGIFY),
      FieldMapping.of("t", "t", DataType.TIMESTAMP).withTransformation(Transformation.TIMESTAMP_PARSE),
      FieldMapping.of("data.x[1]", "x1", DataType.STRING),
      FieldMapping.of("items[*].value", "ev", DataType.FLOAT),
      FieldMapping.of("items[*].x", "ex", DataType.JSON),
      FieldMapping.of("items[0]", "first", DataType.JSON),
      FieldMapping.of("$kafka.key", "key", DataType.STRING));

  private static void assertWellBehaved(RecordMapper mapper, SourceRecord record) {
    RecordingSink sink = new RecordingSink(mapper.columns().size());
    MappingError error = mapper.map(record, sink);
    if (error != null) {
      assertThat(sink.calls()).as("calls for a rejected message: %s", error).isZero();
      assertThat(error.kind()).isNotNull();
      assertThat(error.rule()).isNotBlank();
      assertThat(error.topic()).isEqualTo(record.topic());
      assertThat(error.offset()).isEqualTo(record.offset());
      assertThat(error.value() == null || error.value().length() <= MappingError.MAX_VALUE_LENGTH + 3).isTrue();
    }
  }

  @Provide
  Arbitrary<String> hostileDocuments() {
    return Arbitraries.randomValue(r -> JsonGenerator.anyJson(r, 6, true));
  }

  @Property(tries = 3000)
  void anyJson_neverThrowsAndRejectsWithoutWriting(@ForAll("hostileDocuments") String json) {
    assertWellBehaved(BROAD, MapperFixture.record(json));
  }

  @Property(tries = 2000)
  void anyBytes_neverThrow(@ForAll @Size(max = 64) byte[] bytes) {
    assertWellBehaved(BROAD, MapperFixture.record(bytes));
  }

  @Property(tries = 1000)
  void corruptedJson_neverThrows(@ForAll("hostileDocuments") String json, @ForAll Random r) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 3 && bytes.length > 0; i++) {
      String noise = "{}[]\",:\\ 0e-.nt\u00ff";
      bytes[r.nextInt(bytes.length)] = (byte) noise.charAt(r.nextInt(noise.length()));
    }
    assertWellBehaved(BROAD, MapperFixture.record(bytes));
  }

  @Provide
  Arbitrary<String> validDocuments() {
    return Arbitraries.randomValue(r -> JsonGenerator.anyJson(r, 4, false));
  }

  @Property(tries = 300)
  void truncatedJson_isAlwaysMalformed(@ForAll("validDocuments") String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut < bytes.length; cut++) {
      RecordingSink sink = new RecordingSink(BROAD.columns().size());
      MappingError error = BROAD.map(MapperFixture.record(Arrays.copyOf(bytes, cut)), sink);
      assertThat(error).as("prefix of %d bytes of %s", cut, json).isNotNull();
      assertThat(error.kind()).isEqualTo(MappingError.Kind.MALFORMED_JSON);
      assertThat(sink.calls()).isZero();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Valid records against a reference implementation

  private static final List<FieldMapping> REFERENCE_FIELDS = List.of(
      FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
      FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP),
      FieldMapping.of("data.value", "value", DataType.FLOAT),
      FieldMapping.of("data.count", "count", DataType.INTEGER),
      FieldMapping.of("flag", "flag", DataType.BOOLEAN),
      FieldMapping.of("note", "note", DataType.STRING),
      FieldMapping.of("tags", "tags", DataType.ARRAY),
      FieldMapping.of("vec", "vec", DataType.FLOAT_ARRAY),
      FieldMapping.of("data.extra", "extra", DataType.JSON),
      FieldMapping.of("payload", "payload", DataType.STRING).withTransformation(Transformation.BASE64_DECODE),
      FieldMapping.of("items[1].name", "second_name", DataType.STRING),
      FieldMapping.of("$kafka.offset", "offset", DataType.INTEGER),
      FieldMapping.of("level", "level", DataType.INTEGER).withDefaultValue("7"),
      FieldMapping.of("raw", "raw", DataType.STRING).withTransformation(Transformation.JSON_STRINGIFY));

  private static final RecordMapper REFERENCE_MAPPER = MapperFixture.compile(REFERENCE_FIELDS.toArray(new FieldMapping[0]));

  @Provide
  Arbitrary<String> validRecords() {
    return Arbitraries.randomValue(RecordMapperPropertiesTest::validRecord);
  }

  private static String validRecord(Random r) {
    Map<String, Object> data = new LinkedHashMap<>();
    maybe(r, data, "value", () -> r.nextBoolean() ? number(r) : Double.toString(r.nextGaussian() * 1000));
    maybe(r, data, "count", () -> switch (r.nextInt(3)) {
      case 0 -> new RawNumber(Long.toString(r.nextLong()));
      case 1 -> Long.toString(r.nextInt());
      default -> new RawNumber(r.nextInt(1000) + ".000");
    });
    maybe(r, data, "extra", () -> new RawJson(JsonGenerator.anyJson(r, 3, false)));
    data.put("ignored", new RawJson(JsonGenerator.anyJson(r, 3, false)));

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("device_id", JsonGenerator.randomText(r));
    maybe(r, doc, "timestamp", () -> switch (r.nextInt(4)) {
      case 0 -> JsonGenerator.randomIso(r);
      case 1 -> new RawNumber(Long.toString(1_000_000_000L + (long) (r.nextDouble() * 1e15)));
      case 2 -> Long.toString(r.nextInt(2_000_000_000));
      default -> new RawNumber(r.nextInt(2_000_000_000) + "." + r.nextInt(1_000_000_000));
    });
    maybe(r, doc, "data", () -> data);
    maybe(r, doc, "flag", () -> r.nextBoolean() ? (Object) r.nextBoolean() : Boolean.toString(r.nextBoolean()));
    maybe(r, doc, "note", () -> switch (r.nextInt(3)) {
      case 0 -> JsonGenerator.randomText(r);
      case 1 -> new RawNumber(BigDecimal.valueOf(r.nextInt(1_000_000) + 1, r.nextInt(5)).toPlainString());
      default -> r.nextBoolean();
    });
    maybe(r, doc, "tags", () -> {
      List<Object> tags = new ArrayList<>();
      for (int i = r.nextInt(5); i > 0; i--) {
        tags.add(switch (r.nextInt(4)) {
          case 0 -> JsonGenerator.randomText(r);
          case 1 -> new RawNumber(Integer.toString(r.nextInt(1000)));
          case 2 -> r.nextBoolean();
          default -> null;
        });
      }
      return tags;
    });
    maybe(r, doc, "vec", () -> {
      List<Object> vec = new ArrayList<>();
      for (int i = r.nextInt(5); i > 0; i--) {
        vec.add(r.nextBoolean() ? number(r) : Double.toString(r.nextDouble()));
      }
      return vec;
    });
    maybe(r, doc, "payload", () -> {
      byte[] bytes = new byte[r.nextInt(20)];
      r.nextBytes(bytes);
      return (r.nextBoolean() ? Base64.getEncoder() : Base64.getUrlEncoder().withoutPadding()).encodeToString(bytes);
    });
    maybe(r, doc, "items", () -> {
      List<Object> items = new ArrayList<>();
      for (int i = r.nextInt(4); i > 0; i--) {
        items.add(Map.of("name", JsonGenerator.randomText(r)));
      }
      return items;
    });
    maybe(r, doc, "level", () -> new RawNumber(Integer.toString(r.nextInt(100))));
    maybe(r, doc, "raw", () -> new RawJson(JsonGenerator.anyJson(r, 2, false)));

    List<Map.Entry<String, Object>> entries = new ArrayList<>(doc.entrySet());
    Collections.shuffle(entries, r);
    Map<String, Object> shuffled = new LinkedHashMap<>();
    entries.forEach(e -> shuffled.put(e.getKey(), e.getValue()));
    return JsonGenerator.write(shuffled, r);
  }

  private static RawNumber number(Random r) {
    return new RawNumber(switch (r.nextInt(4)) {
      case 0 -> Integer.toString(r.nextInt());
      case 1 -> Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
      case 2 -> r.nextInt(100) + "e" + (r.nextInt(20) - 10);
      default -> BigDecimal.valueOf(r.nextLong(), r.nextInt(30)).toString();
    });
  }

  /** Puts a value, null, or nothing. */
  private static void maybe(Random r, Map<String, Object> into, String name, java.util.function.Supplier<Object> value) {
    int pick = r.nextInt(10);
    if (pick < 8) {
      into.put(name, value.get());
    } else if (pick == 8) {
      into.put(name, null);
    }
  }

  @Property(tries = 2000)
  void validRecord_mapsLikeTheReference(@ForAll("validRecords") String json) {
    RecordingSink sink = new RecordingSink(REFERENCE_FIELDS.size());
    MappingError error = REFERENCE_MAPPER.map(MapperFixture.record(json), sink);
    assertThat(error).as("%s", json).isNull();
    assertThat(sink.rows()).hasSize(1);
    List<Object> actual = sink.rows().get(0).stream().map(RecordMapperPropertiesTest::canonical).toList();
    assertThat(actual).as("%s", json).isEqualTo(reference(json));
  }

  private static Object canonical(Object value) {
    return value instanceof Json json ? new Json(CanonicalJson.canonical(json.text())) : value;
  }

  /** The expected row, computed from a tree of the document without the mapper's code. */
  @SuppressWarnings("unchecked")
  private static List<Object> reference(String json) {
    Map<String, Object> doc = (Map<String, Object>) CanonicalJson.parse(json);
    Map<String, Object> data = doc.get("data") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    List<Object> row = new ArrayList<>();
    row.add(doc.get("device_id"));
    row.add(doc.get("timestamp") == null ? null : RecordingSink.instant(timestampMicros(doc.get("timestamp"))));
    row.add(data.get("value") == null ? null : decimal(data.get("value")).doubleValue());
    row.add(data.get("count") == null ? null : decimal(data.get("count")).longValueExact());
    row.add(doc.get("flag") == null ? null : Boolean.valueOf(doc.get("flag").toString()));
    row.add(doc.get("note") == null ? null : doc.get("note") instanceof BigDecimal n ? n.toPlainString() : doc.get("note").toString());
    row.add(doc.get("tags") == null ? null : ((List<Object>) doc.get("tags")).stream()
        .map(e -> e == null ? null : e instanceof BigDecimal n ? n.toPlainString() : e.toString()).toList());
    row.add(doc.get("vec") == null ? null : ((List<Object>) doc.get("vec")).stream().map(e -> decimal(e).doubleValue()).toList());
    row.add(data.get("extra") == null ? null : new Json(CanonicalJson.write(data.get("extra"))));
    row.add(doc.get("payload") == null ? null : Bytes.of(Base64.getUrlDecoder().decode(
        doc.get("payload").toString().replace('+', '-').replace('/', '_'))));
    List<Object> items = doc.get("items") instanceof List<?> l ? (List<Object>) l : List.of();
    row.add(items.size() > 1 ? ((Map<String, Object>) items.get(1)).get("name") : null);
    row.add(MapperFixture.OFFSET);
    row.add(doc.get("level") == null ? 7L : decimal(doc.get("level")).longValueExact());
    row.add(doc.get("raw") == null ? null : new Json(CanonicalJson.write(doc.get("raw"))));
    return Collections.unmodifiableList(new ArrayList<>(row));
  }

  private static BigDecimal decimal(Object value) {
    return value instanceof BigDecimal n ? n : new BigDecimal(value.toString());
  }

  private static long timestampMicros(Object value) {
    if (value instanceof String text && !JSON_NUMBER.matcher(text).matches()) {
      String iso = text.charAt(10) == ' ' ? text.substring(0, 10) + "T" + text.substring(11) : text;
      iso = iso.replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2");
      OffsetDateTime t = OffsetDateTime.parse(iso);
      return t.toEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }
    BigDecimal epoch = decimal(value);
    BigDecimal magnitude = epoch.abs();
    long unit = magnitude.compareTo(new BigDecimal("1e11")) < 0 ? 1_000_000L
        : magnitude.compareTo(new BigDecimal("1e14")) < 0 ? 1_000L : 1L;
    return epoch.multiply(BigDecimal.valueOf(unit)).setScale(0, RoundingMode.FLOOR).longValueExact();
  }

  // ---------------------------------------------------------------------------------------------
  // Top-level arrays and explode against the reference

  private static final RecordMapper EXPLODING = MapperFixture.compile(
      FieldMapping.of("id", "id", DataType.STRING),
      FieldMapping.of("readings[*].v", "v", DataType.INTEGER),
      FieldMapping.of("readings[*].unit", "unit", DataType.STRING).withDefaultValue("none"),
      FieldMapping.of("$kafka.partition", "partition", DataType.INTEGER));

  @Provide
  Arbitrary<String> batches() {
    return Arbitraries.randomValue(r -> {
      List<Object> messages = new ArrayList<>();
      for (int m = r.nextInt(4); m >= 0; m--) {
        Map<String, Object> message = new LinkedHashMap<>();
        List<Object> readings = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          Map<String, Object> reading = new LinkedHashMap<>();
          maybe(r, reading, "v", () -> new RawNumber(Integer.toString(r.nextInt())));
          maybe(r, reading, "unit", () -> JsonGenerator.randomText(r));
          readings.add(reading);
        }
        maybe(r, message, "readings", () -> readings);
        message.put("id", "m" + m);
        messages.add(message);
      }
      return JsonGenerator.write(messages.size() == 1 && r.nextBoolean() ? messages.get(0) : messages, r);
    });
  }

  @Property(tries = 1000)
  void batchesAndExplodedArrays_mapLikeTheReference(@ForAll("batches") String json) {
    RecordingSink sink = new RecordingSink(4);
    assertThat(EXPLODING.map(MapperFixture.record(json), sink)).as(json).isNull();
    assertThat(sink.rows()).as(json).isEqualTo(explodedReference(json));
  }

  @SuppressWarnings("unchecked")
  private static List<List<Object>> explodedReference(String json) {
    Object parsed = CanonicalJson.parse(json);
    List<Object> messages = parsed instanceof List<?> list ? (List<Object>) list : List.of(parsed);
    List<List<Object>> rows = new ArrayList<>();
    for (Object m : messages) {
      Map<String, Object> message = (Map<String, Object>) m;
      Object readings = message.get("readings");
      if (readings == null) {
        continue;
      }
      for (Object e : (List<Object>) readings) {
        Map<String, Object> reading = (Map<String, Object>) e;
        Object v = reading.get("v");
        Object unit = reading.get("unit");
        rows.add(Arrays.asList(message.get("id"), v == null ? null : ((BigDecimal) v).longValueExact(),
            unit == null ? "none" : unit, (long) MapperFixture.PARTITION));
      }
    }
    return rows;
  }
}
