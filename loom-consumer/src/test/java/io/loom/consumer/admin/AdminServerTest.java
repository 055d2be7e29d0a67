package io.loom.consumer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loom.consumer.settings.LoomSettings;
import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.ConflictStrategy;
import io.loom.mapping.TopicMapping;
import io.loom.mapping.LoomException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final FakeBackend backend = new FakeBackend();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<AdminServer> servers = new ArrayList<>();
  private AdminServer server;

  @BeforeEach
  void start() {
    server = started(AdminServer.builder(backend).port(0).bindAddresses(List.of("127.0.0.1")).metrics(registry));
  }

  @AfterEach
  void stop() {
    servers.forEach(AdminServer::close);
    registry.close();
  }

  @Test
  void healthz_isUpWithStatus200() throws Exception {
    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("{\"up\":true,\"checks\":[]}"));
  }

  @Test
  void healthz_whenNotLive_is503() throws Exception {
    backend.liveness = HealthView.of(HealthView.Check.failed("poll_loop", "thread died"));

    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree(
        "{\"up\":false,\"checks\":[{\"name\":\"poll_loop\",\"ok\":false,\"detail\":\"thread died\"}]}"));
  }

  @Test
  void readyz_reportsEachCheckAndIs503UntilAllPass() throws Exception {
    backend.readiness = HealthView.of(
        HealthView.Check.ok("configuration", "fingerprint 1234"),
        HealthView.Check.failed("database", "connection refused"),
        HealthView.Check.ok("consumer", "running"));

    HttpResponse<String> notReady = get("/readyz");
    backend.readiness = HealthView.of(HealthView.Check.ok("configuration", "ok"));
    HttpResponse<String> ready = get("/readyz");

    assertThat(notReady.statusCode()).isEqualTo(503);
    JsonNode body = JSON.readTree(notReady.body());
    assertThat(body.get("up").asBoolean()).isFalse();
    assertThat(body.get("checks")).hasSize(3);
    assertThat(body.get("checks").get(1).get("name").asText()).isEqualTo("database");
    assertThat(body.get("checks").get(1).get("detail").asText()).isEqualTo("connection refused");
    assertThat(ready.statusCode()).isEqualTo(200);
  }

  @Test
  void status_isSnakeCaseJsonWithoutSecrets() throws Exception {
    backend.settings = LoomSettings.builder()
        .environment(Map.of("LOOM_ADMIN_TOKEN", "t0ps3cret", "LOOM_DATABASE_URL", "postgresql://loom:hunter2@db/loom",
            "KAFKA_GROUP_ID", "ingest"))
        .build();

    HttpResponse<String> response = get("/status");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain("t0ps3cret", "hunter2");
    JsonNode status = JSON.readTree(response.body());
    assertThat(fieldNames(status)).containsExactly("state", "started_at", "group_id", "topics", "partitions",
        "rows_total", "rows_per_second", "dead_letters_total", "last_error", "config", "settings");
    assertThat(status.get("state").asText()).isEqualTo("running");
    assertThat(status.get("started_at").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(status.get("group_id").asText()).isEqualTo("ingest");
    assertThat(status.get("topics")).hasSize(1);
    assertThat(status.get("partitions").get(0)).isEqualTo(JSON.readTree(
        "{\"topic\":\"device.sensor.gps.raw\",\"partition\":0,\"position\":120,\"committed_offset\":118,"
            + "\"end_offset\":125,\"lag\":7}"));
    assertThat(status.get("partitions").get(1).get("lag").isNull()).isTrue();
    assertThat(status.get("rows_total").asLong()).isEqualTo(1000);
    assertThat(status.get("rows_per_second").asDouble()).isEqualTo(12.5);
    assertThat(status.get("last_error").get("message").asText())
        .isEqualTo("connection to postgresql://loom:****@db/loom refused");
    JsonNode config = status.get("config");
    assertThat(config.get("source").asText()).isEqualTo("yaml:topic_mappings.yml");
    assertThat(config.get("fingerprint").asText()).isEqualTo(FakeBackend.SNAPSHOT.fingerprint());
    assertThat(config.get("mapped_topics").asInt()).isEqualTo(1);
    assertThat(config.get("last_refused_reload").get("problems").get(0)).isEqualTo(JSON.readTree(
        "{\"location\":\"topic_mappings.yml:7\",\"path\":\"mappings[x].table_name\","
            + "\"message\":\"table name 'X' is not allowed\"}"));
    assertThat(status.get("settings").get("loom.admin.token").asText()).isEqualTo("****");
    assertThat(status.get("settings").get("loom.database.url").asText()).isEqualTo("postgresql://loom:****@db/loom");
  }

  @Test
  void topics_listsMappingsWithTheSeedColumnNames() throws Exception {
    HttpResponse<String> response = get("/topics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("""
        [{
          "topic": "device.sensor.gps.raw",
          "table": "device_sensor_gps_raw",
          "upsert_key": ["device_id", "timestamp"],
          "conflict_strategy": "update",
          "dead_letter_topic": "device.sensor.gps.raw.dlq",
          "consuming": true,
          "fields": [
            {"source_field_path": "device_id", "target_column": "device_id", "data_type": "string",
             "transformation": null, "is_required": true, "default_value": null},
            {"source_field_path": "timestamp", "target_column": "timestamp", "data_type": "timestamp",
             "transformation": "timestamp_parse", "is_required": false, "default_value": null},
            {"source_field_path": "data.latitude", "target_column": "latitude", "data_type": "float",
             "transformation": null, "is_required": false, "default_value": "0"}
          ]
        }]
        """));
  }

  @Test
  void validateConfig_reportsErrorsAndWarningsWithLocations() throws Exception {
    HttpResponse<String> response = get("/validate-config");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("""
        {
          "valid": false,
          "source": "yaml:topic_mappings.yml",
          "fingerprint": null,
          "errors": [{
            "location": "topic_mappings.yml:12",
            "path": "mappings[device.sensor.gps.raw].fields[1].data_type",
            "message": "data type 'flaot' is unknown; expected one of array, boolean, float, float_array, integer, json, string, timestamp"
          }],
          "warnings": [{"location": null, "path": "mappings[device.sensor.gps.raw]", "message": "the table has no upsert key"}]
        }
        """));
  }

  @Test
  void reloadConfig_appliedAndUnchangedAre200() throws Exception {
    ConfigSnapshot next = ConfigSnapshot.ofMappings(List.of(FakeBackend.GPS,
        new TopicMapping("device.sensor.new.raw", "device_sensor_new_raw", FakeBackend.GPS.upsertKey(),
            ConflictStrategy.IGNORE, FakeBackend.GPS.fields())));
    backend.reload = () -> ReloadResult.applied("yaml:topic_mappings.yml", FakeBackend.SNAPSHOT, next);

    HttpResponse<String> applied = post("/reload-config", null);
    backend.reload = () -> ReloadResult.unchanged("yaml:topic_mappings.yml", next);
    HttpResponse<String> unchanged = post("/reload-config", null);

    assertThat(applied.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(applied.body());
    assertThat(body.get("outcome").asText()).isEqualTo("applied");
    assertThat(body.get("previous_fingerprint").asText()).isEqualTo(FakeBackend.SNAPSHOT.fingerprint());
    assertThat(body.get("fingerprint").asText()).isEqualTo(next.fingerprint());
    assertThat(body.get("added_topics")).containsExactly(JSON.readTree("\"device.sensor.new.raw\""));
    assertThat(body.get("removed_topics")).isEmpty();
    assertThat(body.get("message").asText())
        .isEqualTo("configuration " + next.fingerprint() + " applied: 2 mapped topics, 1 added, 0 removed");
    assertThat(unchanged.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(unchanged.body()).get("outcome").asText()).isEqualTo("unchanged");
  }

  @Test
  void reloadConfig_refusedIs422WithEveryProblem() throws Exception {
    backend.reload = () -> ReloadResult.refused("yaml:topic_mappings.yml", FakeBackend.SNAPSHOT, List.of(
        new ConfigProblem("topic_mappings.yml:3", "mappings[a.b.c].table_name", "table name 'A' is not allowed"),
        new ConfigProblem("topic_mappings.yml:9", "mappings[a.b.c].upsert_key", "upsert key column 'x' is not mapped")));

    HttpResponse<String> response = post("/reload-config", null);

    assertThat(response.statusCode()).isEqualTo(422);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("outcome").asText()).isEqualTo("refused");
    assertThat(body.get("problems")).hasSize(2);
    assertThat(body.get("problems").get(1).get("location").asText()).isEqualTo("topic_mappings.yml:9");
    assertThat(body.get("message").asText()).isEqualTo("configuration refused (2 problems); configuration "
        + FakeBackend.SNAPSHOT.fingerprint() + " stays in force");
  }

  @Test
  void reloadConfig_unreadableSourceIs503AndMasksPasswords() throws Exception {
    backend.reload = FakeBackend::failing;

    HttpResponse<String> response = post("/reload-config", null);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).doesNotContain("hunter2");
    assertThat(JSON.readTree(response.body()).get("problems").get(0).get("message").asText())
        .isEqualTo("the configuration cannot be read: connection to postgresql://loom:****@db/loom refused");
  }

  @Test
  void reloadConfig_withToken_refusesMissingOrWrongBearerWith401() throws Exception {
    AdminServer secured = started(
        AdminServer.builder(backend).port(0).bindAddresses(List.of("127.0.0.1")).bearerToken("s3cret"));

    HttpResponse<String> missing = send(secured, HttpRequest.newBuilder(uri(secured, "/reload-config"))
        .POST(HttpRequest.BodyPublishers.noBody()));
    HttpResponse<String> wrong = send(secured, HttpRequest.newBuilder(uri(secured, "/reload-config"))
        .header("Authorization", "Bearer s3crex").POST(HttpRequest.BodyPublishers.noBody()));
    HttpResponse<String> basic = send(secured, HttpRequest.newBuilder(uri(secured, "/reload-config"))
        .header("Authorization", "Basic czNjcmV0").POST(HttpRequest.BodyPublishers.noBody()));
    int reloadsBefore = backend.reloads.get();
    HttpResponse<String> right = send(secured, HttpRequest.newBuilder(uri(secured, "/reload-config"))
        .header("Authorization", "bearer s3cret").POST(HttpRequest.BodyPublishers.noBody()));

    for (HttpResponse<String> refused : List.of(missing, wrong, basic)) {
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"loom\"");
      assertThat(JSON.readTree(refused.body())).isEqualTo(JSON.readTree(
          "{\"error\":\"unauthorized\",\"message\":\"POST /reload-config needs the header 'Authorization: Bearer"
              + " <token>' with the admin token\"}"));
    }
    assertThat(reloadsBefore).isZero();
    assertThat(right.statusCode()).isEqualTo(200);
    assertThat(backend.reloads.get()).isEqualTo(1);
  }

  @Test
  void reloadConfig_withoutToken_acceptsThePlainSeedCall() throws Exception {
    HttpResponse<String> response = post("/reload-config", "ignored body");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(backend.reloads.get()).isEqualTo(1);
  }

  @Test
  void unknownPath_is404Json() throws Exception {
    HttpResponse<String> response = get("/nope");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree(
        "{\"error\":\"not_found\",\"message\":\"no endpoint /nope; endpoints are GET /healthz, GET /readyz,"
            + " GET /status, GET /topics, GET /validate-config, POST /reload-config, GET /metrics\"}"));
    assertThat(get("/status/").statusCode()).isEqualTo(404);
    assertThat(get("/").statusCode()).isEqualTo(404);
  }

  @Test
  void wrongMethod_is405WithAllowHeader() throws Exception {
    HttpResponse<String> postStatus = post("/status", null);
    HttpResponse<String> getReload = get("/reload-config");

    assertThat(postStatus.statusCode()).isEqualTo(405);
    assertThat(postStatus.headers().firstValue("Allow")).contains("GET");
    assertThat(JSON.readTree(postStatus.body())).isEqualTo(JSON.readTree(
        "{\"error\":\"method_not_allowed\",\"message\":\"POST is not allowed on /status; use GET\"}"));
    assertThat(getReload.statusCode()).isEqualTo(405);
    assertThat(getReload.headers().firstValue("Allow")).contains("POST");
    assertThat(backend.reloads.get()).isZero();
  }

  @Test
  void backendFailure_is500WithTheMessageOnly() throws Exception {
    backend.statusFailure = new LoomException("cannot read offsets from postgresql://loom:hunter2@db/loom");

    HttpResponse<String> response = get("/status");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree(
        "{\"error\":\"internal_error\",\"message\":\"cannot read offsets from postgresql://loom:****@db/loom\"}"));
    assertThat(response.body()).doesNotContain("\tat ", "LoomException", "hunter2");
  }

  @Test
  void backendFailureWithoutMessage_namesTheExceptionClass() throws Exception {
    backend.statusFailure = new NullPointerException();

    HttpResponse<String> response = get("/status");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(response.body()).get("message").asText()).isEqualTo("java.lang.NullPointerException");
  }

  @Test
  void metrics_isPrometheusText() throws Exception {
    Counter.builder("loom.rows.written").tag("topic", "device.sensor.gps.raw").register(registry).increment(42);

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("# TYPE loom_rows_written_total counter")
        .contains("loom_rows_written_total{topic=\"device.sensor.gps.raw\"} 42.0");
  }

  @Test
  void metrics_servesOpenMetricsWhenAsked() throws Exception {
    Counter.builder("loom.rows.written").register(registry).increment();

    HttpResponse<String> response = send(server, HttpRequest.newBuilder(uri(server, "/metrics"))
        .header("Accept", "application/openmetrics-text; version=1.0.0").GET());

    assertThat(response.headers().firstValue("Content-Type"))
        .contains("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(response.body()).contains("loom_rows_written_total 1.0").endsWith("# EOF\n");
  }

  @Test
  void metrics_withoutRegistry_is404() throws Exception {
    AdminServer bare = started(AdminServer.builder(backend).port(0).bindAddresses(List.of("127.0.0.1")));

    assertThat(send(bare, HttpRequest.newBuilder(uri(bare, "/metrics")).GET()).statusCode()).isEqualTo(404);
  }

  @Test
  void defaultBindAddress_servesLocalhostOnEveryAddressItResolvesTo() throws Exception {
    AdminServer local = started(AdminServer.builder(backend).port(0));

    List<InetAddress> expected = List.of(InetAddress.getAllByName("localhost"));
    assertThat(local.addresses()).extracting(InetSocketAddress::getAddress).containsExactlyInAnyOrderElementsOf(expected);
    HttpResponse<String> response = CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + local.port() + "/status")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    for (InetSocketAddress address : local.addresses()) {
      String host = address.getAddress().getHostAddress();
      URI direct = URI.create("http://" + (host.contains(":") ? "[" + host.replaceAll("%.*", "") + "]" : host) + ":"
          + address.getPort() + "/healthz");
      assertThat(CLIENT.send(HttpRequest.newBuilder(direct).GET().build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).isEqualTo(200);
    }
  }

  @Test
  void start_fromSettings_usesPortAddressAndToken() throws Exception {
    LoomSettings settings = LoomSettings.builder()
        .environment(Map.of("LOOM_ADMIN_PORT", "0", "LOOM_ADMIN_BIND_ADDRESS", "127.0.0.1", "LOOM_ADMIN_TOKEN", "tok"))
        .build();
    AdminServer fromSettings = AdminServer.start(settings, backend, registry);
    servers.add(fromSettings);

    assertThat(fromSettings.addresses()).extracting(a -> a.getAddress().getHostAddress()).containsExactly("127.0.0.1");
    assertThat(send(fromSettings, HttpRequest.newBuilder(uri(fromSettings, "/reload-config"))
        .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(401);
    assertThat(send(fromSettings, HttpRequest.newBuilder(uri(fromSettings, "/metrics")).GET()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void start_onAPortInUse_failsNamingAddressPortAndSetting() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> started(AdminServer.builder(backend).port(port).bindAddresses(List.of("127.0.0.1"))))
          .isInstanceOf(LoomException.class)
          .hasMessageStartingWith("the admin API cannot listen on 127.0.0.1 port " + port + " (127.0.0.1: ")
          .hasMessageEndingWith("); choose another port with LOOM_ADMIN_PORT or another address with"
              + " LOOM_ADMIN_BIND_ADDRESS");
    }
  }

  @Test
  void start_onAnUnresolvableName_fails() {
    assertThatThrownBy(() -> started(AdminServer.builder(backend).port(0).bindAddresses(List.of("no-such-host.invalid"))))
        .isInstanceOf(LoomException.class)
        .hasMessageStartingWith("the admin API bind address 'no-such-host.invalid' does not resolve to an address: ")
        .hasMessageEndingWith("; set LOOM_ADMIN_BIND_ADDRESS");
  }

  @Test
  void close_stopsListeningAndIsIdempotent() {
    URI status = uri(server, "/status");

    server.close();
    server.close();

    assertThatThrownBy(() -> CLIENT.send(HttpRequest.newBuilder(status).GET().build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  private AdminServer started(AdminServer.Builder builder) {
    AdminServer s = builder.start();
    servers.add(s);
    return s;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(server, HttpRequest.newBuilder(uri(server, path)).GET());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return send(server, HttpRequest.newBuilder(uri(server, path)).POST(body == null
        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> send(AdminServer target, HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(AdminServer target, String path) {
    return URI.create(target.uri() + path);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
