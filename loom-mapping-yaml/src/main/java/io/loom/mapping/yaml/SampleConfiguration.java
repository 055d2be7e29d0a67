package io.loom.mapping.yaml;

import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.LoomException;
import io.loom.mapping.MappingSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The sample configuration shipped in this jar: ten device topics ({@code device.audio.raw}, {@code
 * device.sensor.gps.raw}, ..., {@code device.sensor.telemetry.raw}, the reference benchmark workload)
 * with their tables, versioned JSON Schemas and three pipeline flows, in the canonical YAML shape.
 * Used by the quick start, tests and benchmarks.
 *
 * <pre>{@code
 * ConfigSnapshot sample = SampleConfiguration.load();
 * Path file = SampleConfiguration.copyTo(Path.of("config"));   // an editable, watchable copy
 * }</pre>
 */
public final class SampleConfiguration {
  /** The class-path resource of the sample's main file. */
  public static final String RESOURCE = "io/loom/mapping/yaml/sample/loom-sample.yml";

  /** The sample's files relative to its directory: the main file and the JSON Schemas it includes. */
  static final List<String> FILES = List.of(
      "loom-sample.yml",
      "schemas/device.sensor.gps.raw.v1.json",
      "schemas/device.sensor.gps.raw.v2.json",
      "schemas/device.sensor.telemetry.raw.v1.json");

  private static final String DIRECTORY = RESOURCE.substring(0, RESOURCE.lastIndexOf('/') + 1);

  private SampleConfiguration() {}

  /** The sample, read and validated. */
  public static ConfigSnapshot load() {
    try (MappingSource source = source()) {
      return source.load();
    }
  }

  /** A source over the sample on the class path (it never changes). */
  public static MappingSource source() {
    return YamlMappingSource.classpath(RESOURCE);
  }

  /** The location to give {@code MappingSources.open}: {@code yaml:classpath:io/loom/.../loom-sample.yml}. */
  public static String location() {
    return "yaml:classpath:" + RESOURCE;
  }

  /** The sample's main file as text. */
  public static String text() {
    return new String(read(FILES.get(0)), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Copies the sample's files into {@code directory} (created if needed; existing sample files are
   * replaced) so that it can be edited and watched.
   *
   * @return the copied main file
   */
  public static Path copyTo(Path directory) {
    try {
      for (String file : FILES) {
        Path target = directory.resolve(file);
        Files.createDirectories(target.getParent());
        Files.write(target, read(file));
      }
    } catch (IOException e) {
      throw new LoomException("cannot copy the sample configuration to " + directory + ": " + e, e);
    }
    return directory.resolve(FILES.get(0));
  }

  private static byte[] read(String file) {
    try (InputStream in = SampleConfiguration.class.getClassLoader().getResourceAsStream(DIRECTORY + file)) {
      if (in == null) {
        throw new LoomException("the sample configuration file " + DIRECTORY + file + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new LoomException("cannot read the sample configuration file " + DIRECTORY + file + ": " + e, e);
    }
  }
}
