package io.loom.mapping.yaml.internal;

import java.util.Set;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Writes a text as a YAML scalar that reads back as exactly that text: plain where that is safe,
 * single-quoted where all characters are printable, double-quoted with escapes otherwise.
 *
 * <p>Design note: plain style is allowed conservatively (quoting more than needed is harmless) and
 * checked against SnakeYAML's own resolver, so {@code yes}, {@code 1.5}, {@code ~} or {@code
 * 2026-01-01} stay strings where the reader needs a string. Two modes: {@link Mode#TEXT} for the
 * configuration's own text values, which the reader takes as written whatever they look like (only
 * a null must be quoted), and {@link Mode#JSON_STRING} for strings inside JSON values, which must
 * read back as strings.
 */
final class YamlScalars {
  private static final Resolver RESOLVER = new Resolver();
  private static final Set<Tag> TEXT_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.TIMESTAMP);
  /** The punctuation a plain scalar may contain inside {@code {...}} or {@code [...]}; SnakeYAML is fussy there. */
  private static final String FLOW_PLAIN_PUNCTUATION = " _-.$/+~^=;@()";

  enum Mode {
    /** Read back as raw text: {@code 16000} may stay plain, {@code null} may not. */
    TEXT,
    /** Read back as a string value: {@code 16000} must be quoted. */
    JSON_STRING
  }

  private YamlScalars() {}

  /** {@code text} as a scalar in block context ({@code key: <here>}) or flow context ({@code [<here>]}). */
  static String scalar(String text, Mode mode, boolean flow) {
    if (plainAllowed(text, mode, flow)) {
      return text;
    }
    if (singleQuotable(text)) {
      return "'" + text.replace("'", "''") + "'";
    }
    return doubleQuoted(text);
  }

  static boolean plainAllowed(String text, Mode mode, boolean flow) {
    if (text.isEmpty()) {
      return false;
    }
    int first = text.codePointAt(0);
    boolean firstOk = Character.isLetterOrDigit(first) || "_$./(+^".indexOf(first) >= 0
        || (first == '-' && text.length() > 1 && Character.isLetterOrDigit(text.codePointAt(1)));
    if (!firstOk || text.endsWith(" ") || text.endsWith(":")) {
      return false;
    }
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      boolean ok = Character.isLetterOrDigit(c) || (c >= 0x20 && c < 0x7f);
      if (!ok) {
        return false;
      }
      if (c == '#' && text.charAt(i - 1) == ' ') {
        return false;
      }
      if (c == ':' && (flow || i + 1 < text.length() && text.charAt(i + 1) == ' ')) {
        return false;
      }
      if (flow && !Character.isLetterOrDigit(c) && FLOW_PLAIN_PUNCTUATION.indexOf(c) < 0) {
        return false;
      }
      if (c == ' ' && i + 1 < text.length() && text.charAt(i + 1) == ' ') {
        return false;
      }
      i += Character.charCount(c);
    }
    Tag tag = RESOLVER.resolve(NodeId.scalar, text, true);
    return mode == Mode.JSON_STRING ? tag.equals(Tag.STR) : TEXT_TAGS.contains(tag);
  }

  private static boolean singleQuotable(String text) {
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (!printable(c) || c == '\t') {
        return false;
      }
      i += Character.charCount(c);
    }
    return true;
  }

  /** Printable in YAML and not a line break (YAML 1.1 also breaks lines at NEL, LS and PS). */
  private static boolean printable(int c) {
    return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff && c != 0x2028 && c != 0x2029)
        || (c >= 0xe000 && c <= 0xfffd && c != 0xfeff) || (c >= 0x10000 && c <= 0x10ffff);
  }

  private static String doubleQuoted(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8).append('"');
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        case 0 -> out.append("\\0");
        default -> {
          if (printable(c) && !Character.isSurrogate((char) c)) {
            out.appendCodePoint(c);
          } else if (c <= 0xffff) {
            out.append(String.format("\\u%04X", c));
          } else {
            out.append(String.format("\\U%08X", c));
          }
        }
      }
      i += Character.charCount(c);
    }
    return out.append('"').toString();
  }
}
