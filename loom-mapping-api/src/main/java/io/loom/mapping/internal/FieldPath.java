package io.loom.mapping.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed {@code source_field_path}: JSON segments ({@code data.items[0].x}, {@code data.items[*].x})
 * or a Kafka metadata reference ({@code $kafka.offset}, {@code $kafka.header.trace-id}).
 */
public record FieldPath(String text, List<Segment> segments, Metadata metadata, String headerName) {

  /** Prefix of Kafka metadata paths. */
  public static final String METADATA_PREFIX = "$kafka.";

  /** Kafka metadata a column can be mapped from. */
  public enum Metadata {
    TOPIC,
    PARTITION,
    OFFSET,
    KEY,
    TIMESTAMP,
    HEADER
  }

  /** One step into the JSON document. */
  public sealed interface Segment permits Field, Index, Wildcard {}

  /** An object member. */
  public record Field(String name) implements Segment {}

  /** An array element by position. */
  public record Index(int index) implements Segment {}

  /** Every element of an array: the message explodes into one row per element. */
  public record Wildcard() implements Segment {}

  public FieldPath {
    segments = List.copyOf(segments);
  }

  public boolean isMetadata() {
    return metadata != null;
  }

  /** The position of the {@code [*]} segment, or -1. */
  public int wildcardPosition() {
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i) instanceof Wildcard) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Parses a source path.
   *
   * @throws IllegalArgumentException with a message saying what is wrong and what is expected
   */
  public static FieldPath parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("the path is empty; expected a dotted path such as data.value");
    }
    if (text.startsWith("$")) {
      return parseMetadata(text);
    }
    List<Segment> segments = new ArrayList<>();
    int i = 0;
    int n = text.length();
    boolean expectName = true;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '[') {
        int close = text.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException("'[' at position " + i + " has no closing ']'");
        }
        String inside = text.substring(i + 1, close);
        if (inside.equals("*")) {
          segments.add(new Wildcard());
        } else {
          segments.add(new Index(parseIndex(inside, i)));
        }
        i = close + 1;
        expectName = false;
        if (i < n && text.charAt(i) != '.' && text.charAt(i) != '[') {
          throw new IllegalArgumentException("expected '.' or '[' after ']' at position " + i);
        }
      } else if (c == '.') {
        if (expectName) {
          throw new IllegalArgumentException("empty segment at position " + i + "; expected a field name");
        }
        i++;
        expectName = true;
        if (i == n) {
          throw new IllegalArgumentException("the path ends with '.'; expected a field name after it");
        }
      } else if (c == ']') {
        throw new IllegalArgumentException("']' at position " + i + " has no opening '['");
      } else {
        int end = i;
        while (end < n && text.charAt(end) != '.' && text.charAt(end) != '[' && text.charAt(end) != ']') {
          end++;
        }
        segments.add(new Field(text.substring(i, end)));
        i = end;
        expectName = false;
      }
    }
    long wildcards = segments.stream().filter(s -> s instanceof Wildcard).count();
    if (wildcards > 1) {
      throw new IllegalArgumentException("more than one [*]; a message explodes along one array only");
    }
    return new FieldPath(text, segments, null, null);
  }

  private static int parseIndex(String inside, int position) {
    try {
      int index = Integer.parseInt(inside);
      if (index < 0) {
        throw new NumberFormatException();
      }
      return index;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "array index '" + inside + "' at position " + position + " is not a non-negative number or *");
    }
  }

  private static FieldPath parseMetadata(String text) {
    if (!text.startsWith(METADATA_PREFIX)) {
      throw new IllegalArgumentException(
          "paths starting with '$' name Kafka metadata; expected $kafka.topic, $kafka.partition, $kafka.offset,"
              + " $kafka.key, $kafka.timestamp or $kafka.header.<name>");
    }
    String rest = text.substring(METADATA_PREFIX.length());
    if (rest.startsWith("header.") && rest.length() > "header.".length()) {
      return new FieldPath(text, List.of(), Metadata.HEADER, rest.substring("header.".length()));
    }
    for (Metadata m : Metadata.values()) {
      if (m != Metadata.HEADER && m.name().toLowerCase(Locale.ROOT).equals(rest)) {
        return new FieldPath(text, List.of(), m, null);
      }
    }
    throw new IllegalArgumentException(
        "unknown Kafka metadata '" + rest + "'; expected topic, partition, offset, key, timestamp or header.<name>");
  }
}
