package io.loom.consumer;

import static io.loom.consumer.Fixtures.consumer;
import static io.loom.consumer.Fixtures.kafka;
import static io.loom.consumer.Fixtures.postgres;
import static io.loom.consumer.Fixtures.produce;
import static io.loom.consumer.Fixtures.readings;
import static io.loom.consumer.Fixtures.readingsTable;
import static io.loom.consumer.Fixtures.record;
import static io.loom.testsupport.Sql.count;
import static io.loom.testsupport.Sql.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.admin.ConfigIssue;
import io.loom.consumer.admin.ReloadResult;
import io.loom.consumer.admin.ValidationReport;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.SchemaValidation;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.TopicSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JSON Schema validation against a real broker and database: dead letters with the violations, reloads. */
class SchemaValidationTest {
  private static final String STRICT = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
      + "\"required\":[\"device_id\",\"timestamp\"],\"properties\":{\"device_id\":{\"type\":\"string\"},"
      + "\"timestamp\":{\"type\":\"string\"},\"value\":{\"type\":\"number\",\"maximum\":100}}}";
  private static final String LOOSE = STRICT.replace("\"maximum\":100", "\"maximum\":1000");

  private static HikariDataSource db;

  @BeforeAll
  static void database() {
    db = Fixtures.pool(postgres(), postgres().createDatabase("engine_schemas"));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static ConfigSnapshot snapshot(String topic, String table, String currentVersion) {
    TopicMapping mapping = readings(topic, table, true);
    mapping = new TopicMapping(mapping.topic(), mapping.table(), mapping.upsertKey(), mapping.conflictStrategy(),
        mapping.fields(), null, SchemaValidation.CURRENT, null);
    return new ConfigSnapshot(List.of(), List.of(
        new TopicSchema(topic, "v1", STRICT, null, currentVersion.equals("v1")),
        new TopicSchema(topic, "v2", LOOSE, null, currentVersion.equals("v2"))), List.of(mapping), List.of());
  }

  @Test
  void messagesBreakingTheSchema_goToTheDeadLetterTopicWithEachViolation_andAReloadChangesWhatIsAccepted() {
    String topic = kafka().createTopic(kafka().uniqueTopic("schemas"), 1);
    sql(db, readingsTable("schema_checked", true));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(topic, "schema_checked", "v1"));
    produce(topic, 0, 10);
    kafka().produce(record(topic, "k-bad", "{\"timestamp\":\"2026-11-27T11:00:00Z\",\"value\":500}"));
    kafka().produce(record(topic, "k-high", "{\"device_id\":\"dev-high\",\"timestamp\":\"2026-11-27T11:00:00Z\","
        + "\"value\":500}"));
    produce(topic, 10, 20);

    try (LoomConsumer consumer = consumer(source, db, "schemas-dlq").build()) {
      consumer.start();

      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(count(db, "SELECT count(*) FROM schema_checked")).isEqualTo(20);
        assertThat(consumer.status().deadLettersTotal()).isEqualTo(2);
      });
      List<ConsumerRecord<byte[], byte[]>> dead = kafka().consume(topic + ".dlq", 2, Duration.ofSeconds(30));
      assertThat(dead).hasSize(2);
      ConsumerRecord<byte[], byte[]> bad = dead.get(0);
      assertThat(new String(bad.key(), StandardCharsets.UTF_8)).isEqualTo("k-bad");
      assertThat(header(bad, "loom.error.kind")).isEqualTo("schema_violation");
      assertThat(header(bad, "loom.error.schema.pointer")).isEqualTo("/device_id");
      assertThat(header(bad, "loom.error.reason")).isEqualTo(topic + "[0]@10 schema_violation at /device_id: breaks"
          + " schema v1: /device_id: required property 'device_id' not found; /value: must have a maximum value of 100");
      assertThat(header(dead.get(1), "loom.error.schema.pointer")).isEqualTo("/value");

      source.set(snapshot(topic, "schema_checked", "v2"));
      assertThat(consumer.reloadConfig().outcome()).isEqualTo(ReloadResult.Outcome.APPLIED);
      kafka().produce(record(topic, "k-high-2", "{\"device_id\":\"dev-high\",\"timestamp\":\"2026-11-27T11:00:00Z\","
          + "\"value\":500}"));
      kafka().produce(record(topic, "k-higher", "{\"device_id\":\"dev-higher\",\"timestamp\":\"2026-11-27T11:00:00Z\","
          + "\"value\":5000}"));

      await().atMost(Fixtures.minutes(1)).untilAsserted(() -> {
        assertThat(count(db, "SELECT count(*) FROM schema_checked WHERE device_id = 'dev-high'")).isEqualTo(1);
        assertThat(consumer.status().deadLettersTotal()).isEqualTo(3);
      });
      List<ConsumerRecord<byte[], byte[]>> all = kafka().consume(topic + ".dlq", 3, Duration.ofSeconds(30));
      assertThat(all).hasSize(3);
      assertThat(header(all.get(2), "loom.error.reason")).endsWith("breaks schema v2: /value: must have a maximum"
          + " value of 1000");
    }
  }

  @Test
  void validateConfig_warnsAboutMappingsTheCurrentSchemaDoesNotCover() {
    String topic = kafka().createTopic(kafka().uniqueTopic("coverage"), 1);
    sql(db, readingsTable("schema_coverage", true));
    String partial = "{\"type\":\"object\",\"required\":[\"device_id\"],\"properties\":{\"device_id\":"
        + "{\"type\":\"string\"},\"timestamp\":{\"type\":\"string\"}},\"additionalProperties\":false}";
    ConfigSnapshot base = snapshot(topic, "schema_coverage", "v1");
    Fixtures.MemorySource source = new Fixtures.MemorySource(new ConfigSnapshot(List.of(),
        List.of(new TopicSchema(topic, "v1", partial, null, true)), base.mappings(), List.of()));

    try (LoomConsumer consumer = consumer(source, db, "schemas-coverage").build()) {
      ValidationReport report = consumer.validateConfig();

      assertThat(report.valid()).as("%s", report.errors()).isTrue();
      assertThat(report.warnings()).extracting(ConfigIssue::path, ConfigIssue::message).containsExactly(
          tuple("mappings[" + topic + "].fields[1].required", "source path 'timestamp' is required by the mapping, but"
              + " the current schema (v1) of topic '" + topic + "' does not list 'timestamp' as required at the top level"),
          tuple("mappings[" + topic + "].fields[2].source_field_path", "source path 'value' is not in the current"
              + " schema (v1) of topic '" + topic + "': no property 'value' is declared at the top level, and other"
              + " properties are not allowed"));
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
