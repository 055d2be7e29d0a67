package io.loom.consumer.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A JSON Schema compiled for one streaming pass over a message's bytes, for schemas that use only a
 * common subset of keywords ({@code type}, {@code properties}, {@code required}, {@code
 * additionalProperties}, {@code items} as one schema, scalar {@code enum}/{@code const}, numeric bounds,
 * string lengths, {@code pattern}, {@code $ref} into the document itself, annotations).
 *
 * <p>Design note: {@link #valid} answers only "certainly valid"; {@code false} means "invalid or not
 * sure" (malformed JSON, a number at the exact edge of a bound, a float against a numeric enum...), and the
 * caller then validates with networknt, which decides and words the violations. So the fast path must
 * never accept what networknt refuses; it may send a valid message to networknt. Where networknt's
 * behaviour is draft-specific (integer-valued floats, {@code format} assertions, {@code $ref} siblings,
 * boolean {@code exclusiveMinimum}) the schema is left to networknt ({@link #compile} returns null). Only
 * the first JSON value of the bytes is read, as the tree reader does. Thread-safe (immutable).
 */
final class FastSchema {
  private static final JsonFactory PARSERS = new JsonFactory();
  /** Keywords without effect on validation here (annotations, definitions reached only by $ref). */
  private static final Set<String> IGNORED = Set.of("title", "description", "examples", "default", "$comment",
      "$defs", "definitions");

  private static final int NULL = 1;
  private static final int BOOLEAN = 2;
  private static final int OBJECT = 4;
  private static final int ARRAY = 8;
  private static final int NUMBER = 16;
  private static final int INTEGER = 32;
  private static final int STRING = 64;

  private final Node root;

  private FastSchema(Node root) {
    this.root = root;
  }

  /**
   * The fast validator of {@code schema} read as {@code version}, or null when the schema uses anything
   * outside the subset; {@code why} (if not null) receives the reason.
   */
  static FastSchema compile(JsonNode schema, SpecVersion.VersionFlag version, StringBuilder why) {
    if (version != SpecVersion.VersionFlag.V202012 && version != SpecVersion.VersionFlag.V201909
        && version != SpecVersion.VersionFlag.V7 && version != SpecVersion.VersionFlag.V6) {
      return fail(why, "draft " + version + " is not handled by the fast path");
    }
    try {
      Compiler compiler = new Compiler(schema, version);
      Node root = compiler.node(schema, true);
      compiler.checkRefChains();
      return new FastSchema(root);
    } catch (Unsupported e) {
      return fail(why, e.getMessage());
    }
  }

  private static FastSchema fail(StringBuilder why, String reason) {
    if (why != null) {
      why.append(reason);
    }
    return null;
  }

  /** True only if the first JSON value of {@code json} is certainly valid; false if invalid or unsure. */
  boolean valid(byte[] json) {
    try (JsonParser parser = PARSERS.createParser(json)) {
      JsonToken token = parser.nextToken();
      return token != null && check(parser, token, root);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean check(JsonParser p, JsonToken token, Node n) throws IOException {
    while (n.ref != null) {
      n = n.ref;
    }
    if (n.never) {
      return false;
    }
    switch (token) {
      case START_OBJECT:
        return (n.types & OBJECT) != 0 && n.enumValues == null && object(p, n);
      case START_ARRAY:
        return (n.types & ARRAY) != 0 && n.enumValues == null && array(p, n);
      case VALUE_STRING: {
        if ((n.types & STRING) == 0) {
          return false;
        }
        if (n.enumValues != null) {
          String s = p.getText();
          return n.enumValues.contains(s) && (!n.measured
              || (lengthWithin(s.toCharArray(), 0, s.length(), n) && (n.pattern == null || n.pattern.matcher(s).find())));
        }
        // the parser's own buffer is read (no String); reading it also makes the parser finish the token,
        // so that a broken string (unterminated, bad escape or UTF-8) is never accepted
        int length = p.getTextLength();
        if (!n.measured) {
          return true;
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        return lengthWithin(chars, offset, length, n)
            && (n.pattern == null || n.pattern.matcher(CharBuffer.wrap(chars, offset, length)).find());
      }
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return number(p, token, n);
      case VALUE_TRUE:
      case VALUE_FALSE:
        return (n.types & BOOLEAN) != 0 && (n.enumValues == null || n.enumValues.contains(token == JsonToken.VALUE_TRUE));
      case VALUE_NULL:
        return (n.types & NULL) != 0 && (n.enumValues == null || n.enumValues.contains(Nothing.NULL));
      default:
        return false;
    }
  }

  private static boolean object(JsonParser p, Node n) throws IOException {
    long found = 0;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      Field field = n.fields == null ? null : n.fields.get(p.currentName());
      JsonToken value = p.nextToken();
      Node child = n.additional;
      if (field != null) {
        found |= field.requiredBit;
        if (field.node != null) {
          child = field.node;
        }
      }
      if (child == null) {
        p.skipChildren();
      } else if (!check(p, value, child)) {
        return false;
      }
    }
    return t == JsonToken.END_OBJECT && found == n.allRequired;
  }

  private static boolean array(JsonParser p, Node n) throws IOException {
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        return false;
      }
      if (n.items == null) {
        p.skipChildren();
      } else if (!check(p, t, n.items)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the string's length in code points is within minLength and maxLength. */
  private static boolean lengthWithin(char[] chars, int offset, int length, Node n) {
    if (length <= n.maxLength || n.maxLength < 0) {
      // a code point is one or two chars: at least half the chars are code points
      if ((length + 1) / 2 >= n.minLength) {
        return true;
      }
    }
    int codePoints = Character.codePointCount(chars, offset, length);
    return codePoints >= n.minLength && (n.maxLength < 0 || codePoints <= n.maxLength);
  }

  private static boolean number(JsonParser p, JsonToken token, Node n) throws IOException {
    boolean integral;
    boolean isLong = false;
    long asLong = 0;
    double asDouble;
    if (token == JsonToken.VALUE_NUMBER_INT) {
      integral = true;
      isLong = p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
      asLong = isLong ? p.getLongValue() : 0;
      asDouble = asLong;
    } else {
      // the tree holds a double too (a DoubleNode), so integer-ness is decided on the double, as networknt does
      asDouble = p.getDoubleValue();
      boolean finite = !Double.isNaN(asDouble) && !Double.isInfinite(asDouble);
      integral = finite && asDouble == Math.rint(asDouble);
    }
    if ((n.types & NUMBER) == 0 && !((n.types & INTEGER) != 0 && integral)) {
      return false;
    }
    if (n.enumValues == null && !n.bounded) {
      return true;
    }
    boolean big = token == JsonToken.VALUE_NUMBER_INT && !isLong;
    if (n.enumValues != null) {
      if (Double.isInfinite(asDouble)) {
        return false; // networknt cannot turn it into a decimal either: left to it
      }
      // networknt compares the decimal of the tree node (a double's is that of its shortest text)
      BigDecimal value = big ? new BigDecimal(p.getBigIntegerValue())
          : isLong ? BigDecimal.valueOf(asLong) : BigDecimal.valueOf(asDouble);
      for (NumberChoice choice : n.numberChoices) {
        if (!choice.accepts(value)) {
          return false;
        }
      }
    }
    if (big) {
      return decimalWithin(n, new BigDecimal(p.getBigIntegerValue()));
    }
    return above(n.minimum, isLong, asLong, asDouble, false) && above(n.exclusiveMinimum, isLong, asLong, asDouble, true)
        && below(n.maximum, isLong, asLong, asDouble, false) && below(n.exclusiveMaximum, isLong, asLong, asDouble, true);
  }

  private static boolean decimalWithin(Node n, BigDecimal value) {
    return (n.minimum == null || value.compareTo(n.minimum.decimal) >= 0)
        && (n.exclusiveMinimum == null || value.compareTo(n.exclusiveMinimum.decimal) > 0)
        && (n.maximum == null || value.compareTo(n.maximum.decimal) <= 0)
        && (n.exclusiveMaximum == null || value.compareTo(n.exclusiveMaximum.decimal) < 0);
  }

  /**
   * Whether the value is at or above (strictly above if {@code strict}) {@code bound}. Doubles decide when
   * they differ (rounding to double keeps order); when they are equal, the decimals networknt compares
   * (the tree's text of the value and of the bound) decide.
   */
  private static boolean above(Bound bound, boolean isLong, long l, double d, boolean strict) {
    if (bound == null) {
      return true;
    }
    if (isLong && bound.exactLong) {
      return strict ? l > bound.asLong : l >= bound.asLong;
    }
    if (d != bound.asDouble) {
      return d > bound.asDouble;
    }
    int c = decimal(isLong, l, d).compareTo(bound.decimal);
    return strict ? c > 0 : c >= 0;
  }

  private static boolean below(Bound bound, boolean isLong, long l, double d, boolean strict) {
    if (bound == null) {
      return true;
    }
    if (isLong && bound.exactLong) {
      return strict ? l < bound.asLong : l <= bound.asLong;
    }
    if (d != bound.asDouble) {
      return d < bound.asDouble;
    }
    int c = decimal(isLong, l, d).compareTo(bound.decimal);
    return strict ? c < 0 : c <= 0;
  }

  /** The decimal networknt compares for a value: that of the tree node's text. */
  private static BigDecimal decimal(boolean isLong, long l, double d) {
    return isLong ? BigDecimal.valueOf(l) : new BigDecimal(NumberOutput.toString(d));
  }

  /** A numeric bound: its exact long value when it has one, else only its double. */
  private record Bound(boolean exactLong, long asLong, double asDouble, BigDecimal decimal) {
    static Bound of(JsonNode node) {
      double d = node.doubleValue();
      if (Double.isInfinite(d) || Double.isNaN(d)) {
        throw new Unsupported("a bound that is not a finite number");
      }
      BigDecimal decimal = new BigDecimal(node.asText());
      try {
        return new Bound(true, decimal.longValueExact(), d, decimal);
      } catch (ArithmeticException e) {
        return new Bound(false, 0, d, decimal);
      }
    }
  }

  /** The numbers one {@code enum} or {@code const} allows, matched by decimal value as networknt does. */
  private record NumberChoice(List<BigDecimal> values) {
    boolean accepts(BigDecimal value) {
      for (BigDecimal v : values) {
        if (v.compareTo(value) == 0) {
          return true;
        }
      }
      return false;
    }
  }

  /** The JSON null in an enum set (sets of scalars hold String, Boolean, BigDecimal and this). */
  private enum Nothing { NULL }

  /** One compiled (sub)schema. Mutable only while the compiler fills it. */
  private static final class Node {
    /** Set for {@code {"$ref": ...}} alone: the node to use instead. */
    Node ref;
    boolean never;
    int types = NULL | BOOLEAN | OBJECT | ARRAY | NUMBER | INTEGER | STRING;
    /** The strings, booleans and nulls that every enum and const of the node allow; null if none. */
    Set<Object> enumValues;
    /** What each enum and const allows of numbers. */
    final List<NumberChoice> numberChoices = new ArrayList<>();
    Map<String, Node> properties;
    Map<String, Integer> required;
    long allRequired;
    /** properties and required together, one look-up per member; null if neither. */
    Map<String, Field> fields;
    Node additional;
    Node items;
    Bound minimum;
    Bound maximum;
    Bound exclusiveMinimum;
    Bound exclusiveMaximum;
    /** Whether any of the four bounds is set. */
    boolean bounded;
    int minLength;
    int maxLength = -1;
    Pattern pattern;
    /** Whether a string value is measured or matched (minLength, maxLength, pattern). */
    boolean measured;
  }

  /** What a member name means in an object: its subschema (null: additionalProperties) and required bit. */
  private record Field(Node node, long requiredBit) {}

  private static final class Unsupported extends RuntimeException {
    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Compiler {
    private final JsonNode document;
    private final SpecVersion.VersionFlag version;
    private final Map<JsonNode, Node> compiled = new IdentityHashMap<>();

    Compiler(JsonNode document, SpecVersion.VersionFlag version) {
      this.document = document;
      this.version = version;
    }

    Node node(JsonNode schema, boolean isRoot) {
      Node done = compiled.get(schema);
      if (done != null) {
        return done;
      }
      Node n = new Node();
      compiled.put(schema, n);
      if (schema.isBoolean()) {
        n.never = !schema.booleanValue();
        return n;
      }
      if (!schema.isObject()) {
        throw new Unsupported("a subschema that is not an object or a boolean");
      }
      if (schema.has("$ref")) {
        for (Iterator<String> names = schema.fieldNames(); names.hasNext(); ) {
          String name = names.next();
          if (!name.equals("$ref") && !IGNORED.contains(name) && !(isRoot && (name.equals("$schema") || name.equals("$id")))) {
            throw new Unsupported("$ref next to '" + name + "'");
          }
        }
        n.ref = node(target(schema.get("$ref")), false);
        return n;
      }
      for (Iterator<Map.Entry<String, JsonNode>> fields = schema.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        keyword(n, field.getKey(), field.getValue(), isRoot, schema);
      }
      if (n.properties != null || n.required != null) {
        n.fields = new HashMap<>();
        if (n.properties != null) {
          n.properties.forEach((name, node) -> n.fields.put(name, new Field(node, 0)));
        }
        if (n.required != null) {
          n.required.forEach((name, index) -> n.fields.merge(name, new Field(null, 1L << index),
              (a, b) -> new Field(a.node(), b.requiredBit())));
        }
      }
      return n;
    }

    /** Refuses a $ref that leads, through other bare $refs, back to itself. */
    void checkRefChains() {
      for (Node n : compiled.values()) {
        int steps = 0;
        for (Node at = n; at.ref != null; at = at.ref) {
          if (++steps > compiled.size()) {
            throw new Unsupported("a $ref cycle");
          }
        }
      }
    }

    private JsonNode target(JsonNode ref) {
      if (!ref.isTextual() || !ref.textValue().startsWith("#") || ref.textValue().indexOf('%') >= 0) {
        throw new Unsupported("$ref " + ref + " does not point into the document by JSON pointer");
      }
      String pointer = ref.textValue().substring(1);
      JsonNode target = pointer.isEmpty() ? document : document.at(JsonPointer.compile(pointer));
      if (target.isMissingNode() || !(target.isObject() || target.isBoolean())) {
        throw new Unsupported("$ref " + ref + " does not point to a schema");
      }
      return target;
    }

    private void keyword(Node n, String name, JsonNode value, boolean isRoot, JsonNode schema) {
      if (IGNORED.contains(name) || (isRoot && (name.equals("$schema") || name.equals("$id")))) {
        return;
      }
      switch (name) {
        case "type" -> n.types = types(value);
        case "properties" -> {
          if (!value.isObject()) {
            throw new Unsupported("properties is not an object");
          }
          n.properties = new HashMap<>();
          for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            n.properties.put(property.getKey(), node(property.getValue(), false));
          }
        }
        case "required" -> {
          if (!value.isArray() || value.size() > 63) {
            throw new Unsupported("required is not an array of at most 63 names");
          }
          n.required = new HashMap<>();
          for (JsonNode item : value) {
            if (!item.isTextual()) {
              throw new Unsupported("required holds a non-string");
            }
            n.required.putIfAbsent(item.textValue(), n.required.size());
          }
          n.allRequired = n.required.isEmpty() ? 0 : (1L << n.required.size()) - 1;
          if (n.required.isEmpty()) {
            n.required = null;
          }
        }
        case "additionalProperties" -> n.additional = node(value, false);
        case "items" -> {
          if (!value.isObject() && !value.isBoolean()) {
            throw new Unsupported("items is not a single schema");
          }
          n.items = node(value, false);
        }
        case "enum" -> {
          if (!value.isArray()) {
            throw new Unsupported("enum is not an array");
          }
          Set<Object> values = new HashSet<>();
          List<BigDecimal> numbers = new ArrayList<>();
          for (JsonNode item : value) {
            if (item.isNumber()) {
              numbers.add(item.decimalValue());
            } else {
              values.add(scalar(item));
            }
          }
          n.enumValues = n.enumValues == null ? values : intersect(n.enumValues, values);
          n.numberChoices.add(new NumberChoice(numbers));
        }
        case "const" -> {
          Set<Object> values = new HashSet<>();
          List<BigDecimal> numbers = new ArrayList<>();
          if (value.isNumber()) {
            numbers.add(value.decimalValue());
          } else {
            values.add(scalar(value));
          }
          n.enumValues = n.enumValues == null ? values : intersect(n.enumValues, values);
          n.numberChoices.add(new NumberChoice(numbers));
        }
        case "minimum" -> n.minimum = bound(n, value, name);
        case "maximum" -> n.maximum = bound(n, value, name);
        case "exclusiveMinimum" -> n.exclusiveMinimum = bound(n, value, name);
        case "exclusiveMaximum" -> n.exclusiveMaximum = bound(n, value, name);
        case "minLength" -> {
          n.minLength = length(value, name);
          n.measured = true;
        }
        case "maxLength" -> {
          n.maxLength = length(value, name);
          n.measured = true;
        }
        case "pattern" -> {
          if (!value.isTextual()) {
            throw new Unsupported("pattern is not a string");
          }
          try {
            n.pattern = Pattern.compile(value.textValue());
            n.measured = true;
          } catch (PatternSyntaxException e) {
            throw new Unsupported("pattern does not compile");
          }
        }
        case "format" -> {
          if (version != SpecVersion.VersionFlag.V202012) {
            throw new Unsupported("format is asserted in draft " + version);
          }
        }
        default -> throw new Unsupported("keyword '" + name + "'");
      }
    }

    private static Set<Object> intersect(Set<Object> a, Set<Object> b) {
      Set<Object> both = new HashSet<>(a);
      both.retainAll(b);
      return both;
    }

    private static Object scalar(JsonNode item) {
      if (item.isTextual()) {
        return item.textValue();
      }
      if (item.isBoolean()) {
        return item.booleanValue();
      }
      if (item.isNull()) {
        return Nothing.NULL;
      }
      throw new Unsupported("enum/const of a non-scalar");
    }

    private static Bound bound(Node n, JsonNode value, String name) {
      if (!value.isNumber()) {
        throw new Unsupported(name + " is not a number");
      }
      n.bounded = true;
      return Bound.of(value);
    }

    private static int length(JsonNode value, String name) {
      if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
        throw new Unsupported(name + " is not a non-negative integer");
      }
      return value.intValue();
    }

    private static int types(JsonNode value) {
      List<JsonNode> names = new ArrayList<>();
      if (value.isTextual()) {
        names.add(value);
      } else if (value.isArray()) {
        value.forEach(names::add);
      } else {
        throw new Unsupported("type is not a name or an array of names");
      }
      int mask = 0;
      for (JsonNode name : names) {
        mask |= switch (name.isTextual() ? name.textValue() : "") {
          case "null" -> NULL;
          case "boolean" -> BOOLEAN;
          case "object" -> OBJECT;
          case "array" -> ARRAY;
          case "number" -> NUMBER | INTEGER;
          case "integer" -> INTEGER;
          case "string" -> STRING;
          default -> throw new Unsupported("type " + name);
        };
      }
      return mask;
    }
  }
}
