package io.loom.mapping.testkit;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.Hypertable;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.SchemaValidation;
import io.loom.mapping.StageTopic;
import io.loom.mapping.TimestampFormat;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicRole;
import io.loom.mapping.TopicSchema;
import io.loom.mapping.Transformation;
import java.util.ArrayList;
import java.util.List;

/**
 * Configurations every {@link io.loom.mapping.MappingSource} must store and give back unchanged.
 *
 * <p>{@link #full()} uses every feature of the model: all data types, transformations, conflict
 * strategies (and append), timestamp formats, defaults of every type (including the empty string and
 * the text {@code null}), Kafka metadata paths, array index and explosion paths, schema-qualified
 * tables, dead-letter topics, schema validation, hypertables, schemas in several versions (ordered v1,
 * v2, v10) with one current, flows with stages in every role, optional values set and unset, and
 * texts that are awkward to store (quotes, {@code #}, {@code : }, line breaks, non-ASCII). Everything
 * in it is valid, and fits the seed's configuration tables (names, CHECK value sets).
 */
public final class ContractFixtures {
  /** Topics of the fixtures; all follow the naming rule. */
  public static final String GPS = "contract.sensor.gps.raw";
  public static final String GPS_ENRICHED = "contract.sensor.gps.enriched";
  public static final String GPS_DLQ = "contract.sensor.gps.dlq";
  public static final String AUDIO = "contract.audio.chunks.raw";
  public static final String AUDIO_ERRORS = "contract.audio.chunks.errors";
  public static final String TEXT = "contract.audio.text";
  public static final String EVENTS = "contract.events.os.raw";
  public static final String METRICS = "contract.telemetry.metrics.raw";
  public static final String ADDED = "contract.extra.new.raw";
  public static final String INVALID = "contract.invalid.one";

  private ContractFixtures() {}

  /** A valid configuration using every feature of the model. */
  public static ConfigSnapshot full() {
    return new ConfigSnapshot(topics(), schemas(), List.of(gps(), audio(), events(), metrics()), flows());
  }

  /**
   * {@link #full()} after an operator's edit: one mapping changed (strategy, a field added), one topic
   * and its mapping added, one flow removed.
   */
  public static ConfigSnapshot changed() {
    List<TopicDefinition> topics = new ArrayList<>(topics());
    topics.add(new TopicDefinition(ADDED, "contract", "extra", "new", "raw", "Added by a change", 3, 1, 1, "lz4", true));
    TopicMapping gps = gps();
    List<FieldMapping> gpsFields = new ArrayList<>(gps.fields());
    gpsFields.add(FieldMapping.of("data.hdop", "hdop", DataType.FLOAT));
    TopicMapping changedGps = new TopicMapping(gps.topic(), gps.table(), gps.upsertKey(), ConflictStrategy.REPLACE,
        gpsFields, gps.deadLetterTopic(), gps.schemaValidation(), gps.hypertable());
    TopicMapping added = new TopicMapping(ADDED, "contract_added", List.of("device_id"), ConflictStrategy.UPDATE,
        List.of(FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
            FieldMapping.of("value", "value", DataType.FLOAT)));
    List<PipelineFlow> flows = flows().stream().filter(f -> !f.flowName().equals("contract_empty_flow")).toList();
    return new ConfigSnapshot(topics, schemas(), List.of(changedGps, audio(), events(), metrics(), added), flows);
  }

  /**
   * A configuration the validator refuses with exactly {@link #invalidProblems()}, made only of values
   * the configuration tables can hold (names and CHECK value sets are fine; the rules between values
   * are broken).
   */
  public static ConfigSnapshot invalid() {
    TopicMapping broken = new TopicMapping(INVALID, "contract_invalid", List.of("device_id", "missing_column"),
        ConflictStrategy.UPDATE,
        List.of(
            FieldMapping.of("device_id", "device_id", DataType.STRING),
            FieldMapping.of("data..value", "value", DataType.FLOAT),
            FieldMapping.of("data.other", "device_id", DataType.STRING),
            FieldMapping.of("data.count", "count", DataType.INTEGER).withTransformation(Transformation.BASE64_DECODE),
            FieldMapping.of("data.ratio", "ratio", DataType.FLOAT).withDefaultValue("half")));
    TopicMapping badTable = new TopicMapping("contract.invalid.two", "gps; drop table x", List.of(), null,
        List.of(FieldMapping.of("device_id", "device_id", DataType.STRING)));
    return new ConfigSnapshot(
        List.of(TopicDefinition.of(INVALID, "Refused"), TopicDefinition.of("contract.invalid.two", "Refused too")),
        List.of(), List.of(broken, badTable), List.of());
  }

  /** The problems of {@link #invalid()}, as {@code path: message}, in validation order. */
  public static List<String> invalidProblems() {
    String m = "mappings[" + INVALID + "]";
    return List.of(
        m + ".fields[1].source_field_path: path 'data..value' is malformed: empty segment at position 5; expected a"
            + " field name",
        m + ".fields[2].target_column: column 'device_id' is mapped more than once",
        m + ".fields[3].transformation: transformation 'base64_decode' cannot produce type integer; expected"
            + " data_type string",
        m + ".fields[4].default_value: default value 'half' does not fit type float: expected a number",
        m + ".upsert_key: upsert key column 'missing_column' is not mapped by any field; mapped columns are count,"
            + " device_id, ratio, value",
        "mappings[contract.invalid.two].table_name: table name 'gps; drop table x' is not allowed; expected"
            + " ^[a-z_][a-z0-9_]{0,62}$, optionally schema-qualified");
  }

  // ---------------------------------------------------------------- full()

  private static List<TopicDefinition> topics() {
    return List.of(
        new TopicDefinition(GPS, "contract", "sensor", "gps", "raw", "GPS fixes: lat/lon # from phones", 30, 6, 3,
            "zstd", true),
        new TopicDefinition(GPS_ENRICHED, "contract", "sensor", "gps", "enriched", "Fixes with 'addresses' and \"places\"",
            365, 3, 1, "lz4", true),
        new TopicDefinition(GPS_DLQ, "contract", "sensor", "gps", "dlq", null, 14, 1, 1, "producer", true),
        new TopicDefinition(AUDIO, "contract", "audio", "chunks", "raw", "Température °C — «audio» chunks ✓", 1, 12, 2,
            "gzip", true),
        new TopicDefinition(AUDIO_ERRORS, "contract", "audio", "chunks", "errors", "line one\nline two", 7, 3, 1, "none",
            false),
        new TopicDefinition(TEXT, "contract", "audio", "text", null, "yes", 7, 3, 1, "snappy", true),
        new TopicDefinition(EVENTS, "contract", "events", "os", "raw", "null", 7, 3, 1, "lz4", true),
        new TopicDefinition(METRICS, "contract", "telemetry", "metrics", "raw", "  padded  ", 7, 3, 1, "lz4", true));
  }

  private static List<TopicSchema> schemas() {
    String v1 = "{\"type\":\"object\",\"required\":[\"device_id\"]}";
    String v2 = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
        + "\"required\":[\"device_id\",\"data\"],\"properties\":{\"device_id\":{\"type\":\"string\",\"minLength\":1},"
        + "\"data\":{\"type\":\"object\",\"properties\":{\"latitude\":{\"type\":\"number\",\"minimum\":-90.5,"
        + "\"maximum\":90},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"default\":[]},"
        + "\"mode\":{\"enum\":[\"yes\",\"no\",\"1\",\"true\",\"null\",\"~\",\"\",\"a: b\",\"#x\",\"2026-01-01\"]},"
        + "\"nothing\":{\"default\":null},\"flag\":{\"const\":true},\"empty\":{},\"nested\":{\"default\":[[1,2],[{\"a\":1}]]},"
        + "\"température\":{\"type\":\"number\",\"description\":\"°C, «quoted»\\nsecond line\"}}}},"
        + "\"additionalProperties\":false}";
    String v10 = "{\"type\":\"object\",\"title\":\"v10 is ordered after v2\"}";
    String audio = "{\"type\":\"object\",\"properties\":{\"chunk\":{\"type\":\"string\",\"contentEncoding\":\"base64\"},"
        + "\"rate\":{\"type\":\"integer\",\"minimum\":8000,\"maximum\":192000,\"default\":16000},"
        + "\"gain\":{\"type\":\"number\",\"multipleOf\":0.25}}}";
    return List.of(
        new TopicSchema(GPS, "v10", v10, null, false),
        new TopicSchema(GPS, "v2", v2, "schemas/gps/v2.json", true),
        new TopicSchema(GPS, "v1", v1, "schemas/gps/v1.json", false),
        new TopicSchema(AUDIO, "v1", audio, null, true));
  }

  private static TopicMapping gps() {
    return new TopicMapping(GPS, "telemetry.gps_raw", List.of("device_id", "timestamp"), ConflictStrategy.UPDATE,
        List.of(
            FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
            FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP).withRequired(true)
                .withTimestampFormat(TimestampFormat.ISO_8601),
            FieldMapping.of("data.latitude", "latitude", DataType.FLOAT).withRequired(true),
            FieldMapping.of("data.longitude", "longitude", DataType.FLOAT).withRequired(true),
            FieldMapping.of("data.altitude", "altitude", DataType.FLOAT).withDefaultValue("0.0"),
            FieldMapping.of("data.items[0].x", "first_x", DataType.FLOAT),
            FieldMapping.of("data.tags", "tags", DataType.ARRAY).withDefaultValue("[\"none\"]"),
            FieldMapping.of("data.samples", "samples", DataType.FLOAT_ARRAY).withDefaultValue("[1.5,2]"),
            FieldMapping.of("data.valid", "valid", DataType.BOOLEAN).withDefaultValue("true"),
            FieldMapping.of("data.satellites", "satellites", DataType.INTEGER).withDefaultValue("-1"),
            FieldMapping.of("data.fix_time", "fix_time", DataType.TIMESTAMP).withDefaultValue("2026-01-01T00:00:00Z")
                .withTimestampFormat(TimestampFormat.EPOCH_SECONDS),
            FieldMapping.of("data.extra", "extra", DataType.JSON).withDefaultValue("{\"a\":1}")),
        GPS_DLQ, new SchemaValidation(true, "schema_version", "x-schema-version"), new Hypertable("timestamp", "1 day"));
  }

  private static TopicMapping audio() {
    return new TopicMapping(AUDIO, "contract_audio_chunks", List.of("device_id", "timestamp", "chunk_index"),
        ConflictStrategy.REPLACE,
        List.of(
            FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
            FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP).withRequired(true)
                .withTimestampFormat(TimestampFormat.EPOCH_MICROS),
            FieldMapping.of("data.index", "chunk_index", DataType.INTEGER).withRequired(true),
            FieldMapping.of("data.chunk", "chunk", DataType.STRING).withTransformation(Transformation.BASE64_DECODE),
            FieldMapping.of("data.recorded_at", "recorded_at", DataType.TIMESTAMP)
                .withTransformation(Transformation.TIMESTAMP_PARSE).withTimestampFormat(TimestampFormat.EPOCH_MILLIS),
            FieldMapping.of("data.meta", "meta", DataType.JSON).withTransformation(Transformation.JSON_STRINGIFY),
            FieldMapping.of("data.raw_meta", "raw_meta", DataType.STRING).withTransformation(Transformation.JSON_STRINGIFY),
            FieldMapping.of("data.label", "label", DataType.STRING).withDefaultValue(""),
            FieldMapping.of("data.note", "note", DataType.STRING).withDefaultValue("null"),
            FieldMapping.of("data.comment", "comment", DataType.STRING).withDefaultValue("it's: #1, \"quoted\"")),
        null, SchemaValidation.CURRENT, new Hypertable("timestamp", null));
  }

  private static TopicMapping events() {
    return new TopicMapping(EVENTS, "contract_os_events", List.of(), ConflictStrategy.IGNORE,
        List.of(
            FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
            FieldMapping.of("$kafka.topic", "kafka_topic", DataType.STRING),
            FieldMapping.of("$kafka.partition", "kafka_partition", DataType.INTEGER),
            FieldMapping.of("$kafka.offset", "kafka_offset", DataType.INTEGER),
            FieldMapping.of("$kafka.key", "kafka_key", DataType.STRING),
            FieldMapping.of("$kafka.timestamp", "kafka_timestamp", DataType.TIMESTAMP)
                .withTimestampFormat(TimestampFormat.AUTO),
            FieldMapping.of("$kafka.header.trace-id", "trace_id", DataType.STRING),
            FieldMapping.of("data.items[*].x", "item_x", DataType.FLOAT).withRequired(true),
            FieldMapping.of("data.items[*].y", "item_y", DataType.FLOAT)),
        "contract.events.os.raw.dlq", new SchemaValidation(false, null, null), null);
  }

  private static TopicMapping metrics() {
    return new TopicMapping(METRICS, "contract_metrics", TopicMapping.DEFAULT_UPSERT_KEY, null,
        List.of(
            FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
            FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP).withRequired(true),
            FieldMapping.of("data.sensor_type", "data_sensor_type", DataType.STRING),
            FieldMapping.of("data.value", "data_value", DataType.FLOAT),
            FieldMapping.of("battery_level", "battery_level", DataType.INTEGER),
            FieldMapping.of("tags.site", "tags_site", DataType.STRING)));
  }

  private static List<PipelineFlow> flows() {
    PipelineStage enrich = new PipelineStage("enrich", 1, "gps-enricher", "loom/gps-enricher:1.2", 2,
        "{\"batch\":100,\"mode\":\"fast\",\"ratio\":0.25,\"nested\":{\"list\":[1,\"two\",null,true],\"empty\":[]}}",
        30, 5, 2, 60, 0.05,
        List.of(new StageTopic(GPS, TopicRole.INPUT), new StageTopic(GPS_ENRICHED, TopicRole.OUTPUT),
            new StageTopic(GPS_DLQ, TopicRole.ERROR)));
    PipelineStage archive = new PipelineStage("archive", 2, "archiver", null, 1, null, null, 3, 1, null, null,
        List.of(new StageTopic(GPS_ENRICHED, TopicRole.INPUT)));
    PipelineFlow gpsFlow = new PipelineFlow("contract_gps_flow", "GPS: enrich, then archive", "critical", 1000, 512, 5,
        true, List.of(archive, enrich));
    PipelineStage transcribe = new PipelineStage("transcribe", 1, "stt", "loom/stt:2", 3, "[\"a\",\"b\"]", 120, 0, 0,
        30, 0.0,
        List.of(new StageTopic(AUDIO, TopicRole.INPUT), new StageTopic(TEXT, TopicRole.OUTPUT),
            new StageTopic(AUDIO_ERRORS, TopicRole.ERROR), new StageTopic(GPS_DLQ, TopicRole.ERROR)));
    PipelineStage align = new PipelineStage("align", 1, "aligner", null, 1, "{}", null, 3, 1, null, 1.0,
        List.of(new StageTopic(AUDIO, TopicRole.INPUT), new StageTopic(TEXT, TopicRole.INPUT)));
    PipelineFlow audioFlow = new PipelineFlow("contract_audio_flow", null, "low", null, null, 3, false,
        List.of(transcribe, align));
    PipelineFlow empty = new PipelineFlow("contract_empty_flow", "A flow without stages yet", "high", 10, null, 1, true,
        List.of());
    return List.of(gpsFlow, audioFlow, empty);
  }
}
