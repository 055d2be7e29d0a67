package io.loom.sink;

import static io.loom.sink.SinkDatabase.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.Column;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.Hypertable;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.Transformation;
import io.loom.sink.SinkDatabase.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pairing of mapped value kind and column type: what is stored, and what is rejected. */
class JdbcSinkTypesTest {
  private static final String TOPIC = "device.sensor.types.raw";
  private static final Instant T = Instant.parse("2026-11-27T10:00:00.001234Z");
  private static final Instant BEFORE_1970 = Instant.parse("1969-12-31T23:59:59.5Z");

  private static SinkDatabase db;
  private static JdbcSink sink;
  private static int tables;

  @BeforeAll
  static void start() {
    db = new SinkDatabase();
    db.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')", "CREATE DOMAIN percent AS int4 CHECK (VALUE BETWEEN 0 AND 100)");
    sink = new JdbcSink(db.pool, SinkDatabase.fastRetries());
  }

  @AfterAll
  static void stop() {
    sink.close();
    db.close();
  }

  static Stream<Arguments> pairings() {
    return Stream.of(
        // string
        Arguments.of(DataType.STRING, null, "text", "héllo ☃ 𝄞", "héllo ☃ 𝄞"),
        Arguments.of(DataType.STRING, null, "varchar(10)", "abc", "abc"),
        Arguments.of(DataType.STRING, null, "char(4)", "ab", "ab"),
        Arguments.of(DataType.STRING, null, "uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        Arguments.of(DataType.STRING, null, "uuid", "{a0eebc999c0b4ef8bb6d6bb9bd380a11}", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        Arguments.of(DataType.STRING, null, "jsonb", "{\"b\": 1, \"a\": [true]}", "{\"a\": [true], \"b\": 1}"),
        Arguments.of(DataType.STRING, null, "json", "{\"b\":1}", "{\"b\":1}"),
        Arguments.of(DataType.STRING, null, "bytea", "AB", "\\x4142"),
        Arguments.of(DataType.STRING, null, "mood", "sad", "sad"),
        Arguments.of(DataType.STRING, null, "inet", "10.0.0.1", "10.0.0.1/32"),
        Arguments.of(DataType.STRING, null, "int4", "42", "42"),
        // integer
        Arguments.of(DataType.INTEGER, null, "int2", -32768L, "-32768"),
        Arguments.of(DataType.INTEGER, null, "int4", 2147483647L, "2147483647"),
        Arguments.of(DataType.INTEGER, null, "int8", Long.MIN_VALUE, "-9223372036854775808"),
        Arguments.of(DataType.INTEGER, null, "float4", 3L, "3"),
        Arguments.of(DataType.INTEGER, null, "float8", 1L << 40, "1099511627776"),
        Arguments.of(DataType.INTEGER, null, "numeric(30,2)", 123456789012L, "123456789012.00"),
        Arguments.of(DataType.INTEGER, null, "text", -7L, "-7"),
        Arguments.of(DataType.INTEGER, null, "jsonb", 7L, "7"),
        Arguments.of(DataType.INTEGER, null, "percent", 55L, "55"),
        // float
        Arguments.of(DataType.FLOAT, null, "float8", 34.19, "34.19"),
        Arguments.of(DataType.FLOAT, null, "float4", 1.5, "1.5"),
        Arguments.of(DataType.FLOAT, null, "numeric", 0.1, "0.1"),
        Arguments.of(DataType.FLOAT, null, "numeric", -12345.678e10, "-123456780000000"),
        Arguments.of(DataType.FLOAT, null, "int4", 12.0, "12"),
        Arguments.of(DataType.FLOAT, null, "text", 2.5, "2.5"),
        Arguments.of(DataType.FLOAT, null, "json", 2.5, "2.5"),
        // boolean
        Arguments.of(DataType.BOOLEAN, null, "bool", true, "true"),
        Arguments.of(DataType.BOOLEAN, null, "text", false, "false"),
        Arguments.of(DataType.BOOLEAN, null, "jsonb", true, "true"),
        // timestamp
        Arguments.of(DataType.TIMESTAMP, null, "timestamptz", T, "2026-11-27 10:00:00.001234+00"),
        Arguments.of(DataType.TIMESTAMP, null, "timestamptz", BEFORE_1970, "1969-12-31 23:59:59.5+00"),
        Arguments.of(DataType.TIMESTAMP, null, "timestamp", T, "2026-11-27 10:00:00.001234"),
        Arguments.of(DataType.TIMESTAMP, null, "date", T, "2026-11-27"),
        Arguments.of(DataType.TIMESTAMP, null, "date", BEFORE_1970, "1969-12-31"),
        Arguments.of(DataType.TIMESTAMP, null, "text", T, "2026-11-27T10:00:00.001234Z"),
        Arguments.of(DataType.TIMESTAMP, null, "jsonb", T, "\"2026-11-27T10:00:00.001234Z\""),
        // base64_decode -> bytes
        Arguments.of(DataType.STRING, Transformation.BASE64_DECODE, "bytea", new byte[] {0, 1, (byte) 0xff}, "\\x0001ff"),
        Arguments.of(DataType.STRING, Transformation.BASE64_DECODE, "text", "abc".getBytes(StandardCharsets.UTF_8), "abc"),
        // json
        Arguments.of(DataType.JSON, null, "jsonb", new Json("{\"a\":{\"b\":[1,2]}}"), "{\"a\": {\"b\": [1, 2]}}"),
        Arguments.of(DataType.JSON, null, "json", new Json("[1, 2]"), "[1, 2]"),
        Arguments.of(DataType.JSON, null, "text", new Json("{\"x\":null}"), "{\"x\":null}"),
        Arguments.of(DataType.STRING, Transformation.JSON_STRINGIFY, "text", new Json("{\"x\":1}"), "{\"x\":1}"),
        // arrays
        Arguments.of(DataType.ARRAY, null, "text[]", new String[] {"a", null, "b,c", "\"q\""}, "{a,NULL,\"b,c\",\"\\\"q\\\"\"}"),
        Arguments.of(DataType.ARRAY, null, "varchar(5)[]", new String[] {"x"}, "{x}"),
        Arguments.of(DataType.ARRAY, null, "text[]", new String[0], "{}"),
        Arguments.of(DataType.ARRAY, null, "jsonb", new String[] {"a", null, "q\"\n"}, "[\"a\", null, \"q\\\"\\n\"]"),
        Arguments.of(DataType.ARRAY, null, "int4[]", new String[] {"1", "2"}, "{1,2}"),
        Arguments.of(DataType.FLOAT_ARRAY, null, "float8[]", new double[] {1.5, -2, 1e300}, "{1.5,-2,1e+300}"),
        Arguments.of(DataType.FLOAT_ARRAY, null, "float4[]", new double[] {0.25}, "{0.25}"),
        Arguments.of(DataType.FLOAT_ARRAY, null, "float8[]", new double[0], "{}"),
        Arguments.of(DataType.FLOAT_ARRAY, null, "json", new double[] {1.5, 2}, "[1.5,2.0]"),
        Arguments.of(DataType.FLOAT_ARRAY, null, "numeric[]", new double[] {1.25}, "{1.25}"));
  }

  private static TableTarget table(String columnType, DataType dataType, Transformation transformation) {
    String table = "types_" + (++tables);
    db.execute("CREATE TABLE " + table + " (id int8 PRIMARY KEY, c " + columnType + ")");
    return new TableTarget(table, List.of(new Column(0, "id", DataType.INTEGER, null),
        new Column(1, "c", dataType, transformation)), List.of("id"), ConflictStrategy.UPDATE, null);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}: {4}")
  @MethodSource("pairings")
  void pairing_storesTheValue(DataType dataType, Transformation transformation, String columnType, Object value,
      String stored) {
    for (ConflictStrategy strategy : new ConflictStrategy[] {ConflictStrategy.IGNORE, ConflictStrategy.UPDATE}) {
      TableTarget keyed = table(columnType, dataType, transformation);
      TableTarget target = new TableTarget(keyed.table(), keyed.columns(), keyed.upsertKey(), strategy, null);
      SinkBatch batch = sink.newBatch();
      message(batch, target, TOPIC, 0, 0, 1L, value);
      message(batch, target, TOPIC, 0, 1, 2L, null);

      WriteResult result = sink.write(batch, "g-" + target.table());

      assertThat(result.rejected()).isEmpty();
      assertThat(db.query("SELECT c::text FROM " + target.table() + " ORDER BY id")).containsExactly(stored, "null");
    }
  }

  static Stream<Arguments> misfits() {
    return Stream.of(
        Arguments.of(DataType.STRING, "uuid", "abc", "22P02", "column \"c\": invalid input syntax for type uuid: \"abc\""),
        Arguments.of(DataType.STRING, "uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "22P02",
            "column \"c\": invalid input syntax for type uuid: \"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1\""),
        Arguments.of(DataType.INTEGER, "int4", 1L << 40, "22003",
            "column \"c\": value 1099511627776 is out of range for type integer"),
        Arguments.of(DataType.INTEGER, "int2", 40000L, "22003", "column \"c\": value 40000 is out of range for type smallint"),
        Arguments.of(DataType.FLOAT, "int8", 1.5, "22P02",
            "column \"c\": value 1.5 is not a whole number within the range of type bigint"),
        Arguments.of(DataType.FLOAT, "float4", 1e300, "22003", "column \"c\": value 1.0E300 is out of range for type real"),
        Arguments.of(DataType.STRING, "varchar(2)", "abc", "22001", "value too long for type character varying(2)"),
        Arguments.of(DataType.STRING, "jsonb", "{not json", "22P02", "invalid input syntax for type json"),
        Arguments.of(DataType.STRING, "mood", "angry", "22P02", "invalid input value for enum mood: \"angry\""),
        Arguments.of(DataType.INTEGER, "percent", 101L, "23514", "value for domain percent violates check constraint"));
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("misfits")
  void valueThatDoesNotFit_isRejected_otherRowsWritten(DataType dataType, String columnType, Object value, String state,
      String message) {
    TableTarget target = table(columnType, dataType, null);
    SinkBatch batch = sink.newBatch();
    message(batch, target, TOPIC, 0, 0, 1L, null);
    message(batch, target, TOPIC, 0, 1, 2L, value);
    message(batch, target, TOPIC, 0, 2, 3L, null);

    WriteResult result = sink.write(batch, "g-" + target.table());

    assertThat(result.rejected()).singleElement().satisfies(r -> {
      assertThat(r.offset()).isEqualTo(1);
      assertThat(r.sqlState()).isEqualTo(state);
      assertThat(r.message()).startsWith(message);
    });
    assertThat(db.query("SELECT id FROM " + target.table() + " ORDER BY id")).containsExactly("1", "3");
  }

  private static TopicMapping mapping(String table, List<String> key, ConflictStrategy strategy, FieldMapping... fields) {
    return new TopicMapping(TOPIC, table, key, strategy, List.of(fields));
  }

  private static List<Column> columns(TopicMapping mapping) {
    return java.util.stream.IntStream.range(0, mapping.fields().size())
        .mapToObj(i -> new Column(i, mapping.fields().get(i).targetColumn(), mapping.fields().get(i).dataType(),
            mapping.fields().get(i).transformation()))
        .toList();
  }

  @Test
  void check_validMapping_hasNoProblems_andDescribesItsPath() {
    db.execute("CREATE TABLE checked_ok (device_id text, ts timestamptz, v float8, mood mood, PRIMARY KEY (device_id, ts))");
    TopicMapping mapping = mapping("checked_ok", List.of("device_id", "ts"), ConflictStrategy.IGNORE,
        FieldMapping.of("device_id", "device_id", DataType.STRING), FieldMapping.of("timestamp", "ts", DataType.TIMESTAMP),
        FieldMapping.of("value", "v", DataType.FLOAT));

    assertThat(sink.check(mapping, columns(mapping))).isEmpty();
    assertThat(sink.describeWritePath(mapping, columns(mapping))).isEqualTo("ignore: binary COPY straight into"
        + " checked_ok inside a savepoint; on a key conflict, COPY into a staging table and INSERT ... ON CONFLICT"
        + " (device_id, ts) DO NOTHING");

    TopicMapping withCast = mapping("checked_ok", List.of("device_id", "ts"), ConflictStrategy.UPDATE,
        FieldMapping.of("device_id", "device_id", DataType.STRING), FieldMapping.of("timestamp", "ts", DataType.TIMESTAMP),
        FieldMapping.of("mood", "mood", DataType.STRING));
    assertThat(sink.describeWritePath(withCast, columns(withCast))).isEqualTo("update: binary COPY into a staging table,"
        + " then INSERT ... ON CONFLICT (device_id, ts) DO UPDATE SET the mapped non-key columns, skipping rows whose"
        + " stored values are identical; PostgreSQL casts mood (text -> mood)");
  }

  @Test
  void check_reportsEveryProblemWithItsField() {
    db.execute("CREATE TABLE checked_bad (id int8, v float8[], must text NOT NULL, gen int8 GENERATED ALWAYS AS (id * 2) STORED,"
        + " UNIQUE (id, v))");
    TopicMapping mapping = mapping("checked_bad", List.of("id"), ConflictStrategy.UPDATE,
        FieldMapping.of("id", "id", DataType.INTEGER), FieldMapping.of("flag", "v", DataType.BOOLEAN),
        FieldMapping.of("nope", "missing", DataType.STRING), FieldMapping.of("g", "gen", DataType.INTEGER));

    assertThat(sink.check(mapping, columns(mapping))).extracting(Object::toString).containsExactly(
        "mappings[" + TOPIC + "].fields[1].data_type: data type boolean cannot be written to column 'v' of type double"
            + " precision[] in table 'checked_bad' (PostgreSQL has no conversion from boolean to double precision[])",
        "mappings[" + TOPIC + "].fields[2].target_column: column 'missing' does not exist in table 'checked_bad'; its"
            + " columns are id, v, must, gen",
        "mappings[" + TOPIC + "].fields[3].target_column: column 'gen' of table 'checked_bad' is a generated column; it"
            + " cannot be written",
        "mappings[" + TOPIC + "].fields: column 'must' of table 'checked_bad' is NOT NULL without a default and is not"
            + " mapped: every row would be rejected",
        "mappings[" + TOPIC + "].upsert_key: upsert key (id) has no primary key or unique index on exactly these columns"
            + " in table 'checked_bad'; its unique indexes are checked_bad_id_v_key (id, v) (needed for conflict strategy"
            + " update)");
  }

  @Test
  void check_missingTableThatCannotBeCreated_isOneProblem() {
    TopicMapping mapping = mapping("no_such_schema.no_such_table", List.of(), ConflictStrategy.IGNORE,
        FieldMapping.of("id", "id", DataType.INTEGER));

    assertThat(sink.check(mapping, columns(mapping))).extracting(Object::toString).containsExactly(
        "mappings[" + TOPIC + "].table_name: table 'no_such_schema.no_such_table' does not exist in the database");
  }

  @Test
  void write_impossiblePairing_failsWithSchemaReason_andStoresNothing() {
    db.execute("CREATE TABLE impossible (id int8, v float8[])");
    TableTarget target = new TableTarget("impossible", List.of(new Column(0, "id", DataType.INTEGER, null),
        new Column(1, "v", DataType.BOOLEAN, null)), List.of(), ConflictStrategy.IGNORE, null);
    SinkBatch batch = sink.newBatch();
    message(batch, target, TOPIC, 0, 0, 1L, true);

    assertThatThrownBy(() -> sink.write(batch, "g-impossible")).isInstanceOfSatisfying(SinkException.class, e -> {
      assertThat(e.reason()).isEqualTo(SinkException.Reason.SCHEMA);
      assertThat(e.getMessage()).isEqualTo("table 'impossible' does not fit its mapping:\n  - data type boolean cannot be"
          + " written to column 'v' of type double precision[] in table 'impossible' (PostgreSQL has no conversion from"
          + " boolean to double precision[])");
    });
    assertThat(db.count("impossible")).isZero();
  }

  @Test
  void hypertable_withoutTimescale_isIgnoredAndRowsAreWritten() {
    db.execute("CREATE TABLE ht (ts timestamptz NOT NULL, v float8)");
    TableTarget target = new TableTarget("ht", List.of(new Column(0, "ts", DataType.TIMESTAMP, null),
        new Column(1, "v", DataType.FLOAT, null)), List.of(), ConflictStrategy.IGNORE, new Hypertable("ts", "1 day"));
    SinkBatch batch = sink.newBatch();
    message(batch, target, TOPIC, 0, 0, T, 1.0);

    sink.write(batch, "g-ht");

    assertThat(db.query("SELECT v FROM ht")).containsExactly("1");
    assertThat(db.query("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'")).containsExactly("0");
  }

  @Test
  void schemaQualifiedTable_isWritten() {
    db.execute("CREATE SCHEMA IF NOT EXISTS other_" + db.schema, "CREATE TABLE other_" + db.schema + ".q (id int8)");
    TableTarget target = new TableTarget("other_" + db.schema + ".q", List.of(new Column(0, "id", DataType.INTEGER, null)),
        List.of(), ConflictStrategy.IGNORE, null);
    SinkBatch batch = sink.newBatch();
    message(batch, target, TOPIC, 0, 0, 5L);

    sink.write(batch, "g-q");

    assertThat(db.query("SELECT id FROM other_" + db.schema + ".q")).containsExactly("5");
  }
}
