package io.loom.consumer;

import static io.loom.consumer.Fixtures.consumer;
import static io.loom.consumer.Fixtures.kafka;
import static io.loom.consumer.Fixtures.postgres;
import static io.loom.consumer.Fixtures.produce;
import static io.loom.consumer.Fixtures.readings;
import static io.loom.consumer.Fixtures.readingsTable;
import static io.loom.consumer.Fixtures.snapshot;
import static io.loom.testsupport.Sql.count;
import static io.loom.testsupport.Sql.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.admin.ConfigIssue;
import io.loom.consumer.admin.ReloadResult;
import io.loom.consumer.admin.RunState;
import io.loom.consumer.admin.StatusView;
import io.loom.consumer.admin.TopicView;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.DataType;
import io.loom.mapping.FieldMapping;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.jdbc.JdbcConfigWriter;
import io.loom.mapping.jdbc.JdbcMappingSource;
import io.loom.mapping.jdbc.Migrator;
import io.loom.mapping.yaml.YamlMappingSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live configuration: topics added and removed by a reload, refused reloads, the YAML and database sources. */
class ReloadTest {
  private static HikariDataSource db;

  @TempDir
  Path dir;

  @BeforeAll
  static void database() {
    db = Fixtures.pool(postgres(), postgres().createDatabase("engine_reload"));
    Migrator.migrate(db);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void yamlFileChange_addsATopicWithoutRestart() throws Exception {
    String a = kafka().createTopic(kafka().uniqueTopic("yamla"), 2);
    String b = kafka().createTopic(kafka().uniqueTopic("yamlb"), 2);
    sql(db, readingsTable("yaml_a", true), readingsTable("yaml_b", true));
    Path file = dir.resolve("topic_mappings.yml");
    write(file, yaml(a, "yaml_a"));
    produce(a, 0, 50);
    produce(b, 0, 40);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (YamlMappingSource source = YamlMappingSource.builder(file).pollInterval(Duration.ofMillis(100))
            .quietPeriod(Duration.ofMillis(200)).build();
        LoomConsumer consumer = consumer(source, db, "reload-yaml").meterRegistry(registry).build()) {
      consumer.start();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM yaml_a") == 50);
      String before = consumer.configuration().fingerprint();

      write(file, yaml(a, "yaml_a") + mapping(b, "yaml_b"));

      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(count(db, "SELECT count(*) FROM yaml_b")).isEqualTo(40);
        assertThat(consumer.status().topics()).containsExactlyInAnyOrder(a, b);
      });
      assertThat(consumer.configuration().fingerprint()).isNotEqualTo(before);
      assertThat(registry.get("loom.config.reloads").tag("result", "applied").counter().count()).isEqualTo(2);
      produce(a, 50, 60);
      produce(b, 40, 45);
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM yaml_a") == 60
          && count(db, "SELECT count(*) FROM yaml_b") == 45);
    }
  }

  @Test
  void databaseInsertAndNotify_addsATopicWithoutRestart() {
    String a = kafka().createTopic(kafka().uniqueTopic("dba"), 1);
    String b = kafka().createTopic(kafka().uniqueTopic("dbb"), 3);
    sql(db, readingsTable("db_a", true), readingsTable("db_b", true));
    TopicMapping mappingA = readings(a, "db_a", true);
    new JdbcConfigWriter(db).apply(new ConfigSnapshot(List.of(TopicDefinition.of(a, "topic a")), List.of(),
        List.of(mappingA), List.of()));
    produce(a, 0, 30);
    produce(b, 0, 70);

    try (JdbcMappingSource source = JdbcMappingSource.builder(db).debounce(Duration.ofMillis(100)).build();
        LoomConsumer consumer = consumer(source, db, "reload-db").build()) {
      consumer.start();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM db_a") == 30);

      sql(db, "BEGIN",
          "INSERT INTO kafka_topics (topic_name, category, source, datatype, description, retention_days)"
              + " VALUES ('" + b + "', 'test', 'db', 'b', 'added by SQL', 30)",
          "INSERT INTO topic_table_configs (topic_name, table_name, upsert_key) VALUES ('" + b + "', 'db_b',"
              + " 'device_id, timestamp')",
          "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type,"
              + " is_required) VALUES"
              + " ('" + b + "', 'db_b', 'device_id', 'device_id', 'string', true),"
              + " ('" + b + "', 'db_b', 'timestamp', 'timestamp', 'timestamp', true),"
              + " ('" + b + "', 'db_b', 'value', 'value', 'float', false),"
              + " ('" + b + "', 'db_b', '$kafka.partition', 'kafka_partition', 'integer', false),"
              + " ('" + b + "', 'db_b', '$kafka.offset', 'kafka_offset', 'integer', false)",
          "COMMIT");

      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(count(db, "SELECT count(*) FROM db_b")).isEqualTo(70);
        assertThat(consumer.topics()).extracting(TopicView::topic)
            .containsExactlyElementsOf(Stream.of(a, b).sorted().toList());
      });
    }
  }

  @Test
  void invalidConfiguration_isRefusedWithItsProblems_andTheOldOneKeepsRunning() {
    String a = kafka().createTopic(kafka().uniqueTopic("refa"), 1);
    String b = kafka().createTopic(kafka().uniqueTopic("refb"), 1);
    sql(db, readingsTable("refused_a", true), readingsTable("refused_b", true));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(a, "refused_a", true)));
    produce(a, 0, 10);

    try (LoomConsumer consumer = consumer(source, db, "reload-refused").build()) {
      consumer.start();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM refused_a") == 10);
      String fingerprint = consumer.configuration().fingerprint();

      TopicMapping broken = new TopicMapping(b, "refused_b", List.of(), ConflictStrategy.IGNORE,
          List.of(FieldMapping.of("device_id", "Device-Id", DataType.STRING)));
      source.set(snapshot(readings(a, "refused_a", true), broken));
      ReloadResult result = consumer.reloadConfig();

      assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.REFUSED);
      assertThat(result.fingerprint()).isEqualTo(fingerprint);
      assertThat(result.problems()).extracting(ConfigIssue::path)
          .containsExactly("mappings[" + b + "].fields[0].target_column");
      assertThat(result.message()).isEqualTo("configuration refused (1 problem); configuration " + fingerprint
          + " stays in force");
      StatusView.RefusedReload refused = consumer.status().config().lastRefusedReload();
      assertThat(refused).isNotNull();
      assertThat(refused.problems()).isEqualTo(result.problems());
      assertThat(consumer.status().config().fingerprint()).isEqualTo(fingerprint);

      produce(a, 10, 20);
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM refused_a") == 20);

      source.fail(new LoomException("database down"));
      ReloadResult failed = consumer.reloadConfig();
      assertThat(failed.outcome()).isEqualTo(ReloadResult.Outcome.FAILED);
      assertThat(failed.problems()).extracting(ConfigIssue::message)
          .containsExactly("the configuration cannot be read: database down");

      source.set(snapshot(readings(a, "refused_a", true), readings(b, "refused_b", true)));
      produce(b, 0, 5);
      source.changed();
      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(count(db, "SELECT count(*) FROM refused_b")).isEqualTo(5);
        assertThat(consumer.status().config().lastRefusedReload()).isNull();
        assertThat(consumer.status().config().fingerprint()).isNotEqualTo(fingerprint);
      });
      assertThat(consumer.reloadConfig().outcome()).isEqualTo(ReloadResult.Outcome.UNCHANGED);
    }
  }

  @Test
  void mappingOfAMissingTable_isRefusedByTheTableCheck_atReloadAndAtStart() {
    String a = kafka().createTopic(kafka().uniqueTopic("chka"), 1);
    String b = kafka().createTopic(kafka().uniqueTopic("chkb"), 1);
    sql(db, readingsTable("checked_a", true));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(readings(a, "checked_a", true)));
    produce(a, 0, 10);

    try (LoomConsumer consumer = consumer(source, db, "reload-checked").build()) {
      consumer.start();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM checked_a") == 10);
      String fingerprint = consumer.configuration().fingerprint();

      // a missing table in an existing schema would be created; one in a missing schema cannot be
      source.set(snapshot(readings(a, "checked_a", true), readings(b, "no_such_schema.no_such_table", true)));
      ReloadResult result = consumer.reloadConfig();

      assertThat(result.outcome()).isEqualTo(ReloadResult.Outcome.REFUSED);
      assertThat(result.problems()).extracting(ConfigIssue::path).containsExactly("mappings[" + b + "].table_name");
      assertThat(result.problems().get(0).message()).contains("no_such_table");
      assertThat(consumer.status().config().fingerprint()).isEqualTo(fingerprint);
      assertThat(consumer.status().config().lastRefusedReload().problems()).isEqualTo(result.problems());
      produce(a, 10, 15);
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM checked_a") == 15);
    }

    try (LoomConsumer consumer = consumer(source, db, "start-checked").build()) {
      assertThatThrownBy(consumer::start).isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("mappings[" + b + "].table_name");
      assertThat(consumer.state()).isEqualTo(RunState.FAILED);
    }
  }

  @Test
  void removedTopic_isDropped_andReaddingItResumesWhereItStopped() {
    String a = kafka().createTopic(kafka().uniqueTopic("rema"), 1);
    String b = kafka().createTopic(kafka().uniqueTopic("remb"), 2);
    sql(db, readingsTable("removed_a", true), readingsTable("removed_b", false));
    ConfigSnapshot both = snapshot(readings(a, "removed_a", true), readings(b, "removed_b", false));
    Fixtures.MemorySource source = new Fixtures.MemorySource(both);
    produce(a, 0, 20);
    produce(b, 0, 100);

    try (LoomConsumer consumer = consumer(source, db, "reload-removed").build()) {
      consumer.start();
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM removed_a") == 20
          && count(db, "SELECT count(*) FROM removed_b") == 100);

      source.set(snapshot(readings(a, "removed_a", true)));
      ReloadResult removed = consumer.reloadConfig();
      assertThat(removed.outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
      assertThat(removed.removedTopics()).containsExactly(b);
      assertThat(consumer.status().topics()).containsExactly(a);

      produce(b, 100, 150);
      produce(a, 20, 30);
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM removed_a") == 30);
      await().atMost(Duration.ofSeconds(10)).until(() -> consumer.status().partitions().size() == 1);
      assertThat(count(db, "SELECT count(*) FROM removed_b")).isEqualTo(100);

      source.set(both);
      ReloadResult added = consumer.reloadConfig();
      assertThat(added.addedTopics()).containsExactly(b);
      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM removed_b") == 150);
      assertThat(count(db, "SELECT count(DISTINCT (kafka_partition, kafka_offset)) FROM removed_b")).isEqualTo(150);
    }
  }

  private static String yaml(String topic, String table) {
    return "format: loom\nversion: 1\nmappings:\n" + mapping(topic, table);
  }

  private static String mapping(String topic, String table) {
    return "  - topic_name: " + topic + "\n"
        + "    table_name: " + table + "\n"
        + "    upsert_key: [device_id, timestamp]\n"
        + "    fields:\n"
        + "      - {source_field_path: device_id, target_column: device_id, data_type: string, is_required: true}\n"
        + "      - {source_field_path: timestamp, target_column: timestamp, data_type: timestamp, is_required: true}\n"
        + "      - {source_field_path: value, target_column: value, data_type: float}\n"
        + "      - {source_field_path: $kafka.partition, target_column: kafka_partition, data_type: integer}\n"
        + "      - {source_field_path: $kafka.offset, target_column: kafka_offset, data_type: integer}\n";
  }

  /** Replaces the file atomically, as editors and deployment tools do. */
  private static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
