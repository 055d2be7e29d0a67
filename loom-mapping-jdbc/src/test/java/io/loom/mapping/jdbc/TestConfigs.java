package io.loom.mapping.jdbc;

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
import java.util.List;

/** Configurations for tests. */
final class TestConfigs {
  private TestConfigs() {}

  /**
   * Every feature of the model: all data types, transformations, timestamp formats, strategies, defaults,
   * Kafka metadata paths, an exploded array, an append-only mapping, schema validation, a hypertable, a
   * schema-qualified table, schema versions (v10 after v2), and a flow whose stages have all three roles.
   */
  static ConfigSnapshot full() {
  return new ConfigSnapshot(
      List.of(
          new TopicDefinition("device.sensor.gps.raw", "device", "sensor", "gps", null, "GPS fixes", 30, 6, 2, "zstd",
              true),
          new TopicDefinition("device.sensor.gps.clean", "device", "sensor", "gps", "clean", "Cleaned fixes", 7, 3, 1,
              "lz4", true),
          new TopicDefinition("device.sensor.gps.errors", null, null, null, null, null, 7, 3, 1, "lz4", true)),
      List.of(
          new TopicSchema("device.sensor.gps.raw", "v1", "{\"type\":\"object\"}", "schemas/gps/v1.json", false),
          new TopicSchema("device.sensor.gps.raw", "v2", "{\"required\":[\"device_id\"],\"type\":\"object\"}",
              "schemas/gps/v2.json", true),
          new TopicSchema("device.sensor.gps.raw", "v10", "{\"title\":\"ten\",\"type\":\"object\"}", null, false)),
      List.of(
          new TopicMapping("device.sensor.gps.raw", "telemetry.gps_raw", List.of("device_id", "timestamp"),
              ConflictStrategy.UPDATE, List.of(
                  FieldMapping.of("device_id", "device_id", DataType.STRING).withRequired(true),
                  FieldMapping.of("timestamp", "timestamp", DataType.TIMESTAMP)
                      .withTransformation(Transformation.TIMESTAMP_PARSE).withRequired(true)
                      .withTimestampFormat(TimestampFormat.EPOCH_MILLIS),
                  FieldMapping.of("data.latitude", "lat", DataType.FLOAT),
                  FieldMapping.of("data.longitude", "lon", DataType.FLOAT).withDefaultValue("0.0"),
                  FieldMapping.of("data.accuracy", "accuracy", DataType.INTEGER).withDefaultValue("5"),
                  FieldMapping.of("data.moving", "moving", DataType.BOOLEAN).withDefaultValue("false"),
                  FieldMapping.of("data.tags", "tags", DataType.ARRAY),
                  FieldMapping.of("data.samples", "samples", DataType.FLOAT_ARRAY).withDefaultValue("[1, 2.5]"),
                  FieldMapping.of("data.raw", "raw", DataType.JSON).withTransformation(Transformation.JSON_STRINGIFY),
                  FieldMapping.of("data.blob", "blob", DataType.STRING).withTransformation(Transformation.BASE64_DECODE),
                  FieldMapping.of("data.items[*].x", "item_x", DataType.FLOAT),
                  FieldMapping.of("$kafka.offset", "kafka_offset", DataType.INTEGER),
                  FieldMapping.of("$kafka.header.trace-id", "trace_id", DataType.STRING)),
              "device.sensor.gps.dlq", new SchemaValidation(true, "schema_version", "x-schema"),
              new Hypertable("timestamp", "1 day")),
          new TopicMapping("device.sensor.gps.clean", "gps_clean", List.of(), ConflictStrategy.IGNORE, List.of(
              FieldMapping.of("device_id", "device_id", DataType.STRING),
              FieldMapping.of("$kafka.timestamp", "ts", DataType.TIMESTAMP)
                  .withTimestampFormat(TimestampFormat.ISO_8601)))),
      List.of(new PipelineFlow("gps-enrichment", "Cleans GPS fixes", "critical", 1000, 512, 5, false, List.of(
          new PipelineStage("clean", 1, "gps-cleaner", "loom/gps-cleaner:1.2", 3,
              "{\"max_speed_kmh\": 300, \"drop\": [\"zero\"]}", 30, 5, 2, 10, 0.01, List.of(
                  new StageTopic("device.sensor.gps.raw", TopicRole.INPUT),
                  new StageTopic("device.sensor.gps.clean", TopicRole.OUTPUT),
                  new StageTopic("device.sensor.gps.errors", TopicRole.ERROR))),
          new PipelineStage("archive", 2, null, null, 1, null, null, 3, 1, null, null, List.of(
              new StageTopic("device.sensor.gps.clean", TopicRole.INPUT)))))));
  }
}
