package io.loom.consumer.cli.internal;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.TopicDefinition;
import io.loom.mapping.TopicSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * JSON Schema files of a directory tree ({@code import --schemas-dir}) merged into a snapshot. Three layouts
 * are read, and may be mixed:
 *
 * <ul>
 *   <li>a topic's own directory: {@code <category>/<source>/<datatype>/<stage>/<version>.json} is version
 *       {@code <version>} of topic {@code <category>.<source>.<datatype>.<stage>} (e.g. {@code
 *       device/sensor/gps/raw/v2.json} is {@code v2} of {@code device.sensor.gps.raw});
 *   <li>flat: {@code <topic>.<version>.json} anywhere in the tree, e.g. {@code device.sensor.gps.raw.v2.json};
 *   <li>a datatype's directory, as the seed keeps them: {@code <category>/<source>/<datatype>/<version>.json}
 *       belongs to the configured topics whose category, source and datatype are those three segments
 *       (their {@link TopicDefinition} fields). If a topic named {@code <category>.<source>.<datatype>} is
 *       configured, the directory is that topic's alone. Otherwise its schemas go to every matching topic
 *       that has no schema file of its own in the two layouts above; so {@code device/sensor/gps/v1.json}
 *       is {@code v1} of {@code device.sensor.gps.raw} and of {@code device.sensor.gps.processed}, unless
 *       one of them has its own directory {@code device/sensor/gps/raw/}. A datatype's directory that
 *       reaches no topic (none configured, or each has files of its own) is refused, naming the file.
 * </ul>
 *
 * <p>The configured topics are those of the snapshot's registry and those its mappings, schemas and
 * pipeline stages name (as {@code import} registers them). Versions are {@code v} and a number. The
 * schema's {@code schema_path} is the file's path relative to the directory given, with {@code /}
 * separators. The current version of a topic is, in this order: the one the YAML marks current; else the
 * one named by a {@code current} file (its text is the version, e.g. {@code v1}) in the topic's own
 * directory, else in the datatype's directory it takes its schemas from; else the highest version number.
 * A {@code current} file contradicting the YAML, or naming a version that does not exist, is refused.
 *
 * <p>Design note: the tree is walked once to classify every file and learn which topics have files of
 * their own, then each datatype directory is resolved once, then files are read and merged in path order.
 * A schema the YAML already has is kept if the file says the same and refused if it differs; every
 * problem of the tree is reported at once, and nothing is merged if there is one.
 */
final class SchemaFiles {
  static final Pattern NAME = Pattern.compile("(?<topic>[a-z0-9]+(?:\\.[a-z0-9]+){2,3})\\.(?<version>v\\d+)\\.json");
  private static final Pattern VERSION_FILE = Pattern.compile("(?<version>v\\d+)\\.json");
  private static final Pattern SEGMENT = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final Pattern VERSION = Pattern.compile("v\\d+");
  private static final int MAX_CLOSE_TOPICS = 5;
  static final String CURRENT_MARKER = "current";

  private SchemaFiles() {}

  /** {@link #merge(ConfigSnapshot, Path, List)}, dropping the notes. */
  static ConfigSnapshot merge(ConfigSnapshot snapshot, Path dir) {
    return merge(snapshot, dir, new ArrayList<>());
  }

  /**
   * The snapshot with the schemas of {@code dir} added.
   *
   * @param notes receives one line per topic that a datatype's directory was resolved for, saying which
   *     schemas it takes, or that it keeps its own
   * @throws InvalidConfigurationException listing every file that is misnamed, unreadable, conflicts or
   *     belongs to no configured topic
   * @throws LoomException if the directory cannot be listed
   */
  static ConfigSnapshot merge(ConfigSnapshot snapshot, Path dir, List<String> notes) {
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
    List<Entry> entries = classify(dir, files, problems);

    Set<String> owned = new HashSet<>();
    Map<String, List<Entry>> datatypeDirs = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (e.datatypeDir() == null) {
        if (!e.marker()) {
          owned.add(e.topic());
        }
      } else {
        datatypeDirs.computeIfAbsent(e.datatypeDir(), d -> new ArrayList<>()).add(e);
      }
    }
    List<TopicDefinition> configured =
        ImportCommand.registerMissingTopics(snapshot, new ArrayList<>()).topics();
    Map<String, List<String>> targets = new HashMap<>();
    datatypeDirs.forEach((datatypeDir, inDir) ->
        targets.put(datatypeDir, resolve(datatypeDir, inDir, configured, owned, notes, problems)));

    Map<String, TopicSchema> byKey = new HashMap<>();
    for (TopicSchema s : snapshot.schemas()) {
      byKey.put(s.topicName() + "/" + s.version(), s);
    }
    List<TopicSchema> added = new ArrayList<>();
    Map<String, Marker> ownMarkers = new LinkedHashMap<>();
    Map<String, Marker> sharedMarkers = new LinkedHashMap<>();
    for (Entry e : entries) {
      List<String> topics = e.datatypeDir() == null ? List.of(e.topic()) : targets.get(e.datatypeDir());
      if (topics.isEmpty()) {
        continue;
      }
      String text = read(e.file(), e.location(), problems);
      if (text == null) {
        continue;
      }
      for (String topic : topics) {
        if (e.marker()) {
          (e.datatypeDir() == null ? ownMarkers : sharedMarkers).put(topic, new Marker(text.strip(), e.location()));
        } else {
          add(new TopicSchema(topic, e.version(), text, e.rel(), false), e.location(), byKey, added, problems);
        }
      }
    }
    Map<String, Marker> markers = new LinkedHashMap<>(sharedMarkers);
    markers.putAll(ownMarkers);
    List<TopicSchema> all = new ArrayList<>(snapshot.schemas());
    all.addAll(added);
    List<TopicSchema> marked = markCurrent(all, markers, problems);
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(dir.toString(), problems);
    }
    return new ConfigSnapshot(snapshot.topics(), marked, snapshot.mappings(), snapshot.flows());
  }

  /**
   * One file of the tree: a schema version or a {@code current} marker, either of a named topic ({@code
   * datatypeDir} null) or of a datatype's directory ({@code topic} null).
   */
  private record Entry(Path file, String rel, String location, String topic, String datatypeDir, String version,
      boolean marker) {}

  private record Marker(String version, String location) {}

  private static List<Entry> classify(Path dir, List<Path> files, List<ConfigProblem> problems) {
    List<Entry> entries = new ArrayList<>();
    for (Path file : files) {
      String rel = relative(dir, file);
      String location = file.toString();
      String name = file.getFileName().toString();
      String[] parts = rel.split("/");
      boolean nested = (parts.length == 4 || parts.length == 5) && segmentsValid(parts);
      String topic = nested && parts.length == 5 ? topic(parts) : null;
      String datatypeDir = nested && parts.length == 4 ? rel.substring(0, rel.length() - name.length()) : null;
      if (name.equals(CURRENT_MARKER)) {
        if (!nested) {
          problems.add(new ConfigProblem(location, "schemas", "a current-version file belongs in a topic's directory,"
              + " <category>/<source>/<datatype>[/<stage>]/current, not at '" + rel + "'"));
        } else {
          entries.add(new Entry(file, rel, location, topic, datatypeDir, null, true));
        }
        continue;
      }
      Matcher versionFile = VERSION_FILE.matcher(name);
      Matcher flat = NAME.matcher(name);
      if (nested && versionFile.matches()) {
        entries.add(new Entry(file, rel, location, topic, datatypeDir, versionFile.group("version"), false));
      } else if (flat.matches()) {
        entries.add(new Entry(file, rel, location, flat.group("topic"), null, flat.group("version"), false));
      } else {
        problems.add(new ConfigProblem(location, "schemas", "file '" + rel + "' follows neither"
            + " <category>/<source>/<datatype>[/<stage>]/<version>.json (e.g. device/sensor/gps/v2.json) nor"
            + " <topic>.<version>.json (e.g. device.sensor.gps.raw.v2.json)"));
      }
    }
    return entries;
  }

  /**
   * The topics a datatype's directory ({@code <category>/<source>/<datatype>/}) belongs to: the topic of
   * that exact name if configured, else every configured topic of that category, source and datatype
   * without schema files of its own. Adds a note per matching topic, or a problem per file if none.
   */
  private static List<String> resolve(String datatypeDir, List<Entry> inDir, List<TopicDefinition> configured,
      Set<String> owned, List<String> notes, List<ConfigProblem> problems) {
    String[] segments = datatypeDir.split("/");
    String category = segments[0];
    String source = segments[1];
    String datatype = segments[2];
    String exact = category + "." + source + "." + datatype;
    if (configured.stream().anyMatch(t -> t.topicName().equals(exact))) {
      return List.of(exact);
    }
    List<String> matching = configured.stream()
        .filter(t -> category.equals(t.category()) && source.equals(t.source()) && datatype.equals(t.datatype()))
        .map(TopicDefinition::topicName)
        .sorted()
        .toList();
    String fields = "category '" + category + "', source '" + source + "' and datatype '" + datatype + "'";
    if (matching.isEmpty()) {
      List<String> close = configured.stream()
          .filter(t -> (category.equals(t.category()) ? 1 : 0) + (source.equals(t.source()) ? 1 : 0)
              + (datatype.equals(t.datatype()) ? 1 : 0) == 2)
          .map(TopicDefinition::topicName)
          .sorted()
          .toList();
      String closest = close.isEmpty() ? ""
          : "; the closest configured topics are " + String.join(", ", close.subList(0, Math.min(close.size(),
              MAX_CLOSE_TOPICS))) + (close.size() > MAX_CLOSE_TOPICS ? " and " + (close.size() - MAX_CLOSE_TOPICS)
              + " more" : "");
      refuseAll(inDir, "belongs to no configured topic: no topic has " + fields + closest
          + "; configure the topic, or give the file the topic's own directory"
          + " <category>/<source>/<datatype>/<stage>/", problems);
      return List.of();
    }
    List<String> free = matching.stream().filter(t -> !owned.contains(t)).toList();
    if (free.isEmpty()) {
      refuseAll(inDir, "belongs to no topic: every configured topic with " + fields + " has schema files of its"
          + " own (" + String.join(", ", matching) + "); move the file into the directory of the topic it"
          + " describes, or remove it", problems);
      return List.of();
    }
    List<String> contents = new ArrayList<>(inDir.stream().filter(e -> !e.marker()).map(Entry::version).toList());
    if (inDir.stream().anyMatch(Entry::marker)) {
      contents.add(CURRENT_MARKER);
    }
    for (String topic : matching) {
      notes.add(owned.contains(topic)
          ? "schemas in " + datatypeDir + " do not apply to topic " + topic + ", which has schema files of its own"
          : "schemas in " + datatypeDir + " (" + String.join(", ", contents) + ") apply to topic " + topic);
    }
    return free;
  }

  private static void refuseAll(List<Entry> inDir, String why, List<ConfigProblem> problems) {
    for (Entry e : inDir) {
      problems.add(new ConfigProblem(e.location(), "schemas", "file '" + e.rel() + "' " + why));
    }
  }

  private static void add(TopicSchema schema, String location, Map<String, TopicSchema> byKey,
      List<TopicSchema> added, List<ConfigProblem> problems) {
    String key = schema.topicName() + "/" + schema.version();
    TopicSchema existing = byKey.get(key);
    if (existing != null) {
      if (!existing.schemaJson().equals(schema.schemaJson())) {
        problems.add(new ConfigProblem(location, "schemas[" + key + "]", "schema " + key
            + (added.contains(existing)
                ? " is also in " + existing.schemaPath() + " with different content; keep one of them"
                : " is also in the YAML configuration with different content; keep one of them")));
      }
      return;
    }
    byKey.put(key, schema);
    added.add(schema);
  }

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
    return String.join(".", Arrays.asList(parts).subList(0, parts.length - 1));
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
