package io.loom.mapping.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loom.mapping.LoomException;
import io.loom.mapping.jdbc.internal.MigrationScript;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class MigratorTest {

  private static final List<String> CONFIG_TABLES = List.of("kafka_topic_schemas", "kafka_topics", "pipeline_flows",
      "pipeline_stage_topics", "pipeline_stages", "topic_field_mappings", "topic_table_configs");

  @Test
  void migrate_freshDatabase_appliesEveryScriptInOrder() {
    Db db = Db.fresh("migrator_fresh");

    Migrator.Result result = Migrator.migrate(db.dataSource);

    assertThat(result.version()).isEqualTo(5);
    assertThat(result.applied()).extracting(Migrator.Applied::version).containsExactly(1, 2, 3, 4, 5);
    assertThat(result.applied()).extracting(Migrator.Applied::kind).containsOnly("migration");
    assertThat(db.query("SELECT version, script, checksum, kind FROM loom_schema_history ORDER BY version"))
        .containsExactly(
            history(1, "V1__kafka_schema_management.sql", "migration"),
            history(2, "V2__loom_schema_history.sql", "migration"),
            history(3, "V3__loom_mapping_extensions.sql", "migration"),
            history(4, "V4__loom_config_change_notification.sql", "migration"),
            history(5, "V5__loom_offsets.sql", "migration"));
    assertThat(db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        + " AND table_type = 'BASE TABLE' ORDER BY table_name"))
        .extracting(r -> r.get("table_name"))
        .containsExactly("kafka_topic_schemas", "kafka_topics", "loom_config_revision", "loom_offsets",
            "loom_schema_history", "pipeline_flows", "pipeline_stage_topics", "pipeline_stages",
            "topic_field_mappings", "topic_table_configs");
    assertThat(db.query("SELECT table_name FROM information_schema.views WHERE table_schema = 'public'"
        + " ORDER BY table_name"))
        .extracting(r -> r.get("table_name"))
        .containsExactly("v_active_topics", "v_pipeline_overview", "v_topic_dependencies");
    assertThat(db.query("SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname"))
        .extracting(r -> r.get("proname"))
        .contains("get_pipeline_config", "get_topic_schema", "validate_topic_name");
    assertThat(db.revision()).isZero();
  }

  @Test
  void migrate_twice_changesNothing() {
    Db db = Db.fresh("migrator_twice");
    Migrator.migrate(db.dataSource);
    List<Map<String, Object>> schemaBefore = schemaShape(db);
    List<Map<String, Object>> historyBefore = db.query("SELECT * FROM loom_schema_history ORDER BY version");

    Migrator.Result second = Migrator.migrate(db.dataSource);

    assertThat(second.changed()).isFalse();
    assertThat(second.version()).isEqualTo(5);
    assertThat(schemaShape(db)).isEqualTo(schemaBefore);
    assertThat(db.query("SELECT * FROM loom_schema_history ORDER BY version")).isEqualTo(historyBefore);
  }

  @Test
  void migrate_ontoSeedTablesWithData_adoptsThemAndKeepsTheRows() {
    Db db = Db.fresh("migrator_seed");
    // The seed's migration 032 run by hand, as deployments did before Loom, plus the seed's example rows.
    db.exec(MigrationScript.load("V1__kafka_schema_management.sql").sql());
    db.exec(
        "INSERT INTO kafka_topics (topic_name, category, source, datatype, description, retention_days)"
            + " VALUES ('device.sensor.new.raw', 'device', 'sensor', 'new', 'New sensor type', 30)",
        "INSERT INTO topic_table_configs (topic_name, table_name, upsert_key)"
            + " VALUES ('device.sensor.new.raw', 'device_sensor_new_raw', 'device_id, timestamp')",
        "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type) VALUES"
            + " ('device.sensor.new.raw', 'device_sensor_new_raw', 'device_id', 'device_id', 'string'),"
            + " ('device.sensor.new.raw', 'device_sensor_new_raw', 'timestamp', 'timestamp', 'timestamp'),"
            + " ('device.sensor.new.raw', 'device_sensor_new_raw', 'value', 'sensor_value', 'float')");
    List<Map<String, Object>> fieldsBefore = db.query(
        "SELECT id, topic_name, table_name, source_field_path, target_column, data_type, transformation, is_required,"
            + " created_at FROM topic_field_mappings ORDER BY id");

    Migrator.Result result = Migrator.migrate(db.dataSource);

    assertThat(result.applied()).extracting(Migrator.Applied::version).containsExactly(1, 2, 3, 4, 5);
    assertThat(result.applied().get(0).kind()).isEqualTo("baseline");
    assertThat(db.query("SELECT version, kind FROM loom_schema_history ORDER BY version"))
        .extracting(r -> r.get("version") + ":" + r.get("kind"))
        .containsExactly("1:baseline", "2:migration", "3:migration", "4:migration", "5:migration");
    assertThat(db.query("SELECT id, topic_name, table_name, source_field_path, target_column, data_type, transformation,"
        + " is_required, created_at FROM topic_field_mappings ORDER BY id")).isEqualTo(fieldsBefore);
    assertThat(db.query("SELECT topic_name, retention_days, validate_schema, dead_letter_topic"
        + " FROM kafka_topics JOIN topic_table_configs USING (topic_name)"))
        .containsExactly(Db.row("topic_name", "device.sensor.new.raw", "retention_days", 30, "validate_schema", false,
            "dead_letter_topic", null));
    try (JdbcMappingSource source = JdbcMappingSource.builder(db.dataSource).watch(false).build()) {
      assertThat(source.load().mapping("device.sensor.new.raw").orElseThrow().fields())
          .extracting(f -> f.targetColumn())
          .containsExactly("device_id", "timestamp", "sensor_value");
    }
  }

  @Test
  void migrate_partOfTheSeedTables_isRefusedNamingTheMissingOnes() {
    Db db = Db.fresh("migrator_partial");
    db.exec("CREATE TABLE kafka_topics (topic_name text PRIMARY KEY)",
        "CREATE TABLE pipeline_flows (flow_name text PRIMARY KEY)");

    assertThatThrownBy(() -> Migrator.migrate(db.dataSource))
        .isInstanceOf(LoomException.class)
        .hasMessage("cannot migrate: the database holds some configuration tables (kafka_topics, pipeline_flows) but not"
            + " kafka_topic_schemas, pipeline_stages, pipeline_stage_topics, topic_field_mappings, topic_table_configs"
            + " and no loom_schema_history; create the missing tables with V1__kafka_schema_management.sql or drop the"
            + " partial ones");
  }

  @Test
  void migrate_afterAnAppliedScriptWasEdited_reportsItAndAppliesNothing() {
    Db db = Db.fresh("migrator_checksum");
    Migrator.migrate(db.dataSource);
    db.exec("UPDATE loom_schema_history SET checksum = 'abc123' WHERE version = 3",
        "DELETE FROM loom_schema_history WHERE version = 5",
        "DROP TABLE loom_offsets");
    String actual = MigrationScript.load("V3__loom_mapping_extensions.sql").checksum();

    assertThatThrownBy(() -> Migrator.migrate(db.dataSource))
        .isInstanceOf(LoomException.class)
        .hasMessage("applied migration scripts were edited afterwards; restore them or write a new migration"
            + " (nothing was applied):\n  - V3 (V3__loom_mapping_extensions.sql) was applied with checksum abc123"
            + " but the script now has checksum " + actual);
    assertThat(db.value("SELECT to_regclass('loom_offsets') IS NULL")).isEqualTo(true);
  }

  @Test
  void migrate_fromFourProcessesAtOnce_appliesEachScriptOnce() throws Exception {
    Db db = Db.fresh("migrator_concurrent");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Migrator.Result>> tasks = Collections.nCopies(4, () -> Migrator.migrate(db.dataSource));
      List<Integer> appliedVersions = new ArrayList<>();
      for (Future<Migrator.Result> f : pool.invokeAll(tasks)) {
        f.get().applied().forEach(a -> appliedVersions.add(a.version()));
      }
      assertThat(appliedVersions).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    } finally {
      pool.shutdownNow();
    }
    assertThat(db.query("SELECT version FROM loom_schema_history ORDER BY version"))
        .extracting(r -> r.get("version"))
        .containsExactly(1, 2, 3, 4, 5);
    assertThat(db.value("SELECT count(*) FROM loom_config_revision")).isEqualTo(1L);
  }

  @Test
  void migrate_createsTheOffsetsTableExactlyAsTheSinkDefinesIt() {
    Db db = Db.migrated("migrator_offsets");

    assertThat(db.query("SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns"
        + " WHERE table_name = 'loom_offsets' ORDER BY ordinal_position"))
        .extracting(r -> r.get("column_name") + " " + r.get("data_type") + " " + r.get("is_nullable") + " "
            + r.get("column_default"))
        .containsExactly(
            "consumer_group text NO null",
            "topic text NO null",
            "kafka_partition integer NO null",
            "next_offset bigint NO null",
            "updated_at timestamp with time zone NO now()");
    assertThat(db.value("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'loom_offsets'::regclass"
        + " AND contype = 'p'")).isEqualTo("PRIMARY KEY (consumer_group, topic, kafka_partition)");
    // The sink's own statement must then be a no-op.
    db.exec("CREATE TABLE IF NOT EXISTS loom_offsets (consumer_group text NOT NULL, topic text NOT NULL,"
        + " kafka_partition integer NOT NULL, next_offset bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT"
        + " now(), PRIMARY KEY (consumer_group, topic, kafka_partition))");
  }

  @Test
  void migrate_addsExtensionColumnsThatLeaveTheSeedInsertsValid() {
    Db db = Db.migrated("migrator_extensions");

    assertThat(db.query("SELECT table_name || '.' || column_name AS c, is_nullable, column_default"
        + " FROM information_schema.columns WHERE table_name IN ('topic_field_mappings', 'topic_table_configs')"
        + " AND column_name IN ('default_value', 'timestamp_format', 'field_order', 'dead_letter_topic',"
        + " 'validate_schema', 'schema_version_field', 'schema_version_header', 'hypertable_time_column',"
        + " 'hypertable_chunk_interval') ORDER BY 1"))
        .extracting(r -> r.get("c") + " " + r.get("is_nullable") + " " + r.get("column_default"))
        .containsExactly(
            "topic_field_mappings.default_value YES null",
            "topic_field_mappings.field_order YES null",
            "topic_field_mappings.timestamp_format YES null",
            "topic_table_configs.dead_letter_topic YES null",
            "topic_table_configs.hypertable_chunk_interval YES null",
            "topic_table_configs.hypertable_time_column YES null",
            "topic_table_configs.schema_version_field YES null",
            "topic_table_configs.schema_version_header YES null",
            "topic_table_configs.validate_schema NO false");
  }

  @Test
  void scriptList_matchesTheResourceDirectory() throws IOException, URISyntaxException {
    URL dir = getClass().getClassLoader().getResource(MigrationScript.DIRECTORY);
    List<String> files;
    try (Stream<Path> list = Files.list(Path.of(dir.toURI()))) {
      files = list.map(p -> p.getFileName().toString()).sorted().toList();
    }

    assertThat(MigrationScript.NAMES).isEqualTo(files);
    assertThat(MigrationScript.all()).extracting(MigrationScript::version).containsExactly(1, 2, 3, 4, 5);
    assertThat(Migrator.latestVersion()).isEqualTo(5);
  }

  @Test
  void checksum_ignoresLineEndings() {
    assertThat(MigrationScript.checksum("SELECT 1;\r\nSELECT 2;\r\n"))
        .isEqualTo(MigrationScript.checksum("SELECT 1;\nSELECT 2;\n"))
        .isNotEqualTo(MigrationScript.checksum("SELECT 1;\nSELECT 3;\n"));
  }

  private static Map<String, Object> history(int version, String script, String kind) {
    return Db.row("version", version, "script", script, "checksum", MigrationScript.load(script).checksum(),
        "kind", kind);
  }

  private static List<Map<String, Object>> schemaShape(Db db) {
    List<Map<String, Object>> shape = new ArrayList<>(db.query(
        "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns"
            + " WHERE table_schema = 'public' ORDER BY table_name, column_name"));
    shape.addAll(db.query("SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def"
        + " FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"));
    shape.addAll(db.query("SELECT tgrelid::regclass::text AS t, tgname FROM pg_trigger WHERE NOT tgisinternal"
        + " ORDER BY 1, 2"));
    shape.addAll(db.query("SELECT indexrelid::regclass::text AS i FROM pg_index"
        + " WHERE indrelid::regclass::text = ANY (ARRAY" + CONFIG_TABLES.stream().map(t -> "'" + t + "'").toList()
        + ") ORDER BY 1"));
    return shape;
  }
}
