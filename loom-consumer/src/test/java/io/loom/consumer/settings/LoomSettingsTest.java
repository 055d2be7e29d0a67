package io.loom.consumer.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.loom.consumer.LoomConsumer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LoomSettingsTest {
  @TempDir Path dir;

  @Test
  void defaults_areTheDocumentedOnes() {
    LoomSettings settings = LoomSettings.defaults();

    assertThat(settings.useDatabaseConfig()).isFalse();
    assertThat(settings.yamlFile()).isEqualTo(Path.of("config/topic_mappings.yml"));
    assertThat(settings.groupId()).isEqualTo("generic-kafka-to-db-consumer");
    assertThat(settings.kafkaBootstrapServers()).containsExactly("localhost:9092");
    assertThat(settings.adminPort()).isEqualTo(8001);
    assertThat(settings.adminBindAddresses()).containsExactly("localhost");
    assertThat(settings.adminToken()).isEmpty();
    assertThat(settings.databaseUrl()).isEmpty();
    assertThat(settings.batchMaxBytes()).isEqualTo(32L * 1024 * 1024);
    assertThat(settings.batchMaxRows()).isEqualTo(10_000);
    assertThat(settings.batchWriters()).isEqualTo(2);
    assertThat(settings.maxPollRecords()).isEqualTo(LoomConsumer.DEFAULT_MAX_POLL_RECORDS);
    assertThat(settings.batchLinger()).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.deadLetterSuffix()).isEqualTo(".dlq");
    assertThat(settings.retryMaxBackoff()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.origin(Setting.GROUP_ID)).isEqualTo(new Origin(Origin.Kind.DEFAULT, "loom.kafka.group-id"));
    assertThat(settings.warnings()).isEmpty();
  }

  @Test
  void environment_acceptsTheSeedDeploymentNames() {
    LoomSettings settings = LoomSettings.builder()
        .environment(Map.of(
            "USE_DATABASE_CONFIG", "true",
            "LOOM_DATABASE_URL", "postgresql://loom:pw@db:5432/loom",
            "LOOM_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092, kafka-2:9092",
            "KAFKA_GROUP_ID", "ingest"))
        .build();

    assertThat(settings.useDatabaseConfig()).isTrue();
    assertThat(settings.databaseUrl()).contains("postgresql://loom:pw@db:5432/loom");
    assertThat(settings.kafkaBootstrapServers()).containsExactly("kafka-1:9092", "kafka-2:9092");
    assertThat(settings.groupId()).isEqualTo("ingest");
    assertThat(settings.origin(Setting.GROUP_ID)).isEqualTo(new Origin(Origin.Kind.ENVIRONMENT, "KAFKA_GROUP_ID"));
  }

  @Test
  void precedence_argumentOverFileOverEnvironmentOverDefault() throws IOException {
    Path file = write("loom.properties", """
        loom.batch.max-rows=200
        loom.kafka.group-id=from-file
        """);

    LoomSettings settings = LoomSettings.builder()
        .environment(Map.of("LOOM_BATCH_MAX_ROWS", "100", "KAFKA_GROUP_ID", "from-env", "LOOM_ADMIN_PORT", "9001"))
        .propertiesFile(file)
        .argument(Setting.BATCH_MAX_ROWS, "300")
        .build();

    assertThat(settings.batchMaxRows()).isEqualTo(300);
    assertThat(settings.origin(Setting.BATCH_MAX_ROWS)).isEqualTo(new Origin(Origin.Kind.ARGUMENT, "--batch-max-rows"));
    assertThat(settings.groupId()).isEqualTo("from-file");
    assertThat(settings.origin(Setting.GROUP_ID))
        .isEqualTo(new Origin(Origin.Kind.FILE, file + ":2: loom.kafka.group-id"));
    assertThat(settings.adminPort()).isEqualTo(9001);
    assertThat(settings.origin(Setting.ADMIN_PORT)).isEqualTo(new Origin(Origin.Kind.ENVIRONMENT, "LOOM_ADMIN_PORT"));
    assertThat(settings.batchMaxBytes()).isEqualTo(Setting.BATCH_MAX_BYTES.defaultValue());
  }

  @Test
  void laterFile_winsOverEarlierFile() throws IOException {
    Path first = write("a.properties", "loom.admin.port=1000\nloom.batch.max-rows=7\n");
    Path second = write("b.properties", "loom.admin.port=2000\n");

    LoomSettings settings = LoomSettings.builder().propertiesFile(first).propertiesFile(second).build();

    assertThat(settings.adminPort()).isEqualTo(2000);
    assertThat(settings.batchMaxRows()).isEqualTo(7);
  }

  @Test
  void propertiesFile_acceptsEnvironmentNamesAsKeys() throws IOException {
    Path file = write("loom.properties", "KAFKA_GROUP_ID = from-file\n");

    assertThat(LoomSettings.builder().propertiesFile(file).build().groupId()).isEqualTo("from-file");
  }

  @Test
  void configFileEnvironmentVariable_namesThePropertiesFile() throws IOException {
    Path file = write("loom.properties", "loom.batch.max-rows=42\n");

    LoomSettings settings = LoomSettings.builder()
        .environment(Map.of(LoomSettings.CONFIG_FILE_ENV, file.toString()))
        .build();

    assertThat(settings.batchMaxRows()).isEqualTo(42);
    assertThat(settings.warnings()).isEmpty();
  }

  @Test
  void blankValue_countsAsNotGiven() {
    LoomSettings settings = LoomSettings.builder()
        .environment(Map.of("KAFKA_GROUP_ID", "from-env", "LOOM_ADMIN_TOKEN", ""))
        .argument(Setting.GROUP_ID, "  ")
        .build();

    assertThat(settings.groupId()).isEqualTo("from-env");
    assertThat(settings.adminToken()).isEmpty();
  }

  @Test
  void invalidValues_areAllReportedAtOnce() {
    InvalidSettingsException e = catchThrowableOfType(InvalidSettingsException.class, () -> LoomSettings.builder()
        .environment(Map.of(
            "LOOM_BATCH_MAX_ROWS", "abc",
            "USE_DATABASE_CONFIG", "maybe",
            "LOOM_ADMIN_PORT", "70000",
            "LOOM_KAFKA_BOOTSTRAP_SERVERS", "kafka"))
        .argument(Setting.BATCH_LINGER, "soon")
        .build());

    assertThat(e.problems()).containsExactly(
        "USE_DATABASE_CONFIG was 'maybe' but it must be true or false",
        "LOOM_KAFKA_BOOTSTRAP_SERVERS was 'kafka' but it must be a comma-separated list of host:port",
        "LOOM_BATCH_MAX_ROWS was 'abc' but it must be a positive integer",
        "--batch-linger was 'soon' but it must be a duration such as 500ms, 30s, 5m or 1h (a bare number is milliseconds)",
        "LOOM_ADMIN_PORT was '70000' but it must be a port number from 0 to 65535 (0 picks a free port)");
    assertThat(e).hasMessageStartingWith("invalid settings (5 problems):\n  - USE_DATABASE_CONFIG was 'maybe'");
  }

  @Test
  void oneInvalidValue_isReportedOnOneLine() {
    assertThatThrownBy(() -> LoomSettings.builder().environment(Map.of("LOOM_BATCH_MAX_ROWS", "0")).build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessage("invalid setting: LOOM_BATCH_MAX_ROWS was '0' but it must be a positive integer");
  }

  @Test
  void invalidValueInFile_namesFileAndLine() throws IOException {
    Path file = write("loom.properties", """
        # batching
        loom.batch.max-rows=5000

        loom.batch.max-bytes = lots
        """);

    assertThatThrownBy(() -> LoomSettings.builder().propertiesFile(file).build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessage("invalid setting: " + file + ":4: loom.batch.max-bytes was 'lots' but it must be a positive size"
            + " in bytes such as 1048576, 512KB or 16MB");
  }

  @Test
  void unknownKeyInFile_isAnErrorWithASuggestion() throws IOException {
    Path file = write("loom.properties", "loom.batch.max-row=10\nsomething.else=1\n");

    InvalidSettingsException e = catchThrowableOfType(InvalidSettingsException.class,
        () -> LoomSettings.builder().propertiesFile(file).build());

    assertThat(e.problems()).containsExactly(
        file + ":1: unknown setting 'loom.batch.max-row'; did you mean 'loom.batch.max-rows'?",
        file + ":2: unknown setting 'something.else'; Kafka client properties take the prefix loom.kafka.client.");
  }

  @Test
  void missingFile_isReported() {
    Path missing = dir.resolve("absent.properties");

    assertThatThrownBy(() -> LoomSettings.builder().propertiesFile(missing).build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessage("invalid setting: properties file " + missing + " does not exist");
  }

  @Test
  void unknownLoomEnvironmentVariable_isAWarningWithASuggestion() {
    LoomSettings settings = LoomSettings.builder()
        .environment(Map.of("LOOM_BATCH_MAXROWS", "10", "PATH", "/usr/bin", "HOME", "/home/loom"))
        .build();

    assertThat(settings.warnings())
        .containsExactly("environment variable LOOM_BATCH_MAXROWS is not a Loom setting; did you mean LOOM_BATCH_MAX_ROWS?");
  }

  @Test
  void secrets_areMaskedInToStringDescribeDisplayAndErrors() {
    LoomSettings settings = LoomSettings.builder()
        .environment(Map.of(
            "LOOM_ADMIN_TOKEN", "t0ps3cret",
            "LOOM_DATABASE_URL", "postgresql://loom:hunter2@db:5432/loom",
            "LOOM_DATABASE_PASSWORD", "pa55word",
            "LOOM_KAFKA_CLIENT_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule"
                + " required username=\"u\" password=\"kafkapw\";",
            "LOOM_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL"))
        .build();

    String text = settings.toString() + settings.describe() + settings.display(Setting.ADMIN_TOKEN)
        + settings.display(Setting.DATABASE_URL) + settings.display(Setting.DATABASE_PASSWORD);
    assertThat(text).doesNotContain("t0ps3cret", "hunter2", "pa55word", "kafkapw");
    assertThat(settings.describe())
        .containsEntry("loom.admin.token", "****")
        .containsEntry("loom.database.password", "****")
        .containsEntry("loom.database.url", "postgresql://loom:****@db:5432/loom")
        .containsEntry("loom.kafka.client.sasl.jaas.config", "****")
        .containsEntry("loom.kafka.client.security.protocol", "SASL_SSL");
    assertThat(settings.adminToken()).contains("t0ps3cret");

    assertThatThrownBy(() -> LoomSettings.builder()
            .environment(Map.of("LOOM_DATABASE_URL", "mysql://root:hunter2@db/loom", "LOOM_ADMIN_TOKEN", "x"))
            .argument(Setting.DEAD_LETTER_SUFFIX, "bad suffix")
            .build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining("LOOM_DATABASE_URL was 'mysql://root:****@db/loom' but it must be a PostgreSQL URL")
        .message().doesNotContain("hunter2");
  }

  @Test
  void kafkaClientProperties_passThroughFromEnvironmentFileAndArguments() throws IOException {
    Path file = write("loom.properties", """
        loom.kafka.client.security.protocol=SSL
        loom.kafka.client.request.timeout.ms=20000
        """);

    LoomSettings settings = LoomSettings.builder()
        .environment(Map.of("LOOM_KAFKA_CLIENT_SECURITY_PROTOCOL", "PLAINTEXT", "LOOM_KAFKA_CLIENT_CLIENT_RACK", "r1"))
        .propertiesFile(file)
        .kafkaClientProperty("request.timeout.ms", "30000")
        .build();

    assertThat(settings.kafkaClientProperties()).containsExactly(
        Map.entry("client.rack", "r1"), Map.entry("request.timeout.ms", "30000"), Map.entry("security.protocol", "SSL"));
  }

  @Test
  void kafkaClientProperties_refuseWhatLoomSetsItself() {
    assertThatThrownBy(() -> LoomSettings.builder()
            .environment(Map.of("LOOM_KAFKA_CLIENT_GROUP_ID", "x", "LOOM_KAFKA_CLIENT_ENABLE_AUTO_COMMIT", "true"))
            .build())
        .isInstanceOf(InvalidSettingsException.class)
        .extracting(e -> ((InvalidSettingsException) e).problems())
        .isEqualTo(List.of(
            "LOOM_KAFKA_CLIENT_ENABLE_AUTO_COMMIT sets Kafka property 'enable.auto.commit' which Loom sets itself;"
                + " Loom stores offsets in the database with the rows",
            "LOOM_KAFKA_CLIENT_GROUP_ID sets Kafka property 'group.id' which Loom sets itself; use KAFKA_GROUP_ID instead"));
  }

  @Test
  void retryMaxBackoff_mustNotBeShorterThanInitial() {
    assertThatThrownBy(() -> LoomSettings.builder()
            .environment(Map.of("LOOM_RETRY_INITIAL_BACKOFF", "5s"))
            .argument(Setting.RETRY_MAX_BACKOFF, "2s")
            .build())
        .hasMessage("invalid setting: --retry-max-backoff was '2s' but it must not be shorter than"
            + " LOOM_RETRY_INITIAL_BACKOFF ('5s')");
  }

  @Test
  void batchWriters_mustNotExceedThePoolSize() {
    assertThatThrownBy(() -> LoomSettings.builder().environment(Map.of("LOOM_BATCH_WRITERS", "8")).build())
        .hasMessage("invalid setting: LOOM_BATCH_WRITERS was '8' but it must not exceed loom.database.pool-size"
            + " ('4'): every writer holds a connection of the pool");

    LoomSettings settings = LoomSettings.builder()
        .environment(Map.of("LOOM_BATCH_WRITERS", "8"))
        .argument(Setting.DATABASE_POOL_SIZE, "8")
        .build();
    assertThat(settings.batchWriters()).isEqualTo(8);
    assertThat(LoomSettings.builder().environment(Map.of()).build().batchWriters()).isEqualTo(2);
  }

  @Test
  void databaseConfig_needsADatabaseUrl() {
    assertThatThrownBy(() -> LoomSettings.builder().environment(Map.of("USE_DATABASE_CONFIG", "true")).build())
        .hasMessage("invalid setting: USE_DATABASE_CONFIG is true but LOOM_DATABASE_URL is not set; it must name the"
            + " database that holds the configuration tables");
  }

  @Test
  void requireDatabaseUrl_namesTheTaskAndTheWaysToSetIt() {
    assertThatThrownBy(() -> LoomSettings.defaults().requireDatabaseUrl("loom migrate"))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessage("invalid setting: LOOM_DATABASE_URL is not set but loom migrate needs the database; set"
            + " LOOM_DATABASE_URL, loom.database.url in the properties file or --database-url, e.g."
            + " postgresql://user:password@localhost:5432/loom");
  }

  @ParameterizedTest
  @CsvSource({"500ms,500", "30s,30000", "5m,300000", "1h,3600000", "1d,86400000", "250,250", "PT2S,2000", "0,0"})
  void durations_acceptUnitsBareMillisAndIso(String text, long millis) {
    LoomSettings settings = LoomSettings.builder().argument(Setting.BATCH_LINGER, text).build();

    assertThat(settings.batchLinger()).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void positiveDuration_refusesZero() {
    assertThatThrownBy(() -> LoomSettings.builder().argument(Setting.POLL_TIMEOUT, "0").build())
        .hasMessage("invalid setting: --poll-timeout was '0' but it must be a positive duration such as 500ms, 30s,"
            + " 5m or 1h (a bare number is milliseconds)");
  }

  @ParameterizedTest
  @CsvSource({"1048576,1048576", "512KB,524288", "16MB,16777216", "1g,1073741824", "10 mb,10485760"})
  void sizes_acceptBinaryUnits(String text, long bytes) {
    assertThat(LoomSettings.builder().argument(Setting.BATCH_MAX_BYTES, text).build().batchMaxBytes()).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "postgresql://user:pass@host:5432/db",
      "postgres://user@host/db",
      "postgresql://u:p%40ss@db.example.com:6543/loom?sslmode=require",
      "postgresql://u:p@ss/word@host:5432/db",
      "jdbc:postgresql://host:5432/db?user=u&password=p",
      "jdbc:postgresql:loom"})
  void databaseUrl_acceptsPostgresAndJdbcUrls(String url) {
    assertThat(LoomSettings.builder().argument(Setting.DATABASE_URL, url).build().databaseUrl()).contains(url);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql://host/db", "host:5432/db", "postgresql://", "postgresql:///db", "jdbc:mysql://h/db"})
  void databaseUrl_refusesOtherUrls(String url) {
    assertThatThrownBy(() -> LoomSettings.builder().argument(Setting.DATABASE_URL, url).build())
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageEndingWith("but it must be a PostgreSQL URL such as postgresql://user:password@host:5432/database"
            + " or jdbc:postgresql://host:5432/database");
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {"TRUE;true", "yes;true", "1;true", "off;false", "False;false"})
  void booleans_acceptCommonSpellings(String text, boolean expected) {
    assertThat(LoomSettings.builder().argument(Setting.USE_DATABASE_CONFIG, text)
        .argument(Setting.DATABASE_URL, "postgresql://h/db").build().useDatabaseConfig()).isEqualTo(expected);
  }

  @Test
  void configLocation_isTheYamlFileByDefault() {
    LoomSettings settings = LoomSettings.builder().environment(Map.of("LOOM_DATABASE_PASSWORD", "pw")).build();

    assertThat(settings.configLocation()).isEqualTo("yaml:config/topic_mappings.yml");
    assertThat(settings.configSourceSettings()).isEmpty();
  }

  @Test
  void configLocation_isTheDatabaseWithCredentialsWhenUseDatabaseConfig() {
    LoomSettings settings = LoomSettings.builder()
        .environment(Map.of("USE_DATABASE_CONFIG", "true", "LOOM_DATABASE_URL", "jdbc:postgresql://db/loom",
            "LOOM_DATABASE_USER", "app", "LOOM_DATABASE_PASSWORD", "pw"))
        .build();

    assertThat(settings.configLocation()).isEqualTo("jdbc:postgresql://db/loom");
    assertThat(settings.configSourceSettings()).containsExactly(Map.entry("password", "pw"), Map.entry("user", "app"));
  }

  @Test
  void bindAddresses_areAList() {
    LoomSettings settings = LoomSettings.builder().argument(Setting.ADMIN_BIND_ADDRESS, "127.0.0.1, ::1").build();

    assertThat(settings.adminBindAddresses()).containsExactly("127.0.0.1", "::1");
  }

  @Test
  void registry_namesAreUnique() {
    List<String> names = Setting.all().stream()
        .flatMap(s -> java.util.stream.Stream.of(s.property(), s.env(), s.flag()))
        .toList();

    assertThat(names).doesNotHaveDuplicates();
    assertThat(Setting.find("KAFKA_GROUP_ID")).containsSame(Setting.GROUP_ID);
    assertThat(Setting.find("--group-id")).containsSame(Setting.GROUP_ID);
    assertThat(Setting.find("loom.kafka.group-id")).containsSame(Setting.GROUP_ID);
  }

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }
}
