package io.loom.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loom.testsupport.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start as {@code ./quickstart} runs it: {@code java -jar target/loom-quickstart.jar} in a child
 * process (its manifest class path, its own PostgreSQL and broker), stopped the way Ctrl-C stops it.
 */
class QuickStartJarIT {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADMIN = Pattern.compile("Admin API +(http://\\S+)");

  @TempDir
  Path dir;

  @Test
  void jar_startsEverythingFillsTheTablesAndStopsCleanlyOnSigterm() throws Exception {
    Path jar = Path.of(System.getProperty("loom.quickstart.jar", "target/loom-quickstart.jar"));
    assertThat(jar).as("the quick start jar is built by 'mvn package'").isRegularFile();
    Path work = dir.resolve("services");
    Path output = dir.resolve("out.txt");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), "--port", String.valueOf(FreePorts.find()), "--rate", "300", "--dir", work.toString())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    try {
      URI admin = await().atMost(Duration.ofMinutes(2)).until(() -> adminUri(output), u -> u != null);

      await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
        HttpResponse<String> status = HTTP.send(HttpRequest.newBuilder(admin.resolve("/status")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(status.body());
        assertThat(body.get("state").asText()).isEqualTo("running");
        assertThat(body.get("topics")).hasSize(10);
        assertThat(body.get("rows_total").asLong()).isGreaterThan(500);
      });
      assertThat(HTTP.send(HttpRequest.newBuilder(admin.resolve("/readyz")).GET().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

      process.destroy();
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the quick start stops within 2 minutes of SIGTERM").isTrue();
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      assertThat(lines).contains("Loom quick start stopped; its database and broker files are deleted (the unpacked"
          + " PostgreSQL binaries stay in " + work + " for the next start).");
      // what stays is the cache of unpacked PostgreSQL binaries, no data directory or broker log
      try (var left = Files.list(work)) {
        assertThat(left.map(p -> p.getFileName().toString())).allSatisfy(name -> assertThat(name).startsWith("PG-"));
      }
      try (var binaries = Files.list(work)) {
        for (Path pg : binaries.toList()) {
          assertThat(pg.resolve("bin")).isDirectory();
        }
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static URI adminUri(Path output) throws IOException {
    if (!Files.exists(output)) {
      return null;
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(output), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        Matcher m = ADMIN.matcher(line);
        if (m.find()) {
          return URI.create(m.group(1));
        }
      }
    }
    return null;
  }
}
