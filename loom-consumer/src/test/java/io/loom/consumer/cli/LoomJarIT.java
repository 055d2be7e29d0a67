package io.loom.consumer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loom.consumer.settings.Setting;
import io.loom.mapping.yaml.SampleConfiguration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
