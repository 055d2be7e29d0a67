package io.loom.consumer.cli.internal;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.TopicSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * JSON Schema files of a directory tree ({@code import --schemas-dir}), named {@code
 * <topic>.<version>.json} like {@code device.sensor.gps.raw.v2.json}, merged into a snapshot. Design
 * note: a schema the YAML already has is kept if the file says the same and refused if it differs; for a
 * topic whose schemas name no current version, the highest version becomes current, as the seed's
 * import did.
 */
final class SchemaFiles {
  static final Pattern NAME = Pattern.compile("(?<topic>[a-z0-9]+(?:\\.[a-z0-9]+){2,3})\\.(?<version>v\\d+)\\.json");

  private SchemaFiles() {}

  /**
   * The snapshot with the schemas of {@code dir} added.
   *
   * @throws InvalidConfigurationException listing every file that is misnamed, unreadable or conflicts
   * @throws LoomException if the directory cannot be listed
   */
  static ConfigSnapshot merge(ConfigSnapshot snapshot, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new LoomException("schemas directory " + dir + " does not exist or is not a directory");
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new LoomException("cannot list schemas directory " + dir + ": " + e.getMessage(), e);
    }
    List<ConfigProblem> problems = new ArrayList<>();
    Map<String, TopicSchema> byKey = new HashMap<>();
    for (TopicSchema s : snapshot.schemas()) {
      byKey.put(s.topicName() + "/" + s.version(), s);
    }
    List<TopicSchema> added = new ArrayList<>();
    for (Path file : files) {
      Matcher m = NAME.matcher(file.getFileName().toString());
      String location = file.toString();
      if (!m.matches()) {
        problems.add(new ConfigProblem(location, "schemas", "file name '" + file.getFileName()
            + "' does not follow <topic>.<version>.json, e.g. device.sensor.gps.raw.v2.json"));
        continue;
      }
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        problems.add(new ConfigProblem(location, "schemas", "cannot be read: " + e.getMessage()));
        continue;
      }
      TopicSchema schema = new TopicSchema(m.group("topic"), m.group("version"), text, file.toString(), false);
      String key = schema.topicName() + "/" + schema.version();
      TopicSchema existing = byKey.get(key);
      if (existing != null) {
        if (!existing.schemaJson().equals(schema.schemaJson())) {
          problems.add(new ConfigProblem(location, "schemas[" + key + "]", "schema " + key
              + " is also in the YAML configuration with different content; keep one of them"));
        }
        continue;
      }
      byKey.put(key, schema);
      added.add(schema);
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(dir.toString(), problems);
    }
    List<TopicSchema> all = new ArrayList<>(snapshot.schemas());
    all.addAll(added);
    return new ConfigSnapshot(snapshot.topics(), markCurrent(all), snapshot.mappings(), snapshot.flows());
  }

  /** For each topic without a current schema, the highest version becomes current. */
  private static List<TopicSchema> markCurrent(List<TopicSchema> schemas) {
    Map<String, TopicSchema> highest = new HashMap<>();
    Map<String, Boolean> hasCurrent = new HashMap<>();
    for (TopicSchema s : schemas) {
      hasCurrent.merge(s.topicName(), s.current(), Boolean::logicalOr);
      highest.merge(s.topicName(), s, (a, b) -> versionNumber(a) >= versionNumber(b) ? a : b);
    }
    List<TopicSchema> result = new ArrayList<>();
    for (TopicSchema s : schemas) {
      boolean makeCurrent = !hasCurrent.get(s.topicName()) && highest.get(s.topicName()) == s;
      result.add(makeCurrent ? new TopicSchema(s.topicName(), s.version(), s.schemaJson(), s.schemaPath(), true) : s);
    }
    return result;
  }

  private static long versionNumber(TopicSchema s) {
    String digits = s.version().replaceAll("\\D", "");
    return digits.isEmpty() || digits.length() > 18 ? -1 : Long.parseLong(digits);
  }
}
