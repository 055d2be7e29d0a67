package io.loom.mapping.yaml.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping of the configuration ({@code key: value} lines) being read key by key.
 *
 * <p>Design note: opening a mapping reports, at their own lines, keys that are not plain names,
 * keys written twice and keys the format does not know (suggesting the closest known key, so {@code
 * data_typ} says "did you mean 'data_type'"), and records the location of every key under {@code
 * path.key} for the validator's locator.
 */
final class YamlMap {
  final DocContext doc;
  final MappingNode node;
  final String path;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

  private YamlMap(DocContext doc, MappingNode node, String path) {
    this.doc = doc;
    this.node = node;
    this.path = path;
    Map<String, Node> firstKey = new LinkedHashMap<>();
    for (NodeTuple tuple : node.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
        doc.problem(keyNode, path.isEmpty() ? "document" : path, "a key must be a plain name, found " + DocContext.describe(keyNode));
        continue;
      }
      String key = scalar.getValue();
      Node first = firstKey.putIfAbsent(key, keyNode);
      if (first != null) {
        doc.problem(keyNode, child(key), "key '" + key + "' is written twice in this mapping (first at line "
            + (first.getStartMark().getLine() + 1) + "); keep one");
        continue;
      }
      entries.put(key, tuple);
      doc.locate(child(key), keyNode);
    }
  }

  /**
   * Opens {@code node} as a mapping, or reports what was found instead and returns {@code null}.
   *
   * @param expected what the mapping is, for the message: {@code "a field mapping"}
   */
  static YamlMap open(DocContext doc, Node node, String path, String expected) {
    if (!(node instanceof MappingNode mapping) || !mapping.getTag().equals(Tag.MAP)) {
      String found = node instanceof MappingNode ? "the tag " + node.getTag() : DocContext.describe(node);
      doc.problem(node, path.isEmpty() ? "document" : path, "expected " + expected + " (key: value lines), found "
          + found);
      return null;
    }
    return new YamlMap(doc, mapping, path);
  }

  /** Reports every key that is not in {@code known}, suggesting the closest known key. */
  YamlMap allowOnly(List<String> known) {
    return allowOnly(known, key -> false);
  }

  /** Like {@link #allowOnly(List)}, also accepting keys {@code extra} accepts. */
  YamlMap allowOnly(List<String> known, java.util.function.Predicate<String> extra) {
    for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
      String key = e.getKey();
      if (!known.contains(key) && !extra.test(key)) {
        String suggestion = closest(key, known);
        doc.problem(e.getValue().getKeyNode(), child(key), "unknown key '" + key + "'"
            + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)") + "; expected one of "
            + String.join(", ", known));
      }
    }
    return this;
  }

  /** The logical path of a key of this mapping: {@code mappings[t].table_name}, or {@code topics} at the top. */
  String child(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    return entries.containsKey(key);
  }

  /** The value node of {@code key}, or {@code null} if the key is absent. */
  Node value(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple == null ? null : tuple.getValueNode();
  }

  /** The key node of {@code key} (where the key is written), or the mapping itself if absent. */
  Node keyNode(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple == null ? node : tuple.getKeyNode();
  }

  /** The keys, in document order. */
  java.util.Set<String> keys() {
    return entries.keySet();
  }

  String location(String key) {
    return doc.location(keyNode(key));
  }

  /** Records that logical path {@code logical} is written at {@code key} (or at the mapping if absent). */
  void locateAs(String logical, String key) {
    doc.locate(logical, keyNode(key));
  }

  void problem(String key, String message) {
    doc.problem(keyNode(key), child(key), message);
  }

  String text(String key) {
    return doc.text(value(key), child(key), "text");
  }

  /** Text that must be there: reports {@code <key> is missing} and returns {@code null} otherwise. */
  String requiredText(String key, String why) {
    String text = text(key);
    if (text == null && !hasProblemValue(key)) {
      doc.problem(has(key) ? keyNode(key) : node, child(key), key + " is missing; " + why);
    }
    return text;
  }

  /** Whether the key holds something that is not a null scalar (reported elsewhere if wrong). */
  private boolean hasProblemValue(String key) {
    return has(key) && !DocContext.isNull(value(key));
  }

  Integer integer(String key) {
    return doc.integer(value(key), child(key));
  }

  int integer(String key, int defaultValue) {
    Integer value = integer(key);
    return value == null ? defaultValue : value;
  }

  Double decimal(String key) {
    return doc.decimal(value(key), child(key));
  }

  boolean bool(String key, boolean defaultValue) {
    Boolean value = doc.bool(value(key), child(key));
    return value == null ? defaultValue : value;
  }

  /**
   * A configuration name ({@code data_type: float}) parsed by {@code parser}; reports {@code <what>
   * '<value>' is unknown; expected one of <known>}. Returns {@code null} if absent or unknown.
   */
  <E> E name(String key, Function<String, java.util.Optional<E>> parser, String what, String known) {
    String text = text(key);
    if (text == null) {
      return null;
    }
    java.util.Optional<E> parsed = parser.apply(text);
    if (parsed.isEmpty()) {
      doc.problem(value(key), child(key), what + " '" + text + "' is unknown; expected one of " + known);
      return null;
    }
    return parsed.get();
  }

  /** The closest of {@code known} to {@code key} within a few edits, or {@code null}. */
  static String closest(String key, List<String> known) {
    return io.loom.mapping.internal.Suggestions.closest(key, known, Math.max(1, Math.min(3, key.length() / 3))).orElse(null);
  }
}
