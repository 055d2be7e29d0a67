package io.loom.mapping.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.PipelineFlow;
import io.loom.mapping.PipelineStage;
import io.loom.mapping.StageTopic;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcConfigWriterTest {

  @Test
  void diff_onEmptyTables_listsEveryRowAsAddedAndWritesNothing() {
    Db db = Db.migrated("writer_diff_empty");
    JdbcConfigWriter writer = new JdbcConfigWriter(db.dataSource);

    ConfigDiff diff = writer.diff(TestConfigs.full());

    assertThat(diff.table("kafka_topics").added())
        .containsExactly("device.sensor.gps.clean", "device.sensor.gps.errors", "device.sensor.gps.raw");
    assertThat(diff.table("kafka_topic_schemas").added())
        .containsExactly("device.sensor.gps.raw/v1", "device.sensor.gps.raw/v2", "device.sensor.gps.raw/v10");
    assertThat(diff.table("pipeline_flows").added()).containsExactly("gps-enrichment");
    assertThat(diff.table("pipeline_stages").added()).containsExactly("gps-enrichment/clean", "gps-enrichment/archive");
    assertThat(diff.table("pipeline_stage_topics").added()).containsExactly(
        "gps-enrichment/clean input device.sensor.gps.raw", "gps-enrichment/clean output device.sensor.gps.clean",
        "gps-enrichment/clean error device.sensor.gps.errors", "gps-enrichment/archive input device.sensor.gps.clean");
    assertThat(diff.table("topic_table_configs").added()).containsExactly("device.sensor.gps.clean",
        "device.sensor.gps.raw");
    assertThat(diff.table("topic_field_mappings").added()).hasSize(15)
        .startsWith("device.sensor.gps.clean: device_id -> device_id");
    assertThat(diff.added()).isEqualTo(30);
    assertThat(diff.changed()).isZero();
    assertThat(diff.removed()).isZero();
    assertThat(diff.toString()).isEqualTo("30 added, 0 changed, 0 removed");
    assertThat(db.value("SELECT count(*) FROM kafka_topics")).isEqualTo(0L);
    assertThat(db.revision()).isZero();
  }

  @Test
  void apply_thenLoad_givesTheSameSnapshotInOneTransaction() {
    Db db = Db.migrated("writer_round_trip");
    JdbcConfigWriter writer = new JdbcConfigWriter(db.dataSource);

    ConfigDiff applied = writer.apply(TestConfigs.full());

    assertThat(applied.added()).isEqualTo(30);
    assertThat(db.revision()).isEqualTo(1);
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      ConfigSnapshot loaded = source.load();
      assertThat(loaded).isEqualTo(TestConfigs.full());
      assertThat(loaded.fingerprint()).isEqualTo(TestConfigs.full().fingerprint());
    }
  }

  @Test
  void apply_twice_secondFindsNothingToChange() {
    Db db = Db.migrated("writer_idempotent");
    JdbcConfigWriter writer = new JdbcConfigWriter(db.dataSource);
    writer.apply(TestConfigs.full());
    long revision = db.revision();

    ConfigDiff second = writer.apply(TestConfigs.full());

    assertThat(second.isEmpty()).isTrue();
    assertThat(second.toString()).isEqualTo("no changes");
    assertThat(second.report()).isEqualTo("No changes: the configuration tables already hold this configuration.\n");
    assertThat(writer.diff(TestConfigs.full()).isEmpty()).isTrue();
    assertThat(db.revision()).isEqualTo(revision);
  }

  @Test
  void apply_aChangedSnapshot_changesOnlyTheDifferingRows() {
    Db db = Db.migrated("writer_changes");
    JdbcConfigWriter writer = new JdbcConfigWriter(db.dataSource);
    writer.apply(TestConfigs.full());
    ConfigSnapshot full = TestConfigs.full();
    ConfigSnapshot changed = changed(full);

    ConfigDiff dryRun = writer.diff(changed);
    ConfigDiff applied = writer.apply(changed);

    String report = """
        kafka_topics: 1 added, 1 changed, 0 removed
          + device.sensor.gps.speed
          ~ device.sensor.gps.raw: retention_days 30 -> 60, compression_type 'zstd' -> 'gzip'
        pipeline_stages: 0 added, 1 changed, 0 removed
          ~ gps-enrichment/clean: replicas 3 -> 4, configuration '{"drop":["zero"],"max_speed_kmh":300}' -> '{"max_speed_kmh":250}'
        kafka_topic_schemas: 0 added, 2 changed, 1 removed
          ~ device.sensor.gps.raw/v2: is_current true -> false
          ~ device.sensor.gps.raw/v10: schema_path NULL -> 'schemas/gps/v10.json', is_current false -> true
          - device.sensor.gps.raw/v1
        topic_table_configs: 0 added, 1 changed, 0 removed
          ~ device.sensor.gps.clean: upsert_key '' -> 'device_id', conflict_strategy 'ignore' -> 'replace'
        topic_field_mappings: 1 added, 1 changed, 1 removed
          + device.sensor.gps.raw: data.speed -> speed
          ~ device.sensor.gps.raw: data.latitude -> lat: data_type 'float' -> 'string', is_required false -> true
          - device.sensor.gps.raw: $kafka.header.trace-id -> trace_id
        pipeline_stage_topics: 1 added, 0 changed, 1 removed
          + gps-enrichment/clean output device.sensor.gps.speed
          - gps-enrichment/archive input device.sensor.gps.clean
        Total: 3 added, 6 changed, 3 removed
        """;
    assertThat(dryRun.report()).isEqualTo(report);
    assertThat(applied).isEqualTo(dryRun);
    assertThat(db.revision()).isEqualTo(2);
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      assertThat(source.load()).isEqualTo(changed);
    }
    assertThat(writer.apply(changed).isEmpty()).isTrue();
  }

  @Test
  void apply_writesMappingsOfInactiveTopicsWhichTheSourceThenLeavesOut() {
    Db db = Db.migrated("writer_inactive");
    ConfigSnapshot full = TestConfigs.full();
    List<TopicDefinition> topics = new ArrayList<>();
    for (TopicDefinition t : full.topics()) {
      topics.add(t.topicName().equals("device.sensor.gps.clean")
          ? new TopicDefinition(t.topicName(), t.category(), t.source(), t.datatype(), t.stage(), t.description(),
              t.retentionDays(), t.partitions(), t.replicationFactor(), t.compressionType(), false)
          : t);
    }
    ConfigSnapshot withInactive = new ConfigSnapshot(topics, full.schemas(), full.mappings(), full.flows());

    new JdbcConfigWriter(db.dataSource).apply(withInactive);

    try (JdbcMappingSource consuming = JdbcMappingSource.builder(db.dataSource).watch(false).build();
        JdbcMappingSource exporting = JdbcMappingSource.builder(db.dataSource).watch(false)
            .includeInactiveTopics(true).build()) {
      assertThat(consuming.load().mappedTopics()).containsExactly("device.sensor.gps.raw");
      assertThat(exporting.load()).isEqualTo(withInactive);
    }
  }

  @Test
  void apply_loadedFromHandWrittenRows_onlyNumbersTheirFields() {
    Db db = Db.migrated("writer_hand_written");
    db.exec("INSERT INTO kafka_topics (topic_name) VALUES ('device.sensor.new.raw')",
        "INSERT INTO topic_table_configs (topic_name, table_name) VALUES ('device.sensor.new.raw', 'new_raw')",
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type) VALUES"
            + " ('device.sensor.new.raw', 'new_raw', 'device_id', 'device_id', 'string'),"
            + " ('device.sensor.new.raw', 'new_raw', 'timestamp', 'timestamp', 'timestamp')");
    ConfigSnapshot loaded;
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      loaded = source.load();
    }

    ConfigDiff diff = new JdbcConfigWriter(db.dataSource).apply(loaded);

    assertThat(diff.report()).isEqualTo("""
        topic_field_mappings: 0 added, 2 changed, 0 removed
          ~ device.sensor.new.raw: device_id -> device_id: field_order NULL -> 0
          ~ device.sensor.new.raw: timestamp -> timestamp: field_order NULL -> 1
        Total: 0 added, 2 changed, 0 removed
        """);
  }

  @Test
  void apply_anInvalidSnapshot_isRefusedBeforeWritingAnything() {
    Db db = Db.migrated("writer_invalid");
    TopicMapping unregistered = new TopicMapping("device.audio.raw", "audio", List.of("device_id"),
        ConflictStrategy.UPDATE, List.of(FieldMapping.of("chunk", "chunk", DataType.STRING)));
    ConfigSnapshot invalid = new ConfigSnapshot(List.of(TopicDefinition.of("device.sensor.gps.raw", null)),
        List.of(new TopicSchema("device.sensor.gps.raw", "v1", "{}", null, true),
            new TopicSchema("device.sensor.gps.raw", "v1", "{\"a\":1}", null, false)),
        List.of(unregistered), List.of());

    assertThatThrownBy(() -> new JdbcConfigWriter(db.dataSource).apply(invalid))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("invalid configuration from the configuration to import (3 problems):\n"
            + "  - schemas[device.sensor.gps.raw/v1]: schema version 'v1' of topic 'device.sensor.gps.raw' appears"
            + " more than once\n"
            + "  - mappings[device.audio.raw].upsert_key: upsert key column 'device_id' is not mapped by any field;"
            + " mapped columns are chunk\n"
            + "  - mappings[device.audio.raw].topic: topic 'device.audio.raw' has a mapping but is not in the topic"
            + " registry; kafka_topics needs a row for every mapped topic");
    assertThat(db.value("SELECT count(*) FROM kafka_topics")).isEqualTo(0L);
  }

  @Test
  void apply_whenAStatementFails_rollsEverythingBack() {
    Db db = Db.migrated("writer_rollback");
    db.exec("CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " RAISE EXCEPTION 'column boom is refused'; END $$",
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON topic_field_mappings FOR EACH ROW"
            + " WHEN (NEW.target_column = 'item_x') EXECUTE FUNCTION refuse_boom()");

    assertThatThrownBy(() -> new JdbcConfigWriter(db.dataSource).apply(TestConfigs.full()))
        .isInstanceOf(LoomException.class)
        .hasMessageStartingWith("import failed and was rolled back, nothing was written: writing topic_field_mappings"
            + " failed: ERROR: column boom is refused");
    assertThat(db.value("SELECT (SELECT count(*) FROM kafka_topics) + (SELECT count(*) FROM pipeline_flows)"
        + " + (SELECT count(*) FROM topic_field_mappings)")).isEqualTo(0L);
    assertThat(db.revision()).isZero();
  }

  /** {@link TestConfigs#full()} with changes in most tables. */
  private static ConfigSnapshot changed(ConfigSnapshot full) {
    List<TopicDefinition> topics = new ArrayList<>();
    for (TopicDefinition t : full.topics()) {
      topics.add(t.topicName().equals("device.sensor.gps.raw")
          ? new TopicDefinition(t.topicName(), t.category(), t.source(), t.datatype(), t.stage(), t.description(), 60,
              t.partitions(), t.replicationFactor(), "gzip", t.active())
          : t);
    }
    topics.add(TopicDefinition.of("device.sensor.gps.speed", "Speeds"));
    List<TopicSchema> schemas = List.of(
        new TopicSchema("device.sensor.gps.raw", "v2", full.schema("device.sensor.gps.raw", "v2").orElseThrow()
            .schemaJson(), "schemas/gps/v2.json", false),
        new TopicSchema("device.sensor.gps.raw", "v10", full.schema("device.sensor.gps.raw", "v10").orElseThrow()
            .schemaJson(), "schemas/gps/v10.json", true));
    List<TopicMapping> mappings = new ArrayList<>();
    for (TopicMapping m : full.mappings()) {
      if (m.topic().equals("device.sensor.gps.clean")) {
        mappings.add(new TopicMapping(m.topic(), m.table(), List.of("device_id"), ConflictStrategy.REPLACE, m.fields(),
            m.deadLetterTopic(), m.schemaValidation(), m.hypertable()));
        continue;
      }
      List<FieldMapping> fields = new ArrayList<>();
      for (FieldMapping f : m.fields()) {
        if (f.targetColumn().equals("trace_id")) {
          continue;
        }
        fields.add(f.targetColumn().equals("lat")
            ? new FieldMapping(f.sourcePath(), f.targetColumn(), DataType.STRING, null, true, null, null)
            : f);
      }
      fields.add(FieldMapping.of("data.speed", "speed", DataType.FLOAT));
      mappings.add(m.withFields(fields));
    }
    List<PipelineFlow> flows = new ArrayList<>();
    for (PipelineFlow f : full.flows()) {
      List<PipelineStage> stages = new ArrayList<>();
      for (PipelineStage s : f.stages()) {
        if (s.stageName().equals("clean")) {
          List<StageTopic> stageTopics = new ArrayList<>(s.topics());
          stageTopics.add(new StageTopic("device.sensor.gps.speed", io.loom.mapping.TopicRole.OUTPUT));
          stages.add(new PipelineStage(s.stageName(), s.stageOrder(), s.serviceName(), s.serviceImage(), 4,
              "{\"max_speed_kmh\": 250}", s.processingTimeoutSeconds(), s.retryMaxAttempts(), s.retryBackoffSeconds(),
              s.slaSeconds(), s.errorRateThreshold(), stageTopics));
        } else {
          stages.add(new PipelineStage(s.stageName(), s.stageOrder(), s.serviceName(), s.serviceImage(), s.replicas(),
              s.configurationJson(), s.processingTimeoutSeconds(), s.retryMaxAttempts(), s.retryBackoffSeconds(),
              s.slaSeconds(), s.errorRateThreshold(), List.of()));
        }
      }
      flows.add(new PipelineFlow(f.flowName(), f.description(), f.priority(), f.expectedEventsPerSecond(),
          f.averageEventSizeBytes(), f.peakMultiplier(), f.active(), stages));
    }
    return new ConfigSnapshot(topics, schemas, mappings, flows);
  }
}
