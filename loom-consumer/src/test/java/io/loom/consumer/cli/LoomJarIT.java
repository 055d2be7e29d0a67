package io.loom.consumer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loom.consumer.settings.Setting;
import io.loom.mapping.yaml.SampleConfiguration;
import io.loom.testsupport.TestKafka;
import io.loom.testsupport.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar, run as users run it: {@code java -jar loom.jar ...} in a child process. */
class LoomJarIT {
  private static Path jar;

  record Result(int status, String out, String err) {}

  @BeforeAll
  static void findJar() {
    jar = Path.of(System.getProperty("loom.jar", "target/loom.jar"));
    assertThat(jar).as("the runnable jar is built by 'mvn package'").isRegularFile();
  }

  @Test
  void help_works() throws Exception {
    Result r = java(Map.of(), "--help");

    assertThat(r.status()).isZero();
    assertThat(r.out()).startsWith("Usage: loom [-hV] [COMMAND]").contains("run", "migrate", "import", "export",
        "validate");
  }

  @Test
  void version_isTheProjectVersion() throws Exception {
    Result r = java(Map.of(), "--version");

    assertThat(r.status()).isZero();
    assertThat(r.out().strip()).matches("loom \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
  }

  @Test
  void usageError_exits2WithOneLine() throws Exception {
    Result r = java(Map.of(), "validate", "--bogus");

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("loom validate: Unknown option: '--bogus'\n"
        + "Try 'loom validate --help' for more information.\n");
  }

  @Test
  void settingsMarkdown_isTheReadmeTable() throws Exception {
    Result r = java(Map.of(), "settings", "--markdown");

    assertThat(r.status()).isZero();
    assertThat(r.out()).isEqualTo(Setting.markdownTable());
  }

  @Test
  void environment_isRead() throws Exception {
    Result r = java(Map.of("KAFKA_GROUP_ID", "from-env", "LOOM_ADMIN_TOKEN", "t0ps3cret"), "settings");

    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("from-env  (environment KAFKA_GROUP_ID)").doesNotContain("t0ps3cret");
  }

  @Test
  void validate_findsTheYamlSourceThroughTheMergedServiceFiles(@TempDir Path dir) throws Exception {
    Path sample = SampleConfiguration.copyTo(dir);

    Result r = java(Map.of("LOOM_CONFIG_YAML_FILE", sample.toString()), "validate");

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("configuration from yaml:" + sample + " is valid: 10 mapped topics");
  }

  @Test
  void jar_hasTheLoggingConfigurationAndMergedServiceFiles() throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      assertThat(file.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(LoomCli.class.getName());
      String logging = new String(file.getInputStream(file.getEntry("simplelogger.properties")).readAllBytes(),
          StandardCharsets.UTF_8);
      assertThat(logging).contains("org.slf4j.simpleLogger.defaultLogLevel=info",
          "org.slf4j.simpleLogger.showDateTime=true", "org.slf4j.simpleLogger.log.org.apache.kafka=warn",
          "org.slf4j.simpleLogger.log.com.zaxxer.hikari=warn");
      assertThat(file.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider")).isNotNull();
      assertThat(file.stream().map(e -> e.getName()).filter(n -> n.endsWith(".SF") || n.endsWith(".RSA"))).isEmpty();
    }
  }

  @Test
  void run_servesTheSeedsAdminCallsWritesRowsAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
    TestPostgres postgres = TestPostgres.shared();
    TestKafka kafka = TestKafka.shared();
    String database = postgres.createDatabase("jar_run");
    String topic = kafka.createTopic(kafka.uniqueTopic("jar"), 1);
    try (Connection c = postgres.dataSource(database).getConnection(); Statement s = c.createStatement()) {
      s.execute("create table jar_events (device_id text not null, timestamp timestamptz not null,"
          + " value double precision, primary key (device_id, timestamp))");
    }
    Path yaml = Files.writeString(dir.resolve("topic_mappings.yml"), """
        topics:
          %s:
            table: jar_events
            field_mappings:
              device_id: device_id
              timestamp: timestamp
              data.value: value
            data_types:
              timestamp: timestamp
              value: float
        """.formatted(topic));
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process = start(Map.of(
        "LOOM_DATABASE_URL", postgres.postgresqlUrl(database),
        "LOOM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
        "LOOM_CONFIG_YAML_FILE", yaml.toString(),
        "LOOM_ADMIN_PORT", String.valueOf(port),
        "KAFKA_GROUP_ID", "jar-run"), out, err, "run");
    try {
      URI admin = URI.create("http://localhost:" + port);
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
          .until(() -> get(admin.resolve("/readyz")).statusCode() == 200);

      kafka.produce(topic, "d1", "{\"device_id\":\"d1\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{\"value\":1.5}}");
      await().atMost(Duration.ofSeconds(60)).until(() -> count(postgres, database) == 1);

      HttpResponse<String> status = get(admin.resolve("/status"));
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(status.body()).contains("\"state\" : \"running\"", "\"group_id\" : \"jar-run\"", topic)
          .doesNotContain(TestPostgres.PASSWORD + "@");
      assertThat(get(admin.resolve("/topics")).body()).contains("\"table\" : \"jar_events\"");
      assertThat(get(admin.resolve("/validate-config")).body()).contains("\"valid\" : true");
      HttpResponse<String> reload = HTTP.send(HttpRequest.newBuilder(admin.resolve("/reload-config"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(reload.statusCode()).isEqualTo(200);
      assertThat(reload.body()).contains("\"outcome\" : \"unchanged\"");
      assertThat(get(admin.resolve("/metrics")).body()).contains("jvm_memory_used_bytes");
    } finally {
      process.destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stops within 60 s of SIGTERM").isTrue();
    }
    assertThat(process.exitValue()).isEqualTo(143);
    String log = Files.readString(err);
    assertThat(log).contains("INFO io.loom.consumer.admin.AdminServer - admin API listening on", "Loom stopped")
        .doesNotContain(":" + TestPostgres.PASSWORD + "@");
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long count(TestPostgres postgres, String database) throws Exception {
    try (Connection c = postgres.dataSource(database).getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from jar_events")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static Process start(Map<String, String> env, Path out, Path err, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("LOOM_") || k.startsWith("KAFKA_")
        || k.equals("USE_DATABASE_CONFIG"));
    builder.environment().putAll(env);
    return builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
  }

  static Result java(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("LOOM_") || k.startsWith("KAFKA_")
        || k.equals("USE_DATABASE_CONFIG"));
    builder.environment().putAll(env);
    Path out = Files.createTempFile("loom-out", ".txt");
    Path err = Files.createTempFile("loom-err", ".txt");
    try {
      builder.redirectOutput(out.toFile()).redirectError(err.toFile());
      Process process = builder.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("java -jar " + jar + " " + String.join(" ", args) + " did not finish in 60 s");
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
