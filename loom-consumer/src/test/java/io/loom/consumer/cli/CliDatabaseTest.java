package io.loom.consumer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.yaml.SampleConfiguration;
import io.loom.mapping.yaml.YamlMappingSource;
import io.loom.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** migrate, import, export and validate against a real PostgreSQL, a fresh database per test. */
class CliDatabaseTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static final String GPS_YAML = ValidateYamlTest.GPS_YAML;

  @TempDir Path dir;
  private final TestPostgres postgres = TestPostgres.shared();
  private String database;
  private Map<String, String> env;

  @BeforeEach
  void freshDatabase() {
    database = postgres.createDatabase("cli_" + DATABASES.incrementAndGet());
    env = Map.of("LOOM_DATABASE_URL", postgres.postgresqlUrl(database));
  }

  @Test
  void migrate_appliesEveryMigrationOnceAndThenNothing() throws Exception {
    CliRun first = CliRun.of(env, "migrate");
    CliRun second = CliRun.of(env, "migrate");

    assertThat(first.status()).as(first.err()).isZero();
    assertThat(first.out()).startsWith("applied V1 ").contains("is now at schema version ");
    assertThat(first.out()).doesNotContain(":" + TestPostgres.PASSWORD + "@");
    assertThat(second.status()).isZero();
    assertThat(second.out()).matches("postgresql://postgres@127\\.0\\.0\\.1:\\d+/" + database
        + " is up to date at schema version \\d+\n");
    assertThat(count("select count(*) from kafka_topics")).isZero();
  }

  @Test
  void migrate_takesTheUrlFromTheFlagAndCredentialsApart() {
    String urlWithoutPassword = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database;

    CliRun run = CliRun.of(Map.of(), "migrate", "--database-url", urlWithoutPassword, "--database-user",
        TestPostgres.USER, "--database-password", TestPostgres.PASSWORD);

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("is now at schema version ");
  }

  @Test
  void migrate_withoutDatabaseUrl_isAUsageError() {
    CliRun run = CliRun.of(Map.of(), "migrate");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).startsWith("loom migrate: invalid setting: LOOM_DATABASE_URL is not set but loom migrate"
        + " needs the database; set LOOM_DATABASE_URL, loom.database.url in the properties file or --database-url");
  }

  @Test
  void migrate_withAWrongPassword_failsOnOneLineWithoutThePassword() {
    String url = "postgresql://postgres:wrong-secret@127.0.0.1:" + postgres.port() + "/" + database;

    CliRun run = CliRun.of(Map.of("LOOM_DATABASE_URL", url), "migrate");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("loom migrate: ").doesNotContain("wrong-secret").doesNotContain("\tat ");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void import_isADryRunWithoutYesThenAppliesThenFindsNothingToChange() throws Exception {
    Path yaml = write("topic_mappings.yml", GPS_YAML);
    CliRun.of(env, "migrate");

    CliRun dryRun = CliRun.of(env, "import", yaml.toString());
    assertThat(dryRun.status()).as(dryRun.err()).isZero();
    assertThat(dryRun.out()).contains("topic_field_mappings: 3 added", "Dry run: nothing was written. Run again with"
        + " --yes to apply these changes.");
    assertThat(count("select count(*) from topic_field_mappings")).isZero();

    CliRun applied = CliRun.of(env, "import", yaml.toString(), "--yes");
    assertThat(applied.status()).as(applied.err()).isZero();
    assertThat(applied.out()).contains("Applied: ");
    assertThat(count("select count(*) from topic_field_mappings where topic_name = 'device.sensor.gps.raw'"))
        .isEqualTo(3);
    assertThat(count("select count(*) from topic_table_configs where conflict_strategy = 'update'")).isEqualTo(1);

    CliRun again = CliRun.of(env, "import", yaml.toString(), "--yes");
    assertThat(again.status()).isZero();
    assertThat(again.out()).contains("No changes: the configuration tables already hold this configuration.")
        .doesNotContain("Applied");
  }

  @Test
  void import_withYes_migratesAFreshDatabaseFirst() throws Exception {
    Path yaml = write("topic_mappings.yml", GPS_YAML);

    CliRun run = CliRun.of(env, "import", yaml.toString(), "-y");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("migrated ", "Applied: ");
    assertThat(count("select count(*) from kafka_topics")).isEqualTo(1);
  }

  @Test
  void import_withSchemasDir_addsTheSchemasAndMakesTheHighestVersionCurrent() throws Exception {
    Path yaml = write("topic_mappings.yml", GPS_YAML);
    Path schemas = Files.createDirectories(dir.resolve("schemas/device"));
    Files.writeString(schemas.resolve("device.sensor.gps.raw.v1.json"), "{\"type\": \"object\"}");
    Files.writeString(schemas.resolve("device.sensor.gps.raw.v2.json"), "{\"type\": \"object\", \"required\": [\"device_id\"]}");

    CliRun run = CliRun.of(env, "import", yaml.toString(), "--schemas-dir", dir.resolve("schemas").toString(), "--yes");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(count("select count(*) from kafka_topic_schemas where topic_name = 'device.sensor.gps.raw'"))
        .isEqualTo(2);
    assertThat(strings("select version from kafka_topic_schemas where is_current")).containsExactly("v2");
  }

  @Test
  void import_withSchemasDirInTheSeedsLayout_landsOnTheConfiguredTopics_withTheMarkedCurrentVersion() throws Exception {
    Path yaml = write("topic_mappings.yml", GPS_YAML);
    Path schemas = dir.resolve("schemas");
    // the seed's layout, <category>/<source>/<datatype>/<version>.json, for the configured device.sensor.gps.raw
    Path gps = Files.createDirectories(schemas.resolve("device/sensor/gps"));
    Files.writeString(gps.resolve("v1.json"), "{\"type\": \"object\"}");
    Files.writeString(gps.resolve("v2.json"), "{\"type\": \"object\", \"required\": [\"device_id\"]}");
    Files.writeString(gps.resolve("current"), "v1");
    // a topic's own directory, <category>/<source>/<datatype>/<stage>/, registers a topic not configured yet
    Path audio = Files.createDirectories(schemas.resolve("device/audio/wav/raw"));
    Files.writeString(audio.resolve("v1.json"), "{}");
    Files.writeString(audio.resolve("v2.json"), "{\"type\": \"object\"}");

    CliRun run = CliRun.of(env, "import", yaml.toString(), "--schemas-dir", schemas.toString(), "--yes");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("schemas in device/sensor/gps/ (v1, v2, current) apply to topic device.sensor.gps.raw");
    assertThat(strings("select topic_name || ' ' || version || ' ' || schema_path || ' ' || is_current"
        + " from kafka_topic_schemas order by 1")).containsExactly(
            "device.audio.wav.raw v1 device/audio/wav/raw/v1.json false",
            "device.audio.wav.raw v2 device/audio/wav/raw/v2.json true",
            "device.sensor.gps.raw v1 device/sensor/gps/v1.json true",
            "device.sensor.gps.raw v2 device/sensor/gps/v2.json false");
    assertThat(strings("select topic_name from kafka_topics order by 1"))
        .containsExactly("device.audio.wav.raw", "device.sensor.gps.raw");
  }

  @Test
  void import_withAMisnamedSchemaFile_failsNamingIt() throws Exception {
    Path yaml = write("topic_mappings.yml", GPS_YAML);
    Files.createDirectories(dir.resolve("schemas"));
    Files.writeString(dir.resolve("schemas/gps.json"), "{}");

    CliRun run = CliRun.of(env, "import", yaml.toString(), "--schemas-dir", dir.resolve("schemas").toString());

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).contains(dir.resolve("schemas/gps.json") + ": schemas: file 'gps.json' follows neither"
        + " <category>/<source>/<datatype>[/<stage>]/<version>.json (e.g. device/sensor/gps/v2.json) nor"
        + " <topic>.<version>.json (e.g. device.sensor.gps.raw.v2.json)");
  }

  @Test
  void import_ofAnInvalidYaml_listsEveryProblemAndWritesNothing() throws Exception {
    Path yaml = write("topic_mappings.yml", GPS_YAML.replace("latitude: float", "latitude: flaot")
        .replace("table: device_sensor_gps_raw", "table: Device-GPS"));
    CliRun.of(env, "migrate");

    CliRun run = CliRun.of(env, "import", yaml.toString(), "--yes");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("loom import: invalid configuration from ").contains("flaot", "Device-GPS");
    assertThat(count("select count(*) from kafka_topics")).isZero();
  }

  @Test
  void export_givesBackWhatWasImported() throws Exception {
    Path sample = SampleConfiguration.copyTo(dir.resolve("sample"));
    assertThat(CliRun.of(env, "import", sample.toString(), "--yes").status()).isZero();

    CliRun toStdout = CliRun.of(env, "export");
    Path file = dir.resolve("out/exported.yml");
    Files.createDirectories(file.getParent());
    CliRun toFile = CliRun.of(env, "export", "--output", file.toString());

    assertThat(toStdout.status()).as(toStdout.err()).isZero();
    ConfigSnapshot exported = YamlMappingSource.parse(toStdout.out(), "exported.yml");
    assertThat(exported.fingerprint()).isEqualTo(SampleConfiguration.load().fingerprint());
    assertThat(toFile.status()).as(toFile.err()).isZero();
    assertThat(Files.readString(file)).isEqualTo(toStdout.out());
    assertThat(toFile.out()).startsWith("exported ").endsWith(" to " + file + "\n");
  }

  @Test
  void export_includesInactiveTopicsSoThatImportingItChangesNothing() throws Exception {
    Path yaml = write("topic_mappings.yml", GPS_YAML + """
          device.legacy.gps.raw:
            table: device_legacy_gps_raw
            description: GPS fixes of the retired tracker
            upsert_key: "device_id, timestamp"
            field_mappings:
              device_id: device_id
              timestamp: timestamp
              data.lat: lat
            data_types:
              timestamp: timestamp
              lat: float
            required_fields: [device_id, timestamp]
        """);
    assertThat(CliRun.of(env, "import", yaml.toString(), "--yes").status()).isZero();
    execute("update kafka_topics set is_active = false where topic_name = 'device.legacy.gps.raw'");
    List<String> tablesBefore = configurationTables();
    Path file = dir.resolve("exported.yml");

    CliRun export = CliRun.of(env, "export", "--output", file.toString());

    assertThat(export.status()).as(export.err()).isZero();
    ConfigSnapshot exported = YamlMappingSource.parse(Files.readString(file), "exported.yml");
    assertThat(exported.topics()).extracting(t -> t.topicName() + " active=" + t.active())
        .containsExactlyInAnyOrder("device.sensor.gps.raw active=true", "device.legacy.gps.raw active=false");
    assertThat(exported.mappedTopics()).containsExactlyInAnyOrder("device.sensor.gps.raw", "device.legacy.gps.raw");
    assertThat(exported.mapping("device.legacy.gps.raw").orElseThrow().table()).isEqualTo("device_legacy_gps_raw");
    assertThat(exported.mapping("device.legacy.gps.raw").orElseThrow().fields())
        .extracting(f -> f.sourcePath() + " -> " + f.targetColumn() + " " + f.dataType().name().toLowerCase())
        .containsExactly("device_id -> device_id string", "timestamp -> timestamp timestamp", "data.lat -> lat float");

    CliRun dryRun = CliRun.of(env, "import", file.toString());
    CliRun applied = CliRun.of(env, "import", file.toString(), "--yes");

    assertThat(dryRun.status()).as(dryRun.err()).isZero();
    assertThat(dryRun.out()).contains("No changes: the configuration tables already hold this configuration.")
        .doesNotContain("Dry run");
    assertThat(applied.status()).as(applied.err()).isZero();
    assertThat(applied.out()).contains("No changes: the configuration tables already hold this configuration.")
        .doesNotContain("Applied");
    assertThat(configurationTables()).isEqualTo(tablesBefore);
  }

  @Test
  void validate_database_checksTheConfigurationAndTheTargetTables() throws Exception {
    Path yaml = write("topic_mappings.yml", GPS_YAML);
    assertThat(CliRun.of(env, "import", yaml.toString(), "--yes").status()).isZero();

    // a missing table is created on the first write, unless that is turned off
    CliRun toBeCreated = CliRun.of(env, "validate", "--use-database-config");
    Map<String, String> strict = new java.util.HashMap<>(env);
    strict.put("LOOM_TABLES_CREATE_MISSING", "false");
    CliRun missingTable = CliRun.of(strict, "validate", "--use-database-config");
    execute("create table device_sensor_gps_raw (device_id text not null, timestamp timestamptz not null,"
        + " latitude double precision, primary key (device_id, timestamp))");
    CliRun ready = CliRun.of(strict, "validate", "--use-database-config");

    assertThat(toBeCreated.status()).as(toBeCreated.out() + toBeCreated.err()).isZero();
    assertThat(missingTable.status()).isEqualTo(1);
    assertThat(missingTable.out()).contains("table 'device_sensor_gps_raw' does not exist in the database");
    assertThat(ready.status()).as(ready.out() + ready.err()).isZero();
    assertThat(ready.out()).contains(" is valid: 1 mapped topics").contains("1 target tables checked");
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  /** Every row of the seven configuration tables and the revision counter, as JSON text in a fixed order. */
  private List<String> configurationTables() throws Exception {
    List<String> rows = new ArrayList<>();
    for (String table : List.of("kafka_topics", "kafka_topic_schemas", "pipeline_flows", "pipeline_stages",
        "pipeline_stage_topics", "topic_field_mappings", "topic_table_configs", "loom_config_revision")) {
      for (String row : strings("select to_jsonb(t)::text from " + table + " t order by 1")) {
        rows.add(table + " " + row);
      }
    }
    return rows;
  }

  private long count(String sql) throws Exception {
    try (Connection c = postgres.dataSource(database).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private List<String> strings(String sql) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = postgres.dataSource(database).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  private void execute(String sql) throws Exception {
    try (Connection c = postgres.dataSource(database).getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
