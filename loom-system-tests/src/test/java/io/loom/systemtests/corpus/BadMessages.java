package io.loom.systemtests.corpus;

import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.TimestampFormat;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.Transformation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The corpus of bad messages: each entry names what is wrong with its value, and the dead-letter kind,
 * path and reason fragment Loom must report for it. The messages are read with {@link #mapping} into the
 * table {@link #TABLE_DDL} creates. Design note: every bad value differs from a good message in one
 * place only, so that the expected path and reason can only come from that place.
 */
final class BadMessages {
  /** The size of the long strings: a message of about a megabyte. */
  static final int MEGABYTE = 1_000_000;

  static String tableDdl(String table) {
    return "CREATE TABLE " + table + " (device_id text NOT NULL, ts timestamptz NOT NULL, seq bigint NOT NULL,"
        + " reading double precision CHECK (reading IS NULL OR reading >= 0), count integer, code varchar(8),"
        + " active boolean, blob bytea, tags text[], samples double precision[], attrs jsonb, note text,"
        + " seen_at timestamptz, iso_at timestamptz, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL)";
  }

  static TopicMapping mapping(String topic, String table) {
    return new TopicMapping(topic, table, List.of(), ConflictStrategy.IGNORE, List.of(
        FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
        FieldMapping.of("timestamp", "ts", DataType.TIMESTAMP).withRequired(true),
        FieldMapping.of("seq", "seq", DataType.INTEGER).withRequired(true),
        FieldMapping.of("data.reading", "reading", DataType.FLOAT),
        FieldMapping.of("data.count", "count", DataType.INTEGER),
        FieldMapping.of("data.code", "code", DataType.STRING),
        FieldMapping.of("data.active", "active", DataType.BOOLEAN),
        FieldMapping.of("data.blob", "blob", DataType.STRING).withTransformation(Transformation.BASE64_DECODE),
        FieldMapping.of("data.tags", "tags", DataType.ARRAY),
        FieldMapping.of("data.samples", "samples", DataType.FLOAT_ARRAY),
        FieldMapping.of("data.attrs", "attrs", DataType.JSON),
        FieldMapping.of("data.note", "note", DataType.STRING),
        FieldMapping.of("data.seen_ms", "seen_at", DataType.TIMESTAMP)
            .withTimestampFormat(TimestampFormat.EPOCH_MILLIS),
        FieldMapping.of("data.iso", "iso_at", DataType.TIMESTAMP).withTimestampFormat(TimestampFormat.ISO_8601),
        FieldMapping.of("$kafka.partition", "kafka_partition", DataType.INTEGER),
        FieldMapping.of("$kafka.offset", "kafka_offset", DataType.INTEGER)));
  }

  /** Good message {@code seq}: every mapped field present and valid. */
  static String good(long seq) {
    return String.format(Locale.ROOT, "{\"device_id\":\"dev-%d\",\"timestamp\":\"2026-11-27T10:%02d:%02dZ\","
        + "\"seq\":%d,\"data\":{\"reading\":%d.25,\"count\":%d,\"code\":\"c%d\",\"active\":%b,"
        + "\"blob\":\"aGVsbG8=\",\"tags\":[\"a\",\"b\"],\"samples\":[1.5,2.5],\"attrs\":{\"k\":[1,{\"x\":null}]},"
        + "\"note\":\"n\\u00e9\\n\\\"%d\\\"\",\"seen_ms\":1764237600000,\"iso\":\"2026-11-27T10:00:00.123+01:00\"}}",
        seq % 10, (seq / 60) % 60, seq % 60, seq, seq % 7, seq, seq % 3, seq % 1000, seq);
  }

  /** A good message whose note is a string of about a megabyte. */
  static String goodWithLongNote(long seq) {
    String g = good(seq);
    return g.replace("\"note\":\"", "\"note\":\"" + "x".repeat(MEGABYTE));
  }

  /** A message with a good envelope and the given {@code data} object text. */
  static String withData(String data) {
    return "{\"device_id\":\"dev-bad\",\"timestamp\":\"2026-11-27T11:00:00Z\",\"seq\":-1,\"data\":" + data + "}";
  }

  /**
   * One bad message.
   *
   * @param name what is wrong, unique in the corpus
   * @param value the message value, {@code null} for a tombstone
   * @param kind the expected {@code loom.error.kind}
   * @param path the expected {@code loom.error.path}, or {@code null} when the whole message is at fault
   * @param reason a fragment the {@code loom.error.reason} must contain
   */
  record Entry(String name, byte[] value, String kind, String path, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Entry> corpus() {
    List<Entry> c = new ArrayList<>();
    // Not JSON at all, or not all of it.
    text(c, "truncated_json", "{\"device_id\":\"dev-1\",\"timestamp\":", "malformed_json", null,
        "invalid JSON: Unexpected end-of-input within/between Object entries at line 1, column 34");
    text(c, "truncated_in_string", "{\"device_id\":\"dev-", "malformed_json", null,
        "invalid JSON: Unexpected end-of-input in VALUE_STRING at line 1, column 19");
    text(c, "plain_text", "hello, not json", "malformed_json", null, "invalid JSON: Unrecognized token 'hello'");
    text(c, "unquoted_key", "{device_id:\"dev-1\"}", "malformed_json", null,
        "invalid JSON: Unexpected character ('d' (code 100)): was expecting double-quote to start field name"
            + " at line 1, column 2");
    text(c, "single_quotes", "{'device_id':'dev-1'}", "malformed_json", null,
        "invalid JSON: Unexpected character (''' (code 39)): was expecting double-quote to start field name at"
            + " line 1, column 2");
    text(c, "trailing_garbage", good(1) + " trailing", "malformed_json", null,
        "invalid JSON: Unrecognized token 'trailing'");
    text(c, "extra_closing_brace", good(2) + "}", "malformed_json", null,
        "invalid JSON: Unexpected close marker '}': no open Object to close at line 1, column");
    text(c, "trailing_comma", withData("{\"reading\":1,}"), "malformed_json", null,
        "invalid JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name"
            + " at line 1, column 88");
    c.add(new Entry("empty_value", new byte[0], "malformed_json", null,
        "the message value is empty (a tombstone); expected a JSON document"));
    c.add(new Entry("tombstone", null, "malformed_json", null,
        "the message value is empty (a tombstone); expected a JSON document"));
    text(c, "blanks_only", "  \n\t ", "malformed_json", null,
        "the message value holds only blanks; expected a JSON document");
    // Required fields.
    text(c, "missing_device_id", "{\"timestamp\":\"2026-11-27T11:00:00Z\",\"seq\":1}", "missing_required", "device_id",
        "missing_required at device_id: required field is absent or null (string column device_id)");
    text(c, "missing_timestamp", "{\"device_id\":\"dev-1\",\"seq\":1}", "missing_required", "timestamp",
        "missing_required at timestamp: required field is absent or null (timestamp column ts)");
    text(c, "null_required_field", "{\"device_id\":null,\"timestamp\":\"2026-11-27T11:00:00Z\",\"seq\":1}",
        "missing_required", "device_id",
            "missing_required at device_id: required field is absent or null (string column device_id)");
    text(c, "empty_object", "{}", "missing_required", "device_id",
        "missing_required at device_id: required field is absent or null (string column device_id)");
    // Wrong types and shapes.
    text(c, "string_for_float", withData("{\"reading\":\"abc\"}"), "wrong_type", "data.reading",
        "wrong_type at data.reading value 'abc': expected a number for float column reading");
    text(c, "float_for_integer", withData("{\"count\":1.5}"), "wrong_type", "data.count",
        "wrong_type at data.count value '1.5': expected a whole number for integer column count");
    text(c, "string_for_boolean", withData("{\"active\":\"yes\"}"), "wrong_type", "data.active",
        "wrong_type at data.active value 'yes': expected true or false for boolean column active");
    text(c, "object_for_string", withData("{\"code\":{\"a\":1}}"), "wrong_type", "data.code",
        "wrong_type at data.code value '{\"a\":1}': expected a string, number or boolean for string column code");
    text(c, "array_for_object", withData("[1,2,3]"), "wrong_type", "data",
        "wrong_type at data value '[1,2,3]': expected an object, as the mapped path data.reading reads inside it");
    text(c, "scalar_message", "42", "wrong_type", null, "expected a JSON object or array as the message");
    text(c, "string_for_array", withData("{\"tags\":\"a,b\"}"), "wrong_type", "data.tags",
        "wrong_type at data.tags value 'a,b': expected an array of strings, numbers or booleans for array column tags");
    text(c, "string_in_float_array", withData("{\"samples\":[1.0,\"two\"]}"), "wrong_type", "data.samples[1]",
        "wrong_type at data.samples[1] value 'two': expected an array of numbers for float_array column samples");
    // Numbers JSON or the column cannot hold.
    text(c, "nan_literal", withData("{\"reading\":NaN}"), "malformed_json", null,
        "invalid JSON: Non-standard token 'NaN' at line 1, column 89");
    text(c, "infinity_literal", withData("{\"reading\":Infinity}"), "malformed_json", null,
        "invalid JSON: Non-standard token 'Infinity' at line 1, column 94");
    text(c, "huge_integer", withData("{\"count\":123456789012345678901234567890}"), "out_of_range", "data.count",
        "out_of_range at data.count value '123456789012345678901234567890': whole number outside the 64-bit"
            + " integer range for integer column count");
    text(c, "huge_float", withData("{\"reading\":1e400}"), "out_of_range", "data.reading",
        "out_of_range at data.reading value '1e400': number outside the double-precision range for float"
            + " column reading");
    text(c, "integer_over_int4", withData("{\"count\":3000000000}"), "database_rejected", null,
        "corpus_events: 22003 column \"count\": value 3000000000 is out of range for type integer");
    // Values PostgreSQL refuses.
    text(c, "check_constraint", withData("{\"reading\":-1}"), "database_rejected", null,
        "corpus_events: 23514 new row for relation \"corpus_events\" violates check constraint"
            + " \"corpus_events_reading_check\"");
    text(c, "varchar_overflow", withData("{\"code\":\"much-too-long\"}"), "database_rejected", null,
        "corpus_events: 22001 value too long for type character varying(8)");
    text(c, "megabyte_varchar_overflow", withData("{\"code\":\"" + "y".repeat(MEGABYTE) + "\"}"),
        "database_rejected", null, "corpus_events: 22001 value too long for type character varying(8)");
    // Text PostgreSQL cannot store, bytes that are not UTF-8.
    text(c, "nul_escape_in_text", withData("{\"note\":\"a\\u0000b\"}"), "invalid_text", "data.note",
        "invalid_text at data.note value 'a\\u0000b': text contains a NUL character (\\u0000), which"
            + " PostgreSQL cannot store (string column note)");
    text(c, "raw_nul_byte", withData("{\"note\":\"a\u0000b\"}"), "malformed_json", null,
        "invalid JSON: Illegal unquoted character ((CTRL-CHAR, code 0)): has to be escaped using backslash to"
            + " be included in string value at line 1, column 85");
    text(c, "lone_surrogate", withData("{\"note\":\"a\\ud800b\"}"), "invalid_text", "data.note",
        "text contains an unpaired surrogate (\\ud800), which is not valid Unicode (string column note)");
    c.add(new Entry("invalid_utf8", concat(withData("{\"note\":\"a").getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xC3, (byte) 0x28}, "\"}}".getBytes(StandardCharsets.UTF_8)), "malformed_json", null,
        "invalid JSON: Invalid UTF-8 middle byte 0x28 at line 1, column 88"));
    c.add(new Entry("utf16_message", good(3).getBytes(StandardCharsets.UTF_16BE), "malformed_json", null,
        "the message value is not UTF-8 (it starts like UTF-16 or UTF-32); expected a UTF-8 JSON document"));
    // Timestamps and base64.
    text(c, "timestamp_word", "{\"device_id\":\"dev-1\",\"timestamp\":\"yesterday\",\"seq\":1}", "invalid_timestamp",
        "timestamp",
            "invalid_timestamp at timestamp value 'yesterday': too short for an ISO-8601 timestamp; expected"
                + " ISO-8601 text with an offset or an epoch number for timestamp column ts");
    text(c, "timestamp_impossible_date", "{\"device_id\":\"dev-1\",\"timestamp\":\"2026-13-45T25:61:00Z\",\"seq\":1}",
        "invalid_timestamp", "timestamp",
            "invalid_timestamp at timestamp value '2026-13-45T25:61:00Z': month 13 is not 01 to 12");
    text(c, "epoch_millis_as_text", withData("{\"seen_ms\":\"noon\"}"), "invalid_timestamp", "data.seen_ms",
        "invalid_timestamp at data.seen_ms value 'noon': expected a number of milliseconds since 1970 for"
            + " timestamp column seen_at (timestamp_format epoch_millis)");
    text(c, "iso_timestamp_as_number", withData("{\"iso\":1764237600}"), "wrong_type", "data.iso",
        "wrong_type at data.iso value '1764237600': expected ISO-8601 text with an offset for timestamp column iso_at"
            + " (timestamp_format iso_8601)");
    text(c, "invalid_base64", withData("{\"blob\":\"!!not base64!!\"}"), "invalid_base64", "data.blob",
        "invalid_base64 at data.blob value '!!not base64!!': character '!' at position 0 is not base64");
    // Structure.
    text(c, "deep_nesting", withData("{\"attrs\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"),
        "malformed_json", null, "invalid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)");
    text(c, "deep_nesting_unmapped",
        withData("{\"other\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}"),
        "malformed_json", null, "invalid JSON: Document nesting depth (1001) exceeds the maximum allowed (1000)");
    return c;
  }

  private static void text(List<Entry> c, String name, String value, String kind, String path, String reason) {
    c.add(new Entry(name, value.getBytes(StandardCharsets.UTF_8), kind, path, reason));
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private BadMessages() {}
}
