package io.loom.mapping;

import static io.loom.mapping.internal.MapperFixture.column;
import static io.loom.mapping.internal.MapperFixture.compile;
import static io.loom.mapping.internal.MapperFixture.map;
import static io.loom.mapping.internal.MapperFixture.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.internal.MapperFixture;
import io.loom.mapping.internal.RecordingSink;
import io.loom.mapping.internal.RecordingSink.Bytes;
import io.loom.mapping.internal.RecordingSink.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What a compiled mapping makes of valid messages: types, coercions, paths, metadata, defaults. */
class RecordMapperTest {

  @Test
  void map_referenceTelemetryMessage_givesTheTwelveTypedColumns() {
    RecordMapper mapper = MappingCompiler.compile(MapperFixture.mapping(
        MapperFixture.telemetryFields().toArray(new FieldMapping[0])));

    List<Object> row = map(mapper, MapperFixture.telemetry(1)).row();

    assertThat(row).containsExactly("dev-000001", ts("2026-11-27T10:00:00.001Z"), "humidity", 34.19, "percent", 31L,
        "site-001", "building-01", "south-west-wing", "fw-2.14.1-build.881", "tx9000-pro-rev-b", "eu-central-2");
  }

  @Test
  void textReadFromTheMessage_reachesTheSinkAsCharacters_andEqualsItsStringForm() {
    RecordMapper mapper = compile(
        FieldMapping.of("a", "a", DataType.STRING),
        FieldMapping.of("$kafka.topic", "topic", DataType.STRING),
        FieldMapping.of("b", "b", DataType.STRING));
    List<String> calls = new ArrayList<>();
    RowSink sink = new RecordingSink(3) {
      @Override
      public void stringValue(int column, char[] chars, int offset, int length) {
        calls.add(column + " chars " + new String(chars, offset, length));
        super.stringValue(column, new String(chars, offset, length));
      }

      @Override
      public void stringValue(int column, String value) {
        calls.add(column + " string " + value);
        super.stringValue(column, value);
      }
    };

    for (String json : List.of("{\"a\":\"first é 😀\",\"b\":\"x\"}", "{\"b\":\"second, longer than the first\",\"a\":\"y\"}")) {
      assertThat(mapper.map(MapperFixture.record(json), sink)).isNull();
    }

    assertThat(calls).containsExactly("0 chars first é 😀", "1 string " + MapperFixture.TOPIC, "2 chars x",
        "0 chars y", "1 string " + MapperFixture.TOPIC, "2 chars second, longer than the first");
  }

  @Test
  void columns_followTheFieldOrderWithTheirValueKinds() {
    RecordMapper mapper = compile(
        FieldMapping.of("a", "a", DataType.STRING).withTransformation(Transformation.BASE64_DECODE),
        FieldMapping.of("b", "b", DataType.INTEGER),
        FieldMapping.of("c", "c", DataType.STRING).withTransformation(Transformation.JSON_STRINGIFY));

    assertThat(mapper.columns()).extracting(Column::index, Column::name, Column::valueKind).containsExactly(
        org.assertj.core.groups.Tuple.tuple(0, "a", Column.ValueKind.BYTES),
        org.assertj.core.groups.Tuple.tuple(1, "b", Column.ValueKind.LONG),
        org.assertj.core.groups.Tuple.tuple(2, "c", Column.ValueKind.JSON));
    assertThat(mapper.mapping().topic()).isEqualTo(MapperFixture.TOPIC);
  }

  @Test
  void map_sameMapperManyMessages_reusesNothingVisible() {
    RecordMapper mapper = compile(FieldMapping.of("tags", "tags", DataType.ARRAY), FieldMapping.of("n", "n", DataType.INTEGER));

    assertThat(map(mapper, "{\"tags\":[\"a\",\"b\",\"c\"],\"n\":1}").row()).containsExactly(List.of("a", "b", "c"), 1L);
    assertThat(map(mapper, "{\"tags\":[\"x\"]}").row()).containsExactly(List.of("x"), null);
    assertThat(map(mapper, "{\"n\":3}").row()).containsExactly(null, 3L);
  }

  @Nested
  class Strings {
    @Test
    void string_takesStringsAsTheyAre() {
      assertThat(map(column("s", DataType.STRING), "{\"s\":\"h\\u00e9llo \\\"w\\\"\\n\"}").value()).isEqualTo("héllo \"w\"\n");
    }

    @Test
    void string_takesNumbersAndBooleansAsTheirJsonText() {
      RecordMapper m = column("s", DataType.STRING);
      assertThat(map(m, "{\"s\":12}").value()).isEqualTo("12");
      assertThat(map(m, "{\"s\":1.50}").value()).isEqualTo("1.50");
      assertThat(map(m, "{\"s\":-1E+3}").value()).isEqualTo("-1E+3");
      assertThat(map(m, "{\"s\":true}").value()).isEqualTo("true");
      assertThat(map(m, "{\"s\":false}").value()).isEqualTo("false");
    }

    @Test
    void string_keepsNonAsciiAndSurrogatePairs() {
      assertThat(map(column("s", DataType.STRING), "{\"s\":\"日本 \uD83D\uDE00 \\ud83d\\ude00\"}").value())
          .isEqualTo("日本 \uD83D\uDE00 \uD83D\uDE00");
    }
  }

  @Nested
  class Integers {
    @Test
    void integer_takesWholeNumbers() {
      RecordMapper m = column("n", DataType.INTEGER);
      assertThat(map(m, "{\"n\":0}").value()).isEqualTo(0L);
      assertThat(map(m, "{\"n\":-7}").value()).isEqualTo(-7L);
      assertThat(map(m, "{\"n\":9223372036854775807}").value()).isEqualTo(Long.MAX_VALUE);
      assertThat(map(m, "{\"n\":-9223372036854775808}").value()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void integer_takesNumbersWithoutFractionWrittenAsDecimals() {
      RecordMapper m = column("n", DataType.INTEGER);
      assertThat(map(m, "{\"n\":1.0}").value()).isEqualTo(1L);
      assertThat(map(m, "{\"n\":1e3}").value()).isEqualTo(1000L);
      assertThat(map(m, "{\"n\":2.50E1}").value()).isEqualTo(25L);
      assertThat(map(m, "{\"n\":-0.0}").value()).isEqualTo(0L);
    }

    @Test
    void integer_takesStringsThatAreExactlyAJsonNumber() {
      RecordMapper m = column("n", DataType.INTEGER);
      assertThat(map(m, "{\"n\":\"12\"}").value()).isEqualTo(12L);
      assertThat(map(m, "{\"n\":\"-7\"}").value()).isEqualTo(-7L);
      assertThat(map(m, "{\"n\":\"12.0\"}").value()).isEqualTo(12L);
      assertThat(map(m, "{\"n\":\"1e3\"}").value()).isEqualTo(1000L);
      assertThat(map(m, "{\"n\":\"-9223372036854775808\"}").value()).isEqualTo(Long.MIN_VALUE);
    }
  }

  @Nested
  class Floats {
    @Test
    void float_takesNumbersAndNumericStrings() {
      RecordMapper m = column("x", DataType.FLOAT);
      assertThat(map(m, "{\"x\":34.19}").value()).isEqualTo(34.19);
      assertThat(map(m, "{\"x\":7}").value()).isEqualTo(7.0);
      assertThat(map(m, "{\"x\":-1.5e-3}").value()).isEqualTo(-0.0015);
      assertThat(map(m, "{\"x\":\"2.5\"}").value()).isEqualTo(2.5);
      assertThat(map(m, "{\"x\":\"1e3\"}").value()).isEqualTo(1000.0);
      assertThat(map(m, "{\"x\":123456789012345678901234567890}").value()).isEqualTo(1.2345678901234568e29);
    }

    @Test
    void float_roundsLikeDoubleParseDouble() {
      RecordMapper m = column("x", DataType.FLOAT);
      for (String text : List.of("0.1", "2.2250738585072011e-308", "4.9e-324", "1.7976931348623157e308", "3.141592653589793238")) {
        assertThat(map(m, "{\"x\":" + text + "}").value()).as(text).isEqualTo(Double.parseDouble(text));
      }
    }
  }

  @Nested
  class Booleans {
    @Test
    void boolean_takesBooleansAndTheirStrings() {
      RecordMapper m = column("b", DataType.BOOLEAN);
      assertThat(map(m, "{\"b\":true}").value()).isEqualTo(true);
      assertThat(map(m, "{\"b\":false}").value()).isEqualTo(false);
      assertThat(map(m, "{\"b\":\"true\"}").value()).isEqualTo(true);
      assertThat(map(m, "{\"b\":\"false\"}").value()).isEqualTo(false);
    }
  }

  @Nested
  class TimestampColumns {
    @Test
    void timestamp_readsIsoWithZOrOffset() {
      RecordMapper m = column("t", DataType.TIMESTAMP);
      assertThat(map(m, "{\"t\":\"2026-11-27T10:00:00Z\"}").value()).isEqualTo(ts("2026-11-27T10:00:00Z"));
      assertThat(map(m, "{\"t\":\"2026-11-27T10:00:00.123+02:00\"}").value()).isEqualTo(ts("2026-11-27T08:00:00.123Z"));
      assertThat(map(m, "{\"t\":\"2026-11-27T10:00-05:30\"}").value()).isEqualTo(ts("2026-11-27T15:30:00Z"));
      assertThat(map(m, "{\"t\":\"2026-11-27 10:00:00+0100\"}").value()).isEqualTo(ts("2026-11-27T09:00:00Z"));
    }

    @Test
    void timestamp_keepsFractionsToMicrosecondsTruncating() {
      RecordMapper m = column("t", DataType.TIMESTAMP);
      assertThat(map(m, "{\"t\":\"2026-11-27T10:00:00.123456789Z\"}").value()).isEqualTo(ts("2026-11-27T10:00:00.123456Z"));
      assertThat(map(m, "{\"t\":\"1969-12-31T23:59:59.9999999Z\"}").value()).isEqualTo(ts("1969-12-31T23:59:59.999999Z"));
    }

    @Test
    void timestamp_autoTellsEpochUnitsApartByMagnitude() {
      RecordMapper m = column("t", DataType.TIMESTAMP);
      Instant expected = Instant.ofEpochSecond(1_700_000_000L);
      assertThat(map(m, "{\"t\":1700000000}").value()).isEqualTo(expected);
      assertThat(map(m, "{\"t\":1700000000000}").value()).isEqualTo(expected);
      assertThat(map(m, "{\"t\":1700000000000000}").value()).isEqualTo(expected);
      assertThat(map(m, "{\"t\":\"1700000000000\"}").value()).isEqualTo(expected);
      assertThat(map(m, "{\"t\":99999999999}").value()).isEqualTo(Instant.ofEpochSecond(99_999_999_999L));
      assertThat(map(m, "{\"t\":100000000000}").value()).isEqualTo(Instant.ofEpochMilli(100_000_000_000L));
      assertThat(map(m, "{\"t\":-86400}").value()).isEqualTo(Instant.parse("1969-12-31T00:00:00Z"));
    }

    @Test
    void timestamp_fractionalEpochKeepsMicroseconds() {
      RecordMapper m = column("t", DataType.TIMESTAMP);
      assertThat(map(m, "{\"t\":1700000000.123456789}").value()).isEqualTo(Instant.parse("2023-11-14T22:13:20.123456Z"));
      assertThat(map(m, "{\"t\":\"1700000000123.5\"}").value()).isEqualTo(Instant.parse("2023-11-14T22:13:20.123500Z"));
      assertThat(map(m, "{\"t\":1.7e9}").value()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    }

    @Test
    void timestamp_explicitFormatsFixTheUnit() {
      assertThat(map(compile(FieldMapping.of("t", "t", DataType.TIMESTAMP).withTimestampFormat(TimestampFormat.EPOCH_SECONDS)),
          "{\"t\":1700000000000}").value()).isEqualTo(Instant.ofEpochSecond(1_700_000_000_000L));
      assertThat(map(compile(FieldMapping.of("t", "t", DataType.TIMESTAMP).withTimestampFormat(TimestampFormat.EPOCH_MILLIS)),
          "{\"t\":5}").value()).isEqualTo(Instant.ofEpochMilli(5));
      assertThat(map(compile(FieldMapping.of("t", "t", DataType.TIMESTAMP).withTimestampFormat(TimestampFormat.EPOCH_MICROS)),
          "{\"t\":\"5\"}").value()).isEqualTo(Instant.EPOCH.plusNanos(5000));
      assertThat(map(compile(FieldMapping.of("t", "t", DataType.TIMESTAMP).withTimestampFormat(TimestampFormat.ISO_8601)),
          "{\"t\":\"2026-01-01T00:00:00Z\"}").value()).isEqualTo(ts("2026-01-01T00:00:00Z"));
    }

    @Test
    void timestampParse_convertsLikeTheTimestampType() {
      RecordMapper m = compile(FieldMapping.of("t", "t", DataType.TIMESTAMP).withTransformation(Transformation.TIMESTAMP_PARSE));
      assertThat(map(m, "{\"t\":\"2026-01-01T00:00:00+01:00\"}").value()).isEqualTo(ts("2025-12-31T23:00:00Z"));
      assertThat(map(m, "{\"t\":1700000000}").value()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    }
  }

  @Nested
  class ArrayColumns {
    @Test
    void array_takesScalarsAsTextAndNullsAsNullElements() {
      assertThat(map(column("a", DataType.ARRAY), "{\"a\":[\"x\", 1, 2.50, true, null, false]}").value())
          .isEqualTo(Arrays.asList("x", "1", "2.50", "true", null, "false"));
    }

    @Test
    void array_emptyGivesAnEmptyArray() {
      assertThat(map(column("a", DataType.ARRAY), "{\"a\":[]}").value()).isEqualTo(List.of());
    }

    @Test
    void array_largerThanTheBufferGrows() {
      String json = "{\"a\":[" + String.join(",", java.util.stream.IntStream.range(0, 100).mapToObj(i -> "\"e" + i + "\"").toList()) + "]}";
      @SuppressWarnings("unchecked")
      List<String> values = (List<String>) map(column("a", DataType.ARRAY), json).value();
      assertThat(values).hasSize(100).startsWith("e0").endsWith("e99");
    }

    @Test
    void floatArray_takesNumbersAndNumericStrings() {
      assertThat(map(column("a", DataType.FLOAT_ARRAY), "{\"a\":[1, 2.5, \"3\", -1e2]}").value())
          .isEqualTo(List.of(1.0, 2.5, 3.0, -100.0));
    }

    @Test
    void arrayColumnAndElementPaths_readTheSameArray() {
      RecordMapper m = compile(FieldMapping.of("a", "all", DataType.FLOAT_ARRAY), FieldMapping.of("a[1]", "second", DataType.INTEGER));
      assertThat(map(m, "{\"a\":[10, 20, 30]}").row()).containsExactly(List.of(10.0, 20.0, 30.0), 20L);
    }
  }

  @Nested
  class JsonValues {
    @Test
    void json_givesCompactTextKeepingOrderNumbersAndEscapes() {
      assertThat(map(column("j", DataType.JSON), "{\"j\": { \"b\" : [1, 2.50 ,{ \"c\":null }], \"a\":\"x \\\"y\\\" \\u00e9\" } }").value())
          .isEqualTo(new Json("{\"b\":[1,2.50,{\"c\":null}],\"a\":\"x \\\"y\\\" \\u00e9\"}"));
    }

    @Test
    void json_ofScalarsGivesTheirJsonText() {
      RecordMapper m = column("j", DataType.JSON);
      assertThat(map(m, "{\"j\":\"a\\tb\"}").value()).isEqualTo(new Json("\"a\\tb\""));
      assertThat(map(m, "{\"j\":12.0}").value()).isEqualTo(new Json("12.0"));
      assertThat(map(m, "{\"j\":true}").value()).isEqualTo(new Json("true"));
      assertThat(map(m, "{\"j\":null}").value()).isNull();
    }

    @Test
    void jsonStringify_turnsAnyValueIntoJsonText() {
      RecordMapper m = compile(FieldMapping.of("v", "v", DataType.STRING).withTransformation(Transformation.JSON_STRINGIFY));
      assertThat(map(m, "{\"v\":{\"a\":[1,2]}}").value()).isEqualTo(new Json("{\"a\":[1,2]}"));
      assertThat(map(m, "{\"v\":[ ]}").value()).isEqualTo(new Json("[]"));
      assertThat(map(m, "{\"v\":\"text\"}").value()).isEqualTo(new Json("\"text\""));
      assertThat(map(m, "{\"v\":-3}").value()).isEqualTo(new Json("-3"));
    }

    @Test
    void json_andPathsInsideIt_readTheSameObject() {
      RecordMapper m = compile(FieldMapping.of("data", "raw", DataType.JSON), FieldMapping.of("data.value", "value", DataType.FLOAT));
      assertThat(map(m, "{\"data\":{\"unit\":\"c\",\"value\":21.5}}").row())
          .containsExactly(new Json("{\"unit\":\"c\",\"value\":21.5}"), 21.5);
    }

    @Test
    void json_deeplyNestedValueWithinJacksonsLimit_isCompacted() {
      int depth = 900;
      String nested = "[".repeat(depth) + "1" + "]".repeat(depth);
      assertThat(map(column("j", DataType.JSON), "{\"j\":" + nested + "}").value()).isEqualTo(new Json(nested));
    }
  }

  @Nested
  class Base64Decoding {
    @Test
    void base64Decode_givesTheBytes() {
      RecordMapper m = compile(FieldMapping.of("p", "p", DataType.STRING).withTransformation(Transformation.BASE64_DECODE));
      assertThat(map(m, "{\"p\":\"aGVsbG8gd29ybGQ=\"}").value()).isEqualTo(Bytes.utf8("hello world"));
      assertThat(map(m, "{\"p\":\"aGVsbG8gd29ybGQ\"}").value()).isEqualTo(Bytes.utf8("hello world"));
      assertThat(map(m, "{\"p\":\"-_8=\"}").value()).isEqualTo(Bytes.of(new byte[] {(byte) 0xfb, (byte) 0xff}));
      assertThat(map(m, "{\"p\":\"+/8=\"}").value()).isEqualTo(Bytes.of(new byte[] {(byte) 0xfb, (byte) 0xff}));
      assertThat(map(m, "{\"p\":\"\"}").value()).isEqualTo(Bytes.of(new byte[0]));
    }
  }

  @Nested
  class Paths {
    @Test
    void nestedAndIndexedPaths_reachTheirValues() {
      RecordMapper m = compile(
          FieldMapping.of("a.b.c", "abc", DataType.INTEGER),
          FieldMapping.of("data.items[1].x", "x1", DataType.STRING),
          FieldMapping.of("m[0][1]", "m01", DataType.INTEGER));
      assertThat(map(m, "{\"a\":{\"b\":{\"c\":1}},\"data\":{\"items\":[{\"x\":\"p\"},{\"x\":\"q\"}]},\"m\":[[1,2],[3]]}").row())
          .containsExactly(1L, "q", 2L);
    }

    @Test
    void missingMembersAndIndexes_areNull() {
      RecordMapper m = compile(FieldMapping.of("a.b", "ab", DataType.INTEGER), FieldMapping.of("items[5]", "i5", DataType.STRING));
      assertThat(map(m, "{\"a\":{},\"items\":[\"x\"]}").row()).containsExactly(null, null);
      assertThat(map(m, "{\"a\":null,\"items\":null}").row()).containsExactly(null, null);
      assertThat(map(m, "{}").row()).containsExactly(null, null);
    }

    @Test
    void unmappedMembers_areSkippedWhateverTheyHold() {
      assertThat(map(column("b", DataType.INTEGER), "{\"a\":{\"x\":[1,{\"y\":[[]]}],\"z\":\"w\"},\"b\":2,\"c\":[{}]}").value())
          .isEqualTo(2L);
    }

    @Test
    void duplicateMembers_lastWins() {
      assertThat(map(column("a", DataType.INTEGER), "{\"a\":1,\"a\":2}").value()).isEqualTo(2L);
    }

    @Test
    void membersInAnyOrder_areFound() {
      RecordMapper m = compile(FieldMapping.of("a", "a", DataType.INTEGER), FieldMapping.of("b", "b", DataType.INTEGER),
          FieldMapping.of("c", "c", DataType.INTEGER));
      assertThat(map(m, "{\"c\":3,\"x\":0,\"b\":2,\"a\":1}").row()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void namesWithBlanksAndDollarSigns_areOrdinaryMembers() {
      RecordMapper m = compile(FieldMapping.of("my field.$ref", "v", DataType.STRING));
      assertThat(map(m, "{\"my field\":{\"$ref\":\"ok\"}}").value()).isEqualTo("ok");
    }
  }

  @Nested
  class Explode {
    private final RecordMapper mapper = compile(
        FieldMapping.of("device_id", "device_id", DataType.STRING),
        FieldMapping.of("data.items[*].x", "x", DataType.INTEGER),
        FieldMapping.of("data.items[*].tag", "tag", DataType.STRING),
        FieldMapping.of("site", "site", DataType.STRING));

    @Test
    void wildcard_givesOneRowPerElementRepeatingMessageFields() {
      assertThat(map(mapper, "{\"device_id\":\"d1\",\"data\":{\"items\":[{\"x\":1,\"tag\":\"a\"},{\"x\":2},{\"tag\":\"c\"}]},\"site\":\"s\"}").rows())
          .containsExactly(List.of("d1", 1L, "a", "s"), Arrays.asList("d1", 2L, null, "s"), Arrays.asList("d1", null, "c", "s"));
    }

    @Test
    void wildcard_emptyAbsentOrNullArrayGivesNoRow() {
      assertThat(map(mapper, "{\"device_id\":\"d1\",\"data\":{\"items\":[]}}").rows()).isEmpty();
      assertThat(map(mapper, "{\"device_id\":\"d1\",\"data\":{}}").rows()).isEmpty();
      assertThat(map(mapper, "{\"device_id\":\"d1\",\"data\":{\"items\":null}}").rows()).isEmpty();
      assertThat(map(mapper, "{\"device_id\":\"d1\",\"data\":{\"items\":[]}}").error()).isNull();
    }

    @Test
    void wildcard_nullElementIsARowWithoutElementValues() {
      assertThat(map(mapper, "{\"device_id\":\"d\",\"data\":{\"items\":[null,{\"x\":5}]}}").rows())
          .containsExactly(Arrays.asList("d", null, null, null), Arrays.asList("d", 5L, null, null));
    }

    @Test
    void wildcardOnScalars_takesEachElement() {
      RecordMapper m = compile(FieldMapping.of("id", "id", DataType.STRING), FieldMapping.of("v[*]", "v", DataType.FLOAT));
      assertThat(map(m, "{\"v\":[1.5,2.5],\"id\":\"a\"}").rows()).containsExactly(List.of("a", 1.5), List.of("a", 2.5));
    }

    @Test
    void wildcardMixedWithIndex_readsBothFromTheSameElement() {
      RecordMapper m = compile(FieldMapping.of("items[*].v", "v", DataType.INTEGER), FieldMapping.of("items[0].v", "first", DataType.INTEGER));
      assertThat(map(m, "{\"items\":[{\"v\":7},{\"v\":8}]}").rows()).containsExactly(List.of(7L, 7L), List.of(8L, 7L));
    }

    @Test
    void wildcardRepeatedMember_lastArrayWins() {
      RecordMapper m = compile(FieldMapping.of("items[*]", "v", DataType.INTEGER));
      assertThat(map(m, "{\"items\":[1,2],\"items\":[3]}").rows()).containsExactly(List.of(3L));
    }

    @Test
    void wildcardWholeElement_asJson() {
      RecordMapper m = compile(FieldMapping.of("items[*]", "v", DataType.JSON));
      assertThat(map(m, "{\"items\":[{\"a\" : 1}, [2], \"s\"]}").rows())
          .containsExactly(List.of(new Json("{\"a\":1}")), List.of(new Json("[2]")), List.of(new Json("\"s\"")));
    }
  }

  @Nested
  class TopLevelArrays {
    @Test
    void arrayMessage_givesOneRowPerElement() {
      RecordMapper m = compile(FieldMapping.of("id", "id", DataType.STRING), FieldMapping.of("v", "v", DataType.INTEGER),
          FieldMapping.of("$kafka.offset", "off", DataType.INTEGER));
      assertThat(map(m, "[{\"id\":\"a\",\"v\":1},{\"id\":\"b\"},null]").rows())
          .containsExactly(List.of("a", 1L, 42L), Arrays.asList("b", null, 42L), Arrays.asList(null, null, 42L));
    }

    @Test
    void arrayMessage_emptyGivesNoRow() {
      assertThat(map(column("id", DataType.STRING), "[]").rows()).isEmpty();
    }

    @Test
    void arrayMessage_withExplodeInEachElement() {
      RecordMapper m = compile(FieldMapping.of("id", "id", DataType.STRING), FieldMapping.of("v[*]", "v", DataType.INTEGER));
      assertThat(map(m, "[{\"id\":\"a\",\"v\":[1,2]},{\"id\":\"b\",\"v\":[]},{\"v\":[3],\"id\":\"c\"}]").rows())
          .containsExactly(List.of("a", 1L), List.of("a", 2L), List.of("c", 3L));
    }

    @Test
    void pathsStartingWithAnIndex_addressTheArrayItself() {
      RecordMapper first = compile(FieldMapping.of("[0].id", "id", DataType.STRING));
      assertThat(map(first, "[{\"id\":\"a\"},{\"id\":\"b\"}]").rows()).containsExactly(List.of("a"));
      RecordMapper all = compile(FieldMapping.of("[*].id", "id", DataType.STRING), FieldMapping.of("[0].id", "first", DataType.STRING));
      assertThat(map(all, "[{\"id\":\"a\"},{\"id\":\"b\"}]").rows()).containsExactly(List.of("a", "a"), List.of("b", "a"));
    }
  }

  @Nested
  class Metadata {
    private final RecordMapper mapper = compile(
        FieldMapping.of("$kafka.topic", "topic", DataType.STRING),
        FieldMapping.of("$kafka.partition", "partition", DataType.INTEGER),
        FieldMapping.of("$kafka.offset", "offset", DataType.INTEGER),
        FieldMapping.of("$kafka.key", "key", DataType.STRING),
        FieldMapping.of("$kafka.timestamp", "ts", DataType.TIMESTAMP),
        FieldMapping.of("$kafka.header.trace-id", "trace", DataType.STRING),
        FieldMapping.of("$kafka.header.absent", "absent", DataType.STRING),
        FieldMapping.of("v", "v", DataType.INTEGER));

    @Test
    void metadata_mapsRecordFields() {
      assertThat(map(mapper, "{\"v\":1}").row()).containsExactly(MapperFixture.TOPIC, 2L, 42L, "dev-000001",
          Instant.ofEpochMilli(MapperFixture.RECORD_TIMESTAMP), "abc-123", null, 1L);
    }

    @Test
    void metadata_missingKeyAndTimestampAreNull() {
      SourceRecord record = new SimpleSourceRecord("t", 0, 7, -1, null, "{}".getBytes(StandardCharsets.UTF_8), Map.of());
      assertThat(map(mapper, record).row()).containsExactly("t", 0L, 7L, null, null, null, null, null);
    }

    @Test
    void metadata_convertsToOtherTypes() {
      RecordMapper m = compile(
          FieldMapping.of("$kafka.timestamp", "ms", DataType.INTEGER),
          FieldMapping.of("$kafka.offset", "offset_text", DataType.STRING),
          FieldMapping.of("$kafka.key", "key_number", DataType.INTEGER),
          FieldMapping.of("$kafka.header.when", "when", DataType.TIMESTAMP),
          FieldMapping.of("$kafka.key", "key_json", DataType.JSON));
      SourceRecord record = new SimpleSourceRecord("t", 0, 7, 1234, "12".getBytes(StandardCharsets.UTF_8),
          "{}".getBytes(StandardCharsets.UTF_8), Map.of("when", "2026-01-01T00:00:00Z".getBytes(StandardCharsets.UTF_8)));
      assertThat(map(m, record).row()).containsExactly(1234L, "7", 12L, ts("2026-01-01T00:00:00Z"), new Json("\"12\""));
    }
  }

  @Nested
  class RequiredAndDefaults {
    @Test
    void default_appliesToAbsentAndNullFields() {
      RecordMapper m = compile(FieldMapping.of("n", "n", DataType.INTEGER).withDefaultValue("5"));
      assertThat(map(m, "{}").value()).isEqualTo(5L);
      assertThat(map(m, "{\"n\":null}").value()).isEqualTo(5L);
      assertThat(map(m, "{\"n\":6}").value()).isEqualTo(6L);
    }

    @Test
    void default_isConvertedPerType() {
      RecordMapper m = compile(
          FieldMapping.of("a", "a", DataType.STRING).withDefaultValue("unknown"),
          FieldMapping.of("b", "b", DataType.INTEGER).withDefaultValue(" -3 "),
          FieldMapping.of("c", "c", DataType.FLOAT).withDefaultValue("2.5"),
          FieldMapping.of("d", "d", DataType.BOOLEAN).withDefaultValue("TRUE"),
          FieldMapping.of("e", "e", DataType.TIMESTAMP).withDefaultValue("2026-01-01T00:00:00+01:00"),
          FieldMapping.of("f", "f", DataType.TIMESTAMP).withDefaultValue("1700000000"),
          FieldMapping.of("g", "g", DataType.ARRAY).withDefaultValue("[\"x\", 1, null]"),
          FieldMapping.of("h", "h", DataType.FLOAT_ARRAY).withDefaultValue("[1, 2.5]"),
          FieldMapping.of("i", "i", DataType.JSON).withDefaultValue("{ \"b\": 1, \"a\": [] }"),
          FieldMapping.of("j", "j", DataType.STRING).withTransformation(Transformation.BASE64_DECODE).withDefaultValue("aGk="),
          FieldMapping.of("k", "k", DataType.STRING).withTransformation(Transformation.JSON_STRINGIFY).withDefaultValue("n/a"),
          FieldMapping.of("l", "l", DataType.STRING).withTransformation(Transformation.JSON_STRINGIFY).withDefaultValue("[1]"));
      assertThat(map(m, "{}").row()).containsExactly("unknown", -3L, 2.5, true, ts("2025-12-31T23:00:00Z"),
          Instant.ofEpochSecond(1_700_000_000L), Arrays.asList("x", "1", null), List.of(1.0, 2.5),
          new Json("{\"a\":[],\"b\":1}"), Bytes.utf8("hi"), new Json("\"n/a\""), new Json("[1]"));
    }

    @Test
    void noDefault_givesNull() {
      assertThat(map(column("s", DataType.STRING), "{\"s\":null}").value()).isNull();
    }
  }

  @Nested
  class ThreadSafety {
    @Test
    void map_concurrentThreads_eachGetTheirOwnRows() throws Exception {
      RecordMapper mapper = MappingCompiler.compile(MapperFixture.mapping(MapperFixture.telemetryFields().toArray(new FieldMapping[0])));
      int threads = 4;
      int perThread = 2000;
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      try {
        List<java.util.concurrent.Future<Integer>> futures = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int base = t * perThread;
          futures.add(pool.submit(() -> {
            int ok = 0;
            for (int i = base; i < base + perThread; i++) {
              List<Object> row = map(mapper, MapperFixture.telemetry(i)).row();
              if (row.get(0).equals(String.format("dev-%06d", i % 10000)) && row.get(5).equals((i * 31L) % 101)) {
                ok++;
              }
            }
            return ok;
          }));
        }
        for (java.util.concurrent.Future<Integer> f : futures) {
          assertThat(f.get()).isEqualTo(perThread);
        }
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void map_calledAgainFromInsideTheSink_keepsBothMessagesApart() {
      RecordMapper mapper = column("v", DataType.STRING);
      io.loom.mapping.internal.RecordingSink inner = new io.loom.mapping.internal.RecordingSink(1);
      io.loom.mapping.internal.RecordingSink outer = new io.loom.mapping.internal.RecordingSink(1) {
        @Override
        public void startRow() {
          assertThat(mapper.map(MapperFixture.record("{\"v\":\"inner\"}"), inner)).isNull();
          super.startRow();
        }
      };

      assertThat(mapper.map(MapperFixture.record("{\"v\":\"outer\"}"), outer)).isNull();

      assertThat(outer.rows()).containsExactly(List.of("outer"));
      assertThat(inner.rows()).containsExactly(List.of("inner"));
    }
  }
}
