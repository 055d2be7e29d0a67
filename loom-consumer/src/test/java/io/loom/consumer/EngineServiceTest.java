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
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.loom.consumer.admin.ConfigIssue;
import io.loom.consumer.admin.LoomServiceFactory;
import io.loom.consumer.admin.ServiceRunner;
import io.loom.consumer.admin.ValidationReport;
import io.loom.consumer.internal.EngineServiceFactory;
import io.loom.consumer.settings.LoomSettings;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.jdbc.JdbcConfigWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The service behind {@code loom run}: built from settings, served by the admin API. */
class EngineServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static String database;
  private static HikariDataSource db;

  @BeforeAll
  static void database() {
    database = postgres().createDatabase("engine_service");
    db = Fixtures.pool(postgres(), database);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void factory_isRegisteredForTheRunCommand() {
    assertThat(LoomServiceFactory.find()).get().isInstanceOf(EngineServiceFactory.class);
  }

  @Test
  void run_withTheDatabaseConfiguration_migratesConsumesAndAnswersTheAdminApi() throws Exception {
    String topic = kafka().createTopic(kafka().uniqueTopic("service"), 2);
    String url = postgres().postgresqlUrl(database);
    ServiceRunner runner = new ServiceRunner(settings(url, "service-group"), LoomServiceFactory.find().orElseThrow());
    CompletableFuture<Void> running = runUntilReady(runner);
    try {
      assertThat(json(runner, "/status").get("topics")).isEmpty();

      sql(db, readingsTable("service_readings", true));
      new JdbcConfigWriter(db).apply(new ConfigSnapshot(List.of(TopicDefinition.of(topic, "service test")), List.of(),
          List.of(readings(topic, "service_readings", true)), List.of()));
      produce(topic, 0, 200);

      await().atMost(Fixtures.minutes(1)).until(() -> count(db, "SELECT count(*) FROM service_readings") == 200);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        JsonNode status = json(runner, "/status");
        assertThat(status.get("state").asText()).isEqualTo("running");
        assertThat(status.get("group_id").asText()).isEqualTo("service-group");
        assertThat(status.get("topics").get(0).asText()).isEqualTo(topic);
        assertThat(status.get("partitions")).hasSize(2);
        assertThat(status.get("rows_total").asLong()).isEqualTo(200);
      });
      JsonNode status = json(runner, "/status");
      assertThat(status.get("settings").get("loom.database.url").asText())
          .isEqualTo(url.replace(":" + postgres().password() + "@", ":****@"));
      assertThat(status.toString()).doesNotContain(":" + postgres().password() + "@");
      assertThat(status.get("config").get("source").asText()).startsWith("postgresql://postgres@127.0.0.1:");
      assertThat(json(runner, "/topics").get(0).get("topic").asText()).isEqualTo(topic);
      assertThat(json(runner, "/validate-config").get("valid").asBoolean()).isTrue();
      HttpResponse<String> reload = HTTP.send(HttpRequest.newBuilder(uri(runner, "/reload-config"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(reload.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(reload.body()).get("outcome").asText()).isEqualTo("unchanged");
      assertThat(get(runner, "/metrics").body()).contains("loom_rows_written_total{table=\"service_readings\"} 200.0");
    } finally {
      assertThat(runner.stop(Duration.ofSeconds(30))).isTrue();
      running.get();
    }
  }

  /**
   * The seed's "Adding a New Topic" example, run as written against a running service: its three SQL
   * statements one by one, then {@code curl -X POST http://localhost:8001/reload-config} (here on the
   * service's own port). The table does not exist beforehand; Loom creates it from the mapping.
   */
  @Test
  void seedExample_addingANewTopic_worksAsWritten() throws Exception {
    String seedDatabase = postgres().createDatabase("engine_seed_example");
    String topic = "device.sensor.new.raw";
    kafka().createTopic(topic, 1);
    ServiceRunner runner = new ServiceRunner(settings(postgres().postgresqlUrl(seedDatabase), "seed-example-group"),
        LoomServiceFactory.find().orElseThrow());
    CompletableFuture<Void> running = runUntilReady(runner);
    try (HikariDataSource seedDb = Fixtures.pool(postgres(), seedDatabase)) {

      sql(seedDb,
          "INSERT INTO kafka_topics (topic_name, category, source, datatype, description, retention_days)\n"
              + "VALUES ('device.sensor.new.raw', 'device', 'sensor', 'new', 'New sensor type', 30);",
          "INSERT INTO topic_table_configs (topic_name, table_name, upsert_key)\n"
              + "VALUES ('device.sensor.new.raw', 'device_sensor_new_raw', 'device_id, timestamp');",
          "INSERT INTO topic_field_mappings (topic_name, table_name, source_field_path, target_column, data_type)\n"
              + "VALUES \n"
              + "('device.sensor.new.raw', 'device_sensor_new_raw', 'device_id', 'device_id', 'string'),\n"
              + "('device.sensor.new.raw', 'device_sensor_new_raw', 'timestamp', 'timestamp', 'timestamp'),\n"
              + "('device.sensor.new.raw', 'device_sensor_new_raw', 'value', 'sensor_value', 'float');");
      HttpResponse<String> reload = HTTP.send(HttpRequest.newBuilder(uri(runner, "/reload-config"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(json(runner, "/topics")).extracting(t -> t.get("topic").asText()).contains(topic));

      kafka().produce(topic, "dev-1", "{\"device_id\":\"dev-1\",\"timestamp\":\"2026-11-27T10:00:00Z\",\"value\":21.5}");

      await().atMost(Fixtures.minutes(1)).until(() -> count(seedDb,
          "SELECT count(*) FROM device_sensor_new_raw WHERE device_id = 'dev-1' AND sensor_value = 21.5"
              + " AND \"timestamp\" = '2026-11-27T10:00:00Z'") == 1);
      assertThat(count(seedDb, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'device_sensor_new_raw'::regclass"
          + " AND pg_get_constraintdef(oid) = 'PRIMARY KEY (device_id, \"timestamp\")'")).isEqualTo(1);
    } finally {
      assertThat(runner.stop(Duration.ofSeconds(30))).isTrue();
      running.get();
    }
  }

  @Test
  void validateConfig_checksEveryMappingAgainstTheLiveDatabaseAndTheCluster() {
    String present = kafka().createTopic(kafka().uniqueTopic("valid"), 1);
    String absent = kafka().uniqueTopic("absent");
    sql(db, readingsTable("validate_ok", true), readingsTable("validate_nokey", false));
    Fixtures.MemorySource source = new Fixtures.MemorySource(snapshot(
        readings(present, "validate_ok", true),
        readings(absent, "validate_nowhere.validate_missing", false),
        readings(kafka().uniqueTopic("nokey"), "validate_nokey", true)));

    try (LoomConsumer consumer = consumer(source, db, "validate-group").build()) {
      ValidationReport report = consumer.validateConfig();

      assertThat(report.valid()).isFalse();
      assertThat(report.fingerprint()).isNull();
      assertThat(report.source()).isEqualTo("memory:test");
      assertThat(report.errors()).extracting(ConfigIssue::message)
          .anySatisfy(m -> assertThat(m).contains("validate_missing"))
          .anySatisfy(m -> assertThat(m).contains("unique"));
      assertThat(report.errors()).noneSatisfy(e -> assertThat(e.path()).startsWith("mappings[" + present + "]"));
      assertThat(report.warnings()).extracting(ConfigIssue::message)
          .contains("topic '" + absent + "' does not exist on the Kafka cluster; it is consumed once it is created");
    }
  }

  /** The settings of {@code loom run} with the database configuration, on a free admin port. */
  private static LoomSettings settings(String databaseUrl, String group) {
    return LoomSettings.builder().environment(Map.of(
        "USE_DATABASE_CONFIG", "true",
        "LOOM_DATABASE_URL", databaseUrl,
        "LOOM_KAFKA_BOOTSTRAP_SERVERS", kafka().bootstrapServers(),
        "KAFKA_GROUP_ID", group,
        "LOOM_ADMIN_PORT", "0",
        "LOOM_ADMIN_BIND_ADDRESS", "127.0.0.1",
        "LOOM_BATCH_LINGER", "50ms",
        "LOOM_KAFKA_POLL_TIMEOUT", "100ms")).build();
  }

  /** Runs the service on another thread and waits until its admin API says it is ready. */
  private static CompletableFuture<Void> runUntilReady(ServiceRunner runner) {
    CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
      try {
        runner.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      await().atMost(Fixtures.minutes(1)).until(() -> runner.adminServer().isPresent()
          && get(runner, "/readyz").statusCode() == 200);
    } catch (RuntimeException e) {
      runner.stop(Duration.ofSeconds(30));
      throw e;
    }
    return running;
  }

  private static JsonNode json(ServiceRunner runner, String path) throws Exception {
    HttpResponse<String> response = get(runner, path);
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> get(ServiceRunner runner, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri(runner, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(ServiceRunner runner, String path) {
    return URI.create(runner.adminServer().orElseThrow().uri() + path);
  }
}
