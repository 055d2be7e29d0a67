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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * JSON Schema files of a directory tree ({@code import --schemas-dir}) merged into a snapshot. Two layouts
 * are read, and may be mixed:
 *
 * <ul>
 *   <li>nested, as the seed keeps them: {@code <category>/<source>/<datatype>/<version>.json} is version
 *       {@code <version>} of topic {@code <category>.<source>.<datatype>}, and {@code
 *       <category>/<source>/<datatype>/<stage>/<version>.json} of topic {@code
 *       <category>.<source>.<datatype>.<stage>} (e.g. {@code device/sensor/gps/raw/v2.json} is {@code v2} of
 *       {@code device.sensor.gps.raw});
 *   <li>flat: {@code <topic>.<version>.json} anywhere in the tree, e.g. {@code device.sensor.gps.raw.v2.json}.
 * </ul>
 *
 * <p>Versions are {@code v} and a number. The schema's {@code schema_path} is the file's path relative to
 * the directory given, with {@code /} separators. The current version of a topic is, in this order: the
 * one the YAML marks current; else the one named by a {@code current} file (its text is the version, e.g.
 * {@code v1}) in the topic's directory of the nested layout; else the highest version number. A {@code
 * current} file contradicting the YAML, or naming a version that does not exist, is refused.
 *
 * <p>Design note: a schema the YAML already has is kept if the file says the same and refused if it
 * differs; every problem of the tree is reported at once, and nothing is merged if there is one.
 */
final class SchemaFiles {
  static final Pattern NAME = Pattern.compile("(?<topic>[a-z0-9]+(?:\\.[a-z0-9]+){2,3})\\.(?<version>v\\d+)\\.json");
  private static final Pattern VERSION_FILE = Pattern.compile("(?<version>v\\d+)\\.json");
  private static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final Pattern VERSION = Pattern.compile("v\\d+");
  static final String CURRENT_MARKER = "current";

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
      files = walk.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".json") || p.getFileName().toString().equals(CURRENT_MARKER))
          .sorted(Comparator.comparing(p -> relative(dir, p)))
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
    Map<String, Marker> markers = new LinkedHashMap<>();
    for (Path file : files) {
      String rel = relative(dir, file);
      String location = file.toString();
      String[] parts = rel.split("/");
      String topic;
      String version;
      Matcher flat = NAME.matcher(file.getFileName().toString());
      boolean nested = (parts.length == 4 || parts.length == 5) && segmentsValid(parts);
      if (file.getFileName().toString().equals(CURRENT_MARKER)) {
        if (!(parts.length == 4 || parts.length == 5) || !segmentsValid(parts)) {
          problems.add(new ConfigProblem(location, "schemas", "a current-version file belongs in a topic's directory,"
              + " <category>/<source>/<datatype>[/<stage>]/current, not at '" + rel + "'"));
          continue;
        }
        String text = read(file, location, problems);
        if (text != null) {
          markers.put(topic(parts), new Marker(text.strip(), location));
        }
        continue;
      }
      Matcher versionFile = VERSION_FILE.matcher(file.getFileName().toString());
      if (nested && versionFile.matches()) {
        topic = topic(parts);
        version = versionFile.group("version");
      } else if (flat.matches()) {
        topic = flat.group("topic");
        version = flat.group("version");
      } else {
        problems.add(new ConfigProblem(location, "schemas", "file '" + rel + "' follows neither"
            + " <category>/<source>/<datatype>[/<stage>]/<version>.json (e.g. device/sensor/gps/v2.json) nor"
            + " <topic>.<version>.json (e.g. device.sensor.gps.raw.v2.json)"));
        continue;
      }
      String text = read(file, location, problems);
      if (text == null) {
        continue;
      }
      TopicSchema schema = new TopicSchema(topic, version, text, rel, false);
      String key = topic + "/" + version;
      TopicSchema existing = byKey.get(key);
      if (existing != null) {
        if (!existing.schemaJson().equals(schema.schemaJson())) {
          problems.add(new ConfigProblem(location, "schemas[" + key + "]", "schema " + key
              + (added.contains(existing)
                  ? " is also in " + existing.schemaPath() + " with different content; keep one of them"
                  : " is also in the YAML configuration with different content; keep one of them")));
        }
        continue;
      }
      byKey.put(key, schema);
      added.add(schema);
    }
    List<TopicSchema> all = new ArrayList<>(snapshot.schemas());
    all.addAll(added);
    List<TopicSchema> marked = markCurrent(all, markers, problems);
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(dir.toString(), problems);
    }
    return new ConfigSnapshot(snapshot.topics(), marked, snapshot.mappings(), snapshot.flows());
  }

  private record Marker(String version, String location) {}

  private static String relative(Path dir, Path file) {
    return dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  private static boolean segmentsValid(String[] parts) {
    for (int i = 0; i < parts.length - 1; i++) {
      if (!SEGMENT.matcher(parts[i]).matches()) {
        return false;
      }
    }
    return true;
  }

  private static String topic(String[] parts) {
    return String.join(".", java.util.Arrays.asList(parts).subList(0, parts.length - 1));
  }

  private static String read(Path file, String location, List<ConfigProblem> problems) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(new ConfigProblem(location, "schemas", "cannot be read: " + e.getMessage()));
      return null;
    }
  }

  /**
   * Marks each topic's current version: the YAML's if it has one, else its {@code current} file's, else
   * the highest version number.
   */
  private static List<TopicSchema> markCurrent(
      List<TopicSchema> schemas, Map<String, Marker> markers, List<ConfigProblem> problems) {
    Map<String, TopicSchema> highest = new HashMap<>();
    Map<String, String> yamlCurrent = new HashMap<>();
    Map<String, List<String>> versions = new LinkedHashMap<>();
    for (TopicSchema s : schemas) {
      if (s.current()) {
        yamlCurrent.put(s.topicName(), s.version());
      }
      versions.computeIfAbsent(s.topicName(), t -> new ArrayList<>()).add(s.version());
      highest.merge(s.topicName(), s, (a, b) -> versionNumber(a) >= versionNumber(b) ? a : b);
    }
    Map<String, String> chosen = new HashMap<>();
    markers.forEach((topic, marker) -> {
      List<String> known = versions.getOrDefault(topic, List.of());
      if (!VERSION.matcher(marker.version()).matches() || !known.contains(marker.version())) {
        problems.add(new ConfigProblem(marker.location(), "schemas[" + topic + "].current", "names version '"
            + marker.version() + "', but topic " + topic + " has " + (known.isEmpty() ? "no schema versions"
                : "only " + String.join(", ", known))));
      } else if (yamlCurrent.containsKey(topic) && !yamlCurrent.get(topic).equals(marker.version())) {
        problems.add(new ConfigProblem(marker.location(), "schemas[" + topic + "].current", "names version '"
            + marker.version() + "', but the YAML configuration makes " + yamlCurrent.get(topic)
            + " current; keep one of them"));
      } else {
        chosen.put(topic, marker.version());
      }
    });
    List<TopicSchema> result = new ArrayList<>();
    for (TopicSchema s : schemas) {
      String topic = s.topicName();
      boolean makeCurrent = !yamlCurrent.containsKey(topic) && (chosen.containsKey(topic)
          ? chosen.get(topic).equals(s.version())
          : highest.get(topic) == s);
      result.add(makeCurrent ? new TopicSchema(topic, s.version(), s.schemaJson(), s.schemaPath(), true) : s);
    }
    return result;
  }

  private static long versionNumber(TopicSchema s) {
    String digits = s.version().replaceAll("\\D", "");
    return digits.isEmpty() || digits.length() > 18 ? -1 : Long.parseLong(digits);
  }
}
