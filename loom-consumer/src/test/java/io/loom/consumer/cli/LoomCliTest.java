package io.loom.consumer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoomCliTest {
  @TempDir Path dir;

  @Test
  void help_listsEveryCommand() {
    CliRun run = CliRun.of("--help");

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("Usage: loom [-hV] [COMMAND]");
    assertThat(run.out().lines().map(String::strip))
        .anyMatch(l -> l.startsWith("run "))
        .anyMatch(l -> l.startsWith("migrate "))
        .anyMatch(l -> l.startsWith("import "))
        .anyMatch(l -> l.startsWith("export "))
        .anyMatch(l -> l.startsWith("validate "))
        .anyMatch(l -> l.startsWith("settings "));
    assertThat(run.err()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "migrate", "import", "export", "validate", "settings"})
  void everyCommand_hasHelp(String command) {
    CliRun run = CliRun.of(command, "--help");

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("Usage: loom " + command + " [OPTIONS]");
    assertThat(run.out()).contains("--config-file=FILE", "--verbose", "-h, --help");
  }

  @Test
  void runHelp_listsEverySettingFlagUnderItsGroup() {
    CliRun run = CliRun.of("run", "--help");

    assertThat(run.out()).contains("Configuration source settings:", "Database settings:", "Kafka settings:",
        "Batching and delivery settings:", "Admin HTTP API settings:", "Service settings:");
    for (io.loom.consumer.settings.Setting<?> s : io.loom.consumer.settings.Setting.all()) {
      assertThat(run.out()).contains(s.flag() + (s.typeName().equals("boolean") ? "[=BOOL]" : "="));
    }
    assertThat(run.out()).contains("--kafka-property=KEY=VALUE");
  }

  @Test
  void migrateHelp_listsOnlyTheDatabaseSettings() {
    CliRun run = CliRun.of("migrate", "--help");

    assertThat(run.out()).contains("--database-url=URL", "--database-password=TEXT").doesNotContain("--group-id");
  }

  @Test
  void version_isPrinted() {
    CliRun run = CliRun.of("--version");

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("loom ");
  }

  @Test
  void noCommand_isAUsageError() {
    CliRun run = CliRun.of();

    assertThat(run.status()).isEqualTo(LoomCli.USAGE);
    assertThat(run.err()).isEqualTo("loom: a command is required\nTry 'loom --help' for more information.\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void unknownOption_isAUsageErrorOnOneLine() {
    CliRun run = CliRun.of("settings", "--bogus");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("loom settings: Unknown option: '--bogus'\n"
        + "Try 'loom settings --help' for more information.\n");
  }

  @Test
  void misspeltOption_isSuggested() {
    CliRun run = CliRun.of("settings", "--group-di=x");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Possible solutions: --group-id");
  }

  @Test
  void invalidSettings_areAUsageErrorListingEveryProblem() {
    CliRun run = CliRun.of(Map.of("LOOM_BATCH_MAX_ROWS", "abc"), "settings", "--admin-port", "http");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("""
        loom settings: invalid settings (2 problems):
          - LOOM_BATCH_MAX_ROWS was 'abc' but it must be a positive integer
          - --admin-port was 'http' but it must be a port number from 0 to 65535 (0 picks a free port)
        Try 'loom settings --help' for the settings and their rules.
        """);
  }

  @Test
  void settings_followPrecedenceFlagOverFileOverEnvironment() throws IOException {
    Path file = dir.resolve("loom.properties");
    Files.writeString(file, "loom.kafka.group-id=from-file\nloom.batch.max-rows=10\n");

    CliRun run = CliRun.of(
        Map.of("KAFKA_GROUP_ID", "from-env", "LOOM_BATCH_MAX_ROWS", "5", "LOOM_ADMIN_PORT", "9000"),
        "settings", "--config-file", file.toString(), "--batch-max-rows=20");

    assertThat(run.status()).isZero();
    assertThat(run.out().lines())
        .anyMatch(l -> l.matches("loom\\.kafka\\.group-id +from-file  \\(file " + java.util.regex.Pattern.quote(file
            .toString()) + ":1: loom\\.kafka\\.group-id\\)"))
        .anyMatch(l -> l.matches("loom\\.batch\\.max-rows +20  \\(argument --batch-max-rows\\)"))
        .anyMatch(l -> l.matches("loom\\.admin\\.port +9000  \\(environment LOOM_ADMIN_PORT\\)"))
        .anyMatch(l -> l.matches("loom\\.batch\\.linger +200ms  \\(default\\)"))
        .anyMatch(l -> l.matches("loom\\.database\\.url +\\(not set\\)"));
  }

  @Test
  void configFileFromEnvironment_isRead() throws IOException {
    Path file = dir.resolve("loom.properties");
    Files.writeString(file, "loom.kafka.group-id=from-file\n");

    CliRun run = CliRun.of(Map.of("LOOM_CONFIG_FILE", file.toString()), "settings");

    assertThat(run.out().lines()).anyMatch(l -> l.matches("loom\\.kafka\\.group-id +from-file  \\(file .*"));
  }

  @Test
  void settings_masksSecrets() {
    CliRun run = CliRun.of(
        Map.of("LOOM_DATABASE_PASSWORD", "pa55word", "LOOM_KAFKA_CLIENT_SSL_KEY_PASSWORD", "kpw"),
        "settings", "--admin-token=t0ps3cret", "--database-url=postgresql://loom:hunter2@db/loom");

    assertThat(run.status()).isZero();
    assertThat(run.out()).doesNotContain("t0ps3cret", "hunter2", "pa55word", "kpw");
    assertThat(run.out().lines())
        .anyMatch(l -> l.matches("loom\\.admin\\.token +\\*\\*\\*\\*  \\(argument --admin-token\\)"))
        .anyMatch(l -> l.matches("loom\\.database\\.url +postgresql://loom:\\*\\*\\*\\*@db/loom  .*"))
        .anyMatch(l -> l.matches("loom\\.kafka\\.client\\.ssl\\.key\\.password +\\*\\*\\*\\*"));
  }

  @Test
  void settingsMarkdown_isTheRegistryTable() {
    CliRun run = CliRun.of("settings", "--markdown");

    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo(io.loom.consumer.settings.Setting.markdownTable());
  }

  @Test
  void booleanFlag_withoutValueMeansTrue() {
    CliRun run = CliRun.of("settings", "--use-database-config", "--database-url", "postgresql://db/loom");

    assertThat(run.status()).isZero();
    assertThat(run.out().lines()).anyMatch(l -> l.matches("loom\\.config\\.use-database +true  .*"));
  }

  @Test
  void run_withoutAnEngineOnTheClassPath_failsOnOneLine() {
    CliRun run = CliRun.of(Map.of("LOOM_ADMIN_PORT", "0"), "run");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("loom run: this build has no consumer engine: no"
        + " io.loom.consumer.admin.LoomServiceFactory is registered in META-INF/services\n");
  }

  @Test
  void verbose_addsTheStackTrace() {
    CliRun run = CliRun.of(Map.of("LOOM_ADMIN_PORT", "0"), "run", "--verbose");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err()).startsWith("loom run: this build has no consumer engine")
        .contains("io.loom.mapping.LoomException: this build has no consumer engine")
        .contains("\tat io.loom.consumer.cli.internal.RunCommand.execute");
  }
}
