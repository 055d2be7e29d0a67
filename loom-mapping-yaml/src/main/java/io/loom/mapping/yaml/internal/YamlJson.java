package io.loom.mapping.yaml.internal;

import io.loom.mapping.internal.CanonicalJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * JSON written as YAML ({@code schema_json}, a stage's {@code configuration}, a structured {@code
 * default_value}) turned into canonical JSON text.
 *
 * <p>Design note: scalars are typed by their resolved YAML tag (a plain {@code 16000} is a number, a
 * quoted {@code "16000"} a string); YAML timestamps stay text as written. What JSON cannot hold (a
 * {@code .nan}, a list used as a key, an explicit tag, a structure that contains itself through an
 * alias) is reported at its line.
 */
final class YamlJson {
  private static final int MAX_DEPTH = 64;

  private final DocContext doc;
  private final String path;
  private final IdentityHashMap<Node, Boolean> open = new IdentityHashMap<>();
  private boolean failed;

  private YamlJson(DocContext doc, String path) {
    this.doc = doc;
    this.path = path;
  }

  /** The canonical JSON text of {@code node}, or {@code null} after reporting why it is not JSON. */
  static String toJson(DocContext doc, Node node, String path) {
    YamlJson converter = new YamlJson(doc, path);
    Object value = converter.convert(node, 0);
    return converter.failed ? null : CanonicalJson.write(value);
  }

  private Object convert(Node node, int depth) {
    if (failed) {
      return null;
    }
    if (depth > MAX_DEPTH || open.containsKey(node)) {
      fail(node, depth > MAX_DEPTH ? "nested deeper than " + MAX_DEPTH + " levels" : "contains itself through an alias");
      return null;
    }
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar);
    }
    open.put(node, Boolean.TRUE);
    try {
      if (node instanceof SequenceNode sequence) {
        if (!sequence.getTag().equals(Tag.SEQ)) {
          fail(node, "the tag " + sequence.getTag() + " is not allowed in JSON");
          return null;
        }
        List<Object> list = new ArrayList<>();
        for (Node item : sequence.getValue()) {
          list.add(convert(item, depth + 1));
        }
        return list;
      }
      MappingNode mapping = (MappingNode) node;
      if (!mapping.getTag().equals(Tag.MAP)) {
        fail(node, "the tag " + mapping.getTag() + " is not allowed in JSON");
        return null;
      }
      Map<String, Object> map = new TreeMap<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
          fail(tuple.getKeyNode(), "a JSON object key must be text, found " + DocContext.describe(tuple.getKeyNode()));
          return null;
        }
        map.put(key.getValue(), convert(tuple.getValueNode(), depth + 1));
      }
      return map;
    } finally {
      open.remove(node);
    }
  }

  private Object scalar(ScalarNode scalar) {
    String text = scalar.getValue();
    Tag tag = scalar.getTag();
    if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP)) {
      return text;
    }
    if (tag.equals(Tag.NULL)) {
      return null;
    }
    if (tag.equals(Tag.BOOL)) {
      String t = text.toLowerCase(Locale.ROOT);
      return t.equals("true") || t.equals("yes") || t.equals("on");
    }
    if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
      BigDecimal number = number(text, tag.equals(Tag.INT));
      if (number == null) {
        fail(scalar, "'" + text + "' is not a number JSON can hold");
      }
      return number;
    }
    fail(scalar, "the tag " + tag + " is not allowed in JSON");
    return null;
  }

  /** YAML 1.1 numbers: underscores, a sign, and for integers 0x/0o/0b prefixes and leading-zero octal. */
  static BigDecimal number(String text, boolean integer) {
    String t = text.replace("_", "");
    boolean negative = t.startsWith("-");
    String digits = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    try {
      if (integer) {
        BigInteger value;
        if (digits.startsWith("0x")) {
          value = new BigInteger(digits.substring(2), 16);
        } else if (digits.startsWith("0o")) {
          value = new BigInteger(digits.substring(2), 8);
        } else if (digits.startsWith("0b")) {
          value = new BigInteger(digits.substring(2), 2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
          value = new BigInteger(digits.substring(1), 8);
        } else {
          value = new BigInteger(digits);
        }
        return new BigDecimal(negative ? value.negate() : value);
      }
      BigDecimal value = new BigDecimal(digits.startsWith(".") ? "0" + digits : digits);
      return negative ? value.negate() : value;
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  private void fail(Node node, String message) {
    if (!failed) {
      failed = true;
      doc.problem(node, path, "not valid JSON: " + message);
    }
  }
}
