package io.loom.mapping.yaml.internal;

import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reading one document: turns nodes into {@code file.yml:LINE} locations and records problems and
 * locations in the shared {@link Diagnostics}.
 *
 * <p>Design note: every value the readers take goes through here or {@link YamlMap}, so the line
 * of every problem comes from SnakeYAML's node marks, and the rules for YAML types (which tags are
 * allowed, what a null is) are in one place.
 */
final class DocContext {
  /** The scalar tags a configuration may use; explicit tags such as {@code !!binary} are refused. */
  private static final Set<Tag> SCALAR_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);

  final ConfigDocument document;
  final Diagnostics diagnostics;
  final Dependencies dependencies;

  DocContext(ConfigDocument document, Diagnostics diagnostics, Dependencies dependencies) {
    this.document = document;
    this.diagnostics = diagnostics;
    this.dependencies = dependencies;
  }

  String location(Node node) {
    return node == null ? document.name() : document.name() + ":" + (node.getStartMark().getLine() + 1);
  }

  void problem(Node node, String path, String message) {
    diagnostics.problem(location(node), path, message);
  }

  void locate(String path, Node node) {
    diagnostics.locate(path, location(node));
  }

  /** Whether the node is absent or an explicit YAML null ({@code key:}, {@code ~}, {@code null}). */
  static boolean isNull(Node node) {
    return node == null || (node instanceof ScalarNode && node.getTag().equals(Tag.NULL));
  }

  /**
   * The raw text of a scalar value ({@code 30}, {@code yes} and {@code 1.50} are read as written), or
   * {@code null} for a YAML null. Reports a list, a mapping or an explicit tag as a problem.
   */
  String text(Node node, String path, String expected) {
    if (isNull(node)) {
      return null;
    }
    if (!(node instanceof ScalarNode scalar)) {
      problem(node, path, "expected " + expected + ", found " + describe(node));
      return null;
    }
    if (!SCALAR_TAGS.contains(scalar.getTag())) {
      problem(node, path, "the tag " + scalar.getTag() + " is not allowed; expected " + expected);
      return null;
    }
    return scalar.getValue();
  }

  /** A whole number, or {@code null} if absent; reports anything else. */
  Integer integer(Node node, String path) {
    String text = text(node, path, "a whole number");
    if (text == null) {
      return null;
    }
    try {
      return Integer.valueOf(text.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      problem(node, path, "expected a whole number, found '" + text + "'");
      return null;
    }
  }

  /** A number, or {@code null} if absent; reports anything else. */
  Double decimal(Node node, String path) {
    String text = text(node, path, "a number");
    if (text == null) {
      return null;
    }
    try {
      double value = Double.parseDouble(text.trim().replace("_", ""));
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problem(node, path, "expected a number, found '" + text + "'");
    return null;
  }

  /** {@code true} or {@code false} (also YAML's yes/no/on/off), or {@code null} if absent. */
  Boolean bool(Node node, String path) {
    String text = text(node, path, "true or false");
    if (text == null) {
      return null;
    }
    switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on":
        return Boolean.TRUE;
      case "false", "no", "off":
        return Boolean.FALSE;
      default:
        problem(node, path, "expected true or false, found '" + text + "'");
        return null;
    }
  }

  /** The items of a list, or {@code null} (with a problem) if the node is not a list; empty if absent. */
  List<Node> list(Node node, String path, String expected) {
    if (isNull(node)) {
      return List.of();
    }
    if (!(node instanceof SequenceNode sequence) || !sequence.getTag().equals(Tag.SEQ)) {
      problem(node, path, "expected " + expected + ", found "
          + (node instanceof SequenceNode ? "the tag " + node.getTag() : describe(node)));
      return null;
    }
    return sequence.getValue();
  }

  /** How a node looks, for messages: {@code a list}, {@code a mapping}, {@code the value 'x'}. */
  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof ScalarNode scalar) {
      return scalar.getTag().equals(Tag.NULL) ? "nothing" : "the value '" + abbreviate(scalar.getValue()) + "'";
    }
    return "nothing";
  }

  static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
