package io.loom.mapping;

import static io.loom.mapping.internal.MapperFixture.column;
import static io.loom.mapping.internal.MapperFixture.compile;
import static io.loom.mapping.internal.MapperFixture.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.MappingError.Kind;
import io.loom.mapping.internal.MapperFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Bad input comes back as a {@link MappingError} naming where and why, and nothing reaches the sink. */
class RecordMapperErrorsTest {

  private static MappingError reject(RecordMapper mapper, String json) {
    return map(mapper, json).rejected();
  }

  @Nested
  class Documents {
    @Test
    void tombstone_nullOrEmptyValue_isMalformedJson() {
      RecordMapper m = column("v", DataType.STRING);
      MappingError error = map(m, MapperFixture.record((byte[]) null)).rejected();
      assertThat(error.message()).isEqualTo("device.sensor.test[2]@42 malformed_json: "
          + "the message value is empty (a tombstone); expected a JSON document");
      assertThat(map(m, MapperFixture.record(new byte[0])).rejected().kind()).isEqualTo(Kind.MALFORMED_JSON);
    }

    @Test
    void truncatedJson_isMalformedWithItsPosition() {
      MappingError error = reject(column("v", DataType.STRING), "{\"v\":\"abc\",\"w\":[1,2");
      assertThat(error.kind()).isEqualTo(Kind.MALFORMED_JSON);
      assertThat(error.path()).isNull();
      assertThat(error.value()).isEqualTo("{\"v\":\"abc\",\"w\":[1,2");
      assertThat(error.rule()).isEqualTo("invalid JSON: Unexpected end-of-input: expected close marker for Array at line 1, column 20");
    }

    @Test
    void syntaxError_namesTheTokenAndPosition() {
      MappingError error = reject(column("v", DataType.STRING), "{\"v\": tru }");
      assertThat(error.message()).isEqualTo("device.sensor.test[2]@42 malformed_json value '{\"v\": tru }': invalid JSON: "
          + "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
          + " at line 1, column 7");
    }

    @Test
    void nonStandardNumbers_areMalformed() {
      assertThat(reject(column("v", DataType.FLOAT), "{\"v\":NaN}").kind()).isEqualTo(Kind.MALFORMED_JSON);
      assertThat(reject(column("v", DataType.FLOAT), "{\"v\":NaN}").rule())
          .isEqualTo("invalid JSON: Non-standard token 'NaN' at line 1, column 9");
      assertThat(reject(column("v", DataType.FLOAT), "{\"v\":Infinity}").kind()).isEqualTo(Kind.MALFORMED_JSON);
      assertThat(reject(column("v", DataType.FLOAT), "{\"v\":01}").kind()).isEqualTo(Kind.MALFORMED_JSON);
    }

    @Test
    void contentAfterTheDocument_isMalformed() {
      MappingError error = reject(column("v", DataType.STRING), "{\"v\":\"a\"} {\"v\":\"b\"}");
      assertThat(error.rule()).isEqualTo("unexpected content after the JSON document at line 1, column 11");
    }

    @Test
    void blankValue_isMalformed() {
      assertThat(reject(column("v", DataType.STRING), "  \n ").rule())
          .isEqualTo("the message value holds only blanks; expected a JSON document");
    }

    @Test
    void scalarDocument_isWrongType() {
      MappingError error = reject(column("v", DataType.STRING), "\"just text\"");
      assertThat(error.kind()).isEqualTo(Kind.WRONG_TYPE);
      assertThat(error.value()).isEqualTo("just text");
      assertThat(error.rule()).isEqualTo("expected a JSON object or array as the message");
    }

    @Test
    void utf16Document_isMalformed() {
      MappingError error = map(column("v", DataType.STRING),
          MapperFixture.record("{\"v\":\"a\"}".getBytes(StandardCharsets.UTF_16BE))).rejected();
      assertThat(error.kind()).isEqualTo(Kind.MALFORMED_JSON);
      assertThat(error.rule()).startsWith("the message value is not UTF-8");
    }

    @Test
    void invalidUtf8_isMalformed() {
      byte[] bytes = {'{', '"', 'v', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
      assertThat(map(column("v", DataType.STRING), MapperFixture.record(bytes)).rejected().kind()).isEqualTo(Kind.MALFORMED_JSON);
      byte[] skipped = {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
      assertThat(map(column("v", DataType.STRING), MapperFixture.record(skipped)).rejected().kind()).isEqualTo(Kind.MALFORMED_JSON);
    }

    @Test
    void deeplyNestedInput_isRejectedWithoutOverflowingTheStack() {
      int depth = 100_000;
      String deep = "{\"v\":\"x\",\"n\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
      MappingError error = reject(column("v", DataType.STRING), deep);
      assertThat(error.kind()).isEqualTo(Kind.MALFORMED_JSON);
      assertThat(error.rule()).isEqualTo("invalid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)");
    }

    @Test
    void deeplyNestedUnmappedSubtree_withinTheLimit_isSkipped() {
      int depth = 900;
      String deep = "{\"n\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + ",\"v\":\"x\"}";
      assertThat(map(column("v", DataType.STRING), deep).value()).isEqualTo("x");
    }
  }

  @Nested
  class WrongTypes {
    @Test
    void string_fromObject_isWrongType() {
      MappingError error = reject(column("data.unit", DataType.STRING), "{\"data\":{\"unit\":{\"name\": \"celsius\"}}}");
      assertThat(error.message()).isEqualTo("device.sensor.test[2]@42 wrong_type at data.unit value '{\"name\":\"celsius\"}': "
          + "expected a string, number or boolean for string column v; objects and arrays need data_type json or "
          + "transformation json_stringify");
    }

    @Test
    void integer_fromFraction_isWrongType() {
      MappingError error = reject(column("n", DataType.INTEGER), "{\"n\":12.5}");
      assertThat(error.message()).isEqualTo("device.sensor.test[2]@42 wrong_type at n value '12.5': "
          + "expected a whole number for integer column v");
      assertThat(reject(column("n", DataType.INTEGER), "{\"n\":\"12.5\"}").kind()).isEqualTo(Kind.WRONG_TYPE);
      assertThat(reject(column("n", DataType.INTEGER), "{\"n\":0.001}").kind()).isEqualTo(Kind.WRONG_TYPE);
    }

    @Test
    void integer_fromOtherText_isWrongType() {
      RecordMapper m = column("n", DataType.INTEGER);
      for (String value : List.of("\"abc\"", "\" 12\"", "\"12 \"", "\"+12\"", "\"0x1F\"", "\"\"", "\"1_000\"", "\"012\"", "true", "[1]")) {
        assertThat(reject(m, "{\"n\":" + value + "}").kind()).as(value).isEqualTo(Kind.WRONG_TYPE);
      }
    }

    @Test
    void float_fromTextOrBoolean_isWrongType() {
      RecordMapper m = column("x", DataType.FLOAT);
      for (String value : List.of("\"abc\"", "\"1.\"", "\".5\"", "\"1e\"", "false", "{}")) {
        assertThat(reject(m, "{\"x\":" + value + "}").kind()).as(value).isEqualTo(Kind.WRONG_TYPE);
      }
    }

    @Test
    void boolean_fromOtherValues_isWrongType() {
      RecordMapper m = column("b", DataType.BOOLEAN);
      for (String value : List.of("1", "0", "\"TRUE\"", "\"yes\"", "\"\"", "[]")) {
        assertThat(reject(m, "{\"b\":" + value + "}").kind()).as(value).isEqualTo(Kind.WRONG_TYPE);
      }
      assertThat(reject(m, "{\"b\":1}").rule()).isEqualTo("expected true or false for boolean column v");
    }

    @Test
    void timestamp_fromBooleanOrObject_isWrongType() {
      RecordMapper m = column("t", DataType.TIMESTAMP);
      assertThat(reject(m, "{\"t\":true}").rule())
          .isEqualTo("expected ISO-8601 text with an offset or an epoch number for timestamp column v");
      assertThat(reject(m, "{\"t\":{}}").kind()).isEqualTo(Kind.WRONG_TYPE);
    }

    @Test
    void timestamp_iso8601Format_refusesNumbers() {
      RecordMapper m = compile(FieldMapping.of("t", "t", DataType.TIMESTAMP).withTimestampFormat(TimestampFormat.ISO_8601));
      assertThat(reject(m, "{\"t\":1700000000}").message()).isEqualTo("device.sensor.test[2]@42 wrong_type at t value "
          + "'1700000000': expected ISO-8601 text with an offset for timestamp column t (timestamp_format iso_8601)");
    }

    @Test
    void arrays_fromScalarsOrBadElements_areWrongType() {
      assertThat(reject(column("a", DataType.ARRAY), "{\"a\":\"x\"}").rule())
          .isEqualTo("expected an array of strings, numbers or booleans for array column v");
      MappingError nested = reject(column("a", DataType.ARRAY), "{\"a\":[\"x\",[1]]}");
      assertThat(nested.path()).isEqualTo("a[1]");
      assertThat(nested.value()).isEqualTo("[1]");
      MappingError nullElement = reject(column("a", DataType.FLOAT_ARRAY), "{\"a\":[1,null]}");
      assertThat(nullElement.message()).isEqualTo("device.sensor.test[2]@42 wrong_type at a[1] value 'null': "
          + "expected an array of numbers for float_array column v");
      assertThat(reject(column("a", DataType.FLOAT_ARRAY), "{\"a\":[\"x\"]}").kind()).isEqualTo(Kind.WRONG_TYPE);
      assertThat(reject(column("a", DataType.FLOAT_ARRAY), "{\"a\":{}}").kind()).isEqualTo(Kind.WRONG_TYPE);
    }

    @Test
    void base64_fromNumber_isWrongType() {
      RecordMapper m = compile(FieldMapping.of("p", "p", DataType.STRING).withTransformation(Transformation.BASE64_DECODE));
      assertThat(reject(m, "{\"p\":12}").rule()).isEqualTo("expected base64 text for string column p (base64_decode)");
    }

    @Test
    void pathThroughAScalar_isWrongTypeAtTheContainer() {
      MappingError error = reject(column("data.value", DataType.FLOAT), "{\"data\":\"oops\"}");
      assertThat(error.message()).isEqualTo("device.sensor.test[2]@42 wrong_type at data value 'oops': "
          + "expected an object, as the mapped path data.value reads inside it");
      MappingError array = reject(column("items[0]", DataType.STRING), "{\"items\":{\"0\":\"a\"}}");
      assertThat(array.rule()).isEqualTo("expected an array, as the mapped path items[0] reads inside it");
      assertThat(array.value()).isEqualTo("{\"0\":\"a\"}");
    }

    @Test
    void explodedArrayThatIsNoArray_isWrongType() {
      MappingError error = reject(column("items[*].x", DataType.INTEGER), "{\"items\":{\"x\":1}}");
      assertThat(error.path()).isEqualTo("items");
      assertThat(error.rule()).isEqualTo("expected an array, as the mapped path items[*].x reads inside it");
    }

    @Test
    void errorInAnExplodedElement_namesTheElement() {
      RecordMapper m = compile(FieldMapping.of("id", "id", DataType.STRING), FieldMapping.of("items[*].x", "x", DataType.INTEGER));
      MappingError error = reject(m, "{\"id\":\"a\",\"items\":[{\"x\":1},{\"x\":2},{\"x\":\"three\"}]}");
      assertThat(error.path()).isEqualTo("items[2].x");
      assertThat(error.value()).isEqualTo("three");
    }

    @Test
    void errorInATopLevelArrayElement_namesTheElement() {
      MappingError error = reject(column("v", DataType.INTEGER), "[{\"v\":1},{\"v\":true}]");
      assertThat(error.path()).isEqualTo("[1].v");
      MappingError scalar = reject(column("v", DataType.INTEGER), "[{\"v\":1},7]");
      assertThat(scalar.message()).isEqualTo("device.sensor.test[2]@42 wrong_type at [1] value '7': "
          + "expected a JSON object as element of the message array");
    }
  }

  @Nested
  class Ranges {
    @Test
    void integer_beyond64Bits_isOutOfRange() {
      RecordMapper m = column("n", DataType.INTEGER);
      assertThat(reject(m, "{\"n\":9223372036854775808}").message()).isEqualTo("device.sensor.test[2]@42 out_of_range at n "
          + "value '9223372036854775808': whole number outside the 64-bit integer range for integer column v");
      for (String value : List.of("-9223372036854775809", "\"9223372036854775808\"", "1e19", "1e999999999", "\"-1e30\"",
          "123456789012345678901234567890")) {
        assertThat(reject(m, "{\"n\":" + value + "}").kind()).as(value).isEqualTo(Kind.OUT_OF_RANGE);
      }
    }

    @Test
    void float_beyondDouble_isOutOfRange() {
      RecordMapper m = column("x", DataType.FLOAT);
      assertThat(reject(m, "{\"x\":1e400}").rule()).isEqualTo("number outside the double-precision range for float column v");
      assertThat(reject(m, "{\"x\":\"-1e400\"}").kind()).isEqualTo(Kind.OUT_OF_RANGE);
      assertThat(reject(m, "{\"x\":1" + "0".repeat(400) + "}").kind()).isEqualTo(Kind.OUT_OF_RANGE);
    }

    @Test
    void float_nanOrInfinityText_isOutOfRange() {
      RecordMapper m = column("x", DataType.FLOAT);
      for (String value : List.of("NaN", "Infinity", "-Infinity")) {
        MappingError error = reject(m, "{\"x\":\"" + value + "\"}");
        assertThat(error.kind()).isEqualTo(Kind.OUT_OF_RANGE);
        assertThat(error.rule()).isEqualTo("expected a finite number for float column v");
      }
    }

    @Test
    void floatArray_elementBeyondDouble_isOutOfRange() {
      MappingError error = reject(column("a", DataType.FLOAT_ARRAY), "{\"a\":[1,1e999]}");
      assertThat(error.kind()).isEqualTo(Kind.OUT_OF_RANGE);
      assertThat(error.path()).isEqualTo("a[1]");
    }

    @Test
    void epochBeyondTheTimestampRange_isOutOfRange() {
      RecordMapper m = compile(FieldMapping.of("t", "t", DataType.TIMESTAMP).withTimestampFormat(TimestampFormat.EPOCH_SECONDS));
      assertThat(reject(m, "{\"t\":9223372036854775}").message()).isEqualTo("device.sensor.test[2]@42 out_of_range at t "
          + "value '9223372036854775': epoch value outside the range of timestamps (4713 BC onwards, 64-bit microseconds) "
          + "for timestamp column t");
      assertThat(reject(column("t", DataType.TIMESTAMP), "{\"t\":-9223372036854775808}").kind()).isEqualTo(Kind.OUT_OF_RANGE);
      assertThat(reject(column("t", DataType.TIMESTAMP), "{\"t\":99999999999999999999}").kind()).isEqualTo(Kind.OUT_OF_RANGE);
      assertThat(reject(column("t", DataType.TIMESTAMP), "{\"t\":1e30}").kind()).isEqualTo(Kind.OUT_OF_RANGE);
    }
  }

  @Nested
  class Texts {
    @Test
    void nulCharacter_isInvalidText() {
      MappingError error = reject(column("s", DataType.STRING), "{\"s\":\"a\\u0000b\"}");
      assertThat(error.message()).isEqualTo("device.sensor.test[2]@42 invalid_text at s value 'a\\u0000b': "
          + "text contains a NUL character (\\u0000), which PostgreSQL cannot store (string column v)");
    }

    @Test
    void nulCharacter_inEveryTextCarrier_isInvalidText() {
      assertThat(reject(column("a", DataType.ARRAY), "{\"a\":[\"ok\",\"\\u0000\"]}").path()).isEqualTo("a[1]");
      assertThat(reject(column("j", DataType.JSON), "{\"j\":\"\\u0000\"}").kind()).isEqualTo(Kind.INVALID_TEXT);
      MappingError inJson = reject(column("j", DataType.JSON), "{\"j\":{\"k\":[\"\\u0000\"]}}");
      assertThat(inJson.rule()).isEqualTo("JSON text contains \\u0000, which PostgreSQL cannot store (json column v)");
      assertThat(reject(column("j", DataType.JSON), "{\"j\":{\"\\u0000\":1}}").kind()).isEqualTo(Kind.INVALID_TEXT);
    }

    @Test
    void escapedBackslashBeforeU0000_isOrdinaryText() {
      assertThat(map(column("j", DataType.JSON), "{\"j\":[\"\\\\u0000\"]}").value())
          .isEqualTo(new io.loom.mapping.internal.RecordingSink.Json("[\"\\\\u0000\"]"));
    }

    @Test
    void unpairedSurrogate_isInvalidText() {
      MappingError error = reject(column("s", DataType.STRING), "{\"s\":\"a\\ud800b\"}");
      assertThat(error.rule()).isEqualTo("text contains an unpaired surrogate (\\ud800), which is not valid Unicode (string column v)");
      assertThat(reject(column("j", DataType.JSON), "{\"j\":[\"\\udc00\"]}").rule())
          .isEqualTo("JSON text contains an unpaired surrogate escape, which is not valid Unicode (json column v)");
      assertThat(map(column("j", DataType.JSON), "{\"j\":[\"\\ud83d\\ude00\"]}").error()).isNull();
    }

    @Test
    void invalidBase64_isInvalidBase64() {
      RecordMapper m = compile(FieldMapping.of("p", "p", DataType.STRING).withTransformation(Transformation.BASE64_DECODE));
      assertThat(reject(m, "{\"p\":\"aGVs!G8=\"}").message()).isEqualTo("device.sensor.test[2]@42 invalid_base64 at p value "
          + "'aGVs!G8=': character '!' at position 4 is not base64; expected base64 (A-Z a-z 0-9 + / or - _, optional = "
          + "padding) for string column p (base64_decode)");
      assertThat(reject(m, "{\"p\":\"aGVsb\"}").rule()).startsWith("base64 text of length 5 stops in the middle of a 4-character group");
      assertThat(reject(m, "{\"p\":\"aGVsbG8\\n\"}").kind()).isEqualTo(Kind.INVALID_BASE64);
      assertThat(reject(m, "{\"p\":\"aGk==\"}").kind()).isEqualTo(Kind.INVALID_BASE64);
    }

    @Test
    void unparseableTimestamp_isInvalidTimestamp() {
      RecordMapper m = column("t", DataType.TIMESTAMP);
      assertThat(reject(m, "{\"t\":\"2026-13-01T00:00:00Z\"}").message()).isEqualTo("device.sensor.test[2]@42 invalid_timestamp "
          + "at t value '2026-13-01T00:00:00Z': month 13 is not 01 to 12; expected ISO-8601 text with an offset or an "
          + "epoch number for timestamp column v");
      assertThat(reject(m, "{\"t\":\"2026-11-27T10:00:00\"}").rule()).isEqualTo("no offset; expected Z or an offset such as "
          + "+02:00 after the time; expected ISO-8601 text with an offset or an epoch number for timestamp column v");
      for (String value : List.of("yesterday", "2026-02-29T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T10:00:00+19:00",
          "2026-11-27", "", "1.5.5")) {
        assertThat(reject(m, "{\"t\":\"" + value + "\"}").kind()).as(value).isEqualTo(Kind.INVALID_TIMESTAMP);
      }
    }

    @Test
    void epochFormat_refusesIsoText() {
      RecordMapper m = compile(FieldMapping.of("t", "t", DataType.TIMESTAMP).withTimestampFormat(TimestampFormat.EPOCH_MILLIS));
      assertThat(reject(m, "{\"t\":\"2026-01-01T00:00:00Z\"}").message()).isEqualTo("device.sensor.test[2]@42 "
          + "invalid_timestamp at t value '2026-01-01T00:00:00Z': expected a number of milliseconds since 1970 for "
          + "timestamp column t (timestamp_format epoch_millis)");
    }

    @Test
    void longValue_isTruncatedInTheError() {
      String big = "x".repeat(500) + "\\u0000";
      MappingError error = reject(column("s", DataType.STRING), "{\"s\":\"" + big + "\"}");
      assertThat(error.value()).hasSize(MappingError.MAX_VALUE_LENGTH + 3).endsWith("...");
    }
  }

  @Nested
  class Required {
    @Test
    void requiredField_absentOrNull_isMissingRequired() {
      RecordMapper m = compile(FieldMapping.of("id", "id", DataType.STRING).withRequired(true), FieldMapping.of("v", "v", DataType.INTEGER));
      assertThat(reject(m, "{\"v\":1}").message()).isEqualTo("device.sensor.test[2]@42 missing_required at id: "
          + "required field is absent or null (string column id)");
      assertThat(reject(m, "{\"id\":null,\"v\":1}").kind()).isEqualTo(Kind.MISSING_REQUIRED);
    }

    @Test
    void requiredField_withDefault_isStillRequired() {
      RecordMapper m = compile(FieldMapping.of("id", "id", DataType.STRING).withRequired(true).withDefaultValue("x"));
      assertThat(reject(m, "{}").kind()).isEqualTo(Kind.MISSING_REQUIRED);
    }

    @Test
    void requiredElementField_namesTheElement() {
      RecordMapper m = compile(FieldMapping.of("items[*].x", "x", DataType.INTEGER).withRequired(true));
      assertThat(reject(m, "{\"items\":[{\"x\":1},{}]}").path()).isEqualTo("items[1].x");
    }

    @Test
    void requiredElementField_withoutTheArray_isMissingRequired() {
      RecordMapper m = compile(FieldMapping.of("data.items[*].x", "x", DataType.INTEGER).withRequired(true));
      assertThat(reject(m, "{\"data\":{}}").message()).isEqualTo("device.sensor.test[2]@42 missing_required at data.items: "
          + "the array to explode is absent or null, but data.items[*].x is required (integer column x)");
      assertThat(map(m, "{\"data\":{\"items\":[]}}").rows()).isEmpty();
    }

    @Test
    void requiredInATopLevelArrayElement_namesTheElement() {
      RecordMapper m = compile(FieldMapping.of("id", "id", DataType.STRING).withRequired(true));
      assertThat(reject(m, "[{\"id\":\"a\"},{\"id\":null}]").path()).isEqualTo("[1].id");
    }

    @Test
    void requiredMetadata_missing_isMissingRequired() {
      RecordMapper m = compile(FieldMapping.of("$kafka.key", "key", DataType.STRING).withRequired(true));
      SourceRecord noKey = SourceRecord.of("t", 0, 1, null, "{}".getBytes(StandardCharsets.UTF_8));
      assertThat(map(m, noKey).rejected().message()).isEqualTo("t[0]@1 missing_required at $kafka.key: "
          + "required field is absent or null (string column key)");
    }
  }

  @Nested
  class Metadata {
    @Test
    void keyThatIsNotUtf8_isInvalidText() {
      RecordMapper m = compile(FieldMapping.of("$kafka.key", "key", DataType.STRING));
      SourceRecord record = SourceRecord.of("t", 0, 1, new byte[] {(byte) 0xFF, 'a'}, "{}".getBytes(StandardCharsets.UTF_8));
      MappingError error = map(m, record).rejected();
      assertThat(error.kind()).isEqualTo(Kind.INVALID_TEXT);
      assertThat(error.rule()).isEqualTo("the record key is not valid UTF-8 text (string column key)");
    }

    @Test
    void headerOfTheWrongType_isWrongType() {
      RecordMapper m = compile(FieldMapping.of("$kafka.header.n", "n", DataType.INTEGER));
      SourceRecord record = new SimpleSourceRecord("t", 0, 1, -1, null, "{}".getBytes(StandardCharsets.UTF_8),
          Map.of("n", "many".getBytes(StandardCharsets.UTF_8)));
      assertThat(map(m, record).rejected().message()).isEqualTo("t[0]@1 wrong_type at $kafka.header.n value 'many': "
          + "expected a whole number for integer column n");
    }
  }

  @Nested
  class NothingEmitted {
    @Test
    void errorAfterEarlierValidColumns_emitsNothing() {
      RecordMapper m = compile(FieldMapping.of("a", "a", DataType.STRING), FieldMapping.of("b", "b", DataType.INTEGER));
      MapperFixture.Result result = map(m, "{\"a\":\"fine\",\"b\":\"bad\"}");
      assertThat(result.error()).isNotNull();
      assertThat(result.calls()).isZero();
    }

    @Test
    void errorInTheLastExplodedElement_emitsNoRowOfTheMessage() {
      RecordMapper m = compile(FieldMapping.of("v[*]", "v", DataType.INTEGER));
      MapperFixture.Result result = map(m, "{\"v\":[1,2,3,\"x\"]}");
      assertThat(result.error().path()).isEqualTo("v[3]");
      assertThat(result.calls()).isZero();
    }

    @Test
    void malformedTailAfterAllMappedFields_emitsNothing() {
      MapperFixture.Result result = map(column("a", DataType.STRING), "{\"a\":\"fine\",\"z\":[1,2}");
      assertThat(result.error().kind()).isEqualTo(Kind.MALFORMED_JSON);
      assertThat(result.calls()).isZero();
    }

    @Test
    void unexpectedFailureInsideTheMapper_comesBackAsAnError() {
      RecordMapper m = compile(FieldMapping.of("$kafka.header.h", "h", DataType.STRING));
      SourceRecord plain = SourceRecord.of("t", 0, 9, null, "{}".getBytes(StandardCharsets.UTF_8));
      SourceRecord failing = new SourceRecord() {
        @Override
        public String topic() {
          return plain.topic();
        }

        @Override
        public int partition() {
          return plain.partition();
        }

        @Override
        public long offset() {
          return plain.offset();
        }

        @Override
        public long timestamp() {
          return plain.timestamp();
        }

        @Override
        public byte[] key() {
          return plain.key();
        }

        @Override
        public byte[] value() {
          return plain.value();
        }

        @Override
        public byte[] header(String name) {
          throw new IllegalStateException("header store closed");
        }
      };
      MappingError error = map(m, failing).rejected();
      assertThat(error.message()).isEqualTo("t[0]@9 malformed_json value '{}': the mapper failed on this message "
          + "(IllegalStateException: header store closed); see the log");
    }
  }

  @Nested
  class Compile {
    @Test
    void malformedPath_isRefusedNamingTheField() {
      assertThatThrownBy(() -> compile(FieldMapping.of("ok", "a", DataType.STRING), FieldMapping.of("data..value", "b", DataType.FLOAT)))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage("invalid configuration from the mapping of topic device.sensor.test (1 problem):\n"
              + "  - mappings[device.sensor.test].fields[1].source_field_path: path 'data..value' is malformed: "
              + "empty segment at position 5; expected a field name");
    }

    @Test
    void everyProblem_isReportedAtOnce() {
      InvalidConfigurationException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidConfigurationException.class,
          () -> compile(
              FieldMapping.of("a[x]", "a", DataType.STRING),
              FieldMapping.of("b", "b", DataType.INTEGER).withTransformation(Transformation.BASE64_DECODE),
              FieldMapping.of("c[*].x", "c", DataType.STRING),
              FieldMapping.of("d[*].y", "d", DataType.STRING),
              FieldMapping.of("e", "e", DataType.STRING).withTransformation(Transformation.BASE64_DECODE).withDefaultValue("!!"),
              FieldMapping.of("f", "f", DataType.INTEGER).withDefaultValue("many"),
              FieldMapping.of("$kafka.nothing", "g", DataType.STRING)));
      assertThat(e.problems()).extracting(ConfigProblem::path, ConfigProblem::message).containsExactly(
          org.assertj.core.groups.Tuple.tuple("mappings[device.sensor.test].fields[0].source_field_path",
              "path 'a[x]' is malformed: array index 'x' at position 1 is not a non-negative number or *"),
          org.assertj.core.groups.Tuple.tuple("mappings[device.sensor.test].fields[1].transformation",
              "transformation 'base64_decode' cannot produce type integer; expected data_type string"),
          org.assertj.core.groups.Tuple.tuple("mappings[device.sensor.test].fields[3].source_field_path",
              "path 'd[*].y' explodes along 'd[*]' but another field explodes along 'c[*]'; a message explodes along one array only"),
          org.assertj.core.groups.Tuple.tuple("mappings[device.sensor.test].fields[4].default_value",
              "default value '!!' does not fit type string: the column decodes base64 (base64_decode), and this is not base64 text"),
          org.assertj.core.groups.Tuple.tuple("mappings[device.sensor.test].fields[5].default_value",
              "default value 'many' does not fit type integer: expected a whole number between -9223372036854775808 and 9223372036854775807"),
          org.assertj.core.groups.Tuple.tuple("mappings[device.sensor.test].fields[6].source_field_path",
              "path '$kafka.nothing' is malformed: unknown Kafka metadata 'nothing'; expected topic, partition, offset, key, "
                  + "timestamp or header.<name>"));
    }

    @Test
    void noFields_isRefused() {
      assertThatThrownBy(() -> compile())
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageEndingWith("mappings[device.sensor.test].fields: the mapping has no field mappings; expected at least one");
    }

    @Test
    void defaultsOutsideTheirType_areRefused() {
      assertThatThrownBy(() -> compile(FieldMapping.of("t", "t", DataType.TIMESTAMP).withDefaultValue("tomorrow")))
          .hasMessageEndingWith("default value 'tomorrow' does not fit type timestamp: expected an ISO-8601 timestamp with "
              + "an offset (2026-01-01T00:00:00Z) or an epoch number");
      assertThatThrownBy(() -> compile(FieldMapping.of("a", "a", DataType.FLOAT_ARRAY).withDefaultValue("[\"x\"]")))
          .hasMessageEndingWith("default value '[\"x\"]' does not fit type float_array: expected a JSON array of numbers");
      assertThatThrownBy(() -> compile(FieldMapping.of("j", "j", DataType.JSON).withDefaultValue("{")))
          .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void validatedConfiguration_alwaysCompiles() {
      TopicMapping mapping = MapperFixture.mapping(MapperFixture.telemetryFields().toArray(new FieldMapping[0]));
      assertThat(ConfigValidator.validate(new ConfigSnapshot(List.of(), List.of(), List.of(mapping), List.of()))).isEmpty();
      assertThat(MappingCompiler.compile(mapping).columns()).hasSize(12);
    }
  }
}
