package io.loom.consumer.settings.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the text of one setting becomes a typed value. Design note: a type knows only its rule, phrased
 * to complete "{@code <name> was '<value>' but it ...}" (Micrometer's validation style), so that every
 * error message about settings reads the same whatever source the value came from. Parsers return
 * {@code null} for text that breaks the rule; they never throw.
 *
 * @param <T> the Java type of the value
 */
public final class ValueType<T> {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");
  private static final Pattern HOST = Pattern.compile("\\[?[0-9a-fA-F:.]+]?|[A-Za-z0-9._-]+");
  private static final Pattern HOSTS = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:,]+");
  private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]{1,100}");

  private final String name;
  private final String rule;
  private final Function<String, T> parser;

  private ValueType(String name, String rule, Function<String, T> parser) {
    this.name = name;
    this.rule = rule;
    this.parser = parser;
  }

  /** A short name of the type for documentation: {@code boolean}, {@code duration}, ... */
  public String name() {
    return name;
  }

  /** The rule, completing "it ...": {@code must be a positive integer}. */
  public String rule() {
    return rule;
  }

  /** The value of {@code text} (already trimmed, never blank), or {@code null} if it breaks the rule. */
  public T parse(String text) {
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  public static ValueType<Boolean> bool() {
    return new ValueType<>("boolean", "must be true or false", text -> switch (text.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> Boolean.TRUE;
      case "false", "no", "off", "0" -> Boolean.FALSE;
      default -> null;
    });
  }

  public static ValueType<Integer> positiveInt() {
    return intRange("integer", 1, Integer.MAX_VALUE, "must be a positive integer");
  }

  public static ValueType<Integer> port() {
    return intRange("port", 0, 65535, "must be a port number from 0 to 65535 (0 picks a free port)");
  }

  private static ValueType<Integer> intRange(String name, int min, int max, String rule) {
    return new ValueType<>(name, rule, text -> {
      int value = Integer.parseInt(text);
      return value >= min && value <= max ? value : null;
    });
  }

  /** Durations such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601 {@code PT30S}. */
  public static ValueType<Duration> duration(boolean zeroAllowed) {
    String rule = "must be a " + (zeroAllowed ? "" : "positive ")
        + "duration such as 500ms, 30s, 5m or 1h (a bare number is milliseconds)";
    return new ValueType<>("duration", rule, text -> {
      Duration value = parseDuration(text);
      if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
        return null;
      }
      return value;
    });
  }

  private static Duration parseDuration(String text) {
    if (text.startsWith("P") || text.startsWith("p")) {
      try {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2).toLowerCase(Locale.ROOT);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** A positive size in bytes: {@code 1048576}, {@code 512KB}, {@code 16MB}, {@code 1GB} (binary multiples). */
  public static ValueType<Long> byteSize() {
    return new ValueType<>("size", "must be a positive size in bytes such as 1048576, 512KB or 16MB", text -> {
      Matcher m = SIZE.matcher(text);
      if (!m.matches()) {
        return null;
      }
      long amount = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
      long factor = switch (unit) {
        case "kb", "k" -> 1024L;
        case "mb", "m" -> 1024L * 1024;
        case "gb", "g" -> 1024L * 1024 * 1024;
        default -> 1L;
      };
      long bytes = Math.multiplyExact(amount, factor);
      return bytes > 0 ? bytes : null;
    });
  }

  public static ValueType<String> text() {
    return new ValueType<>("text", "must not be empty", text -> text);
  }

  public static ValueType<Path> path() {
    return new ValueType<>("path", "must be a file path", text -> {
      try {
        return Path.of(text);
      } catch (InvalidPathException e) {
        return null;
      }
    });
  }

  /**
   * A PostgreSQL URL: {@code postgresql://user:password@host:port/db} (also {@code postgres://}) or a
   * JDBC URL {@code jdbc:postgresql://host:port/db?user=...}. Only the shape is checked here; the
   * connection pool factory reads the parts.
   */
  public static ValueType<String> postgresUrl() {
    return new ValueType<>("url", "must be a PostgreSQL URL such as postgresql://user:password@host:5432/database"
        + " or jdbc:postgresql://host:5432/database", text -> {
          if (text.startsWith("jdbc:postgresql:")) {
            return text.length() > "jdbc:postgresql:".length() ? text : null;
          }
          String rest;
          if (text.startsWith("postgresql://")) {
            rest = text.substring("postgresql://".length());
          } else if (text.startsWith("postgres://")) {
            rest = text.substring("postgres://".length());
          } else {
            return null;
          }
          // Credentials may hold any character; the host part follows the last '@'.
          int at = rest.lastIndexOf('@');
          String hostPart = at >= 0 ? rest.substring(at + 1) : rest;
          int end = hostPart.length();
          for (char stop : new char[] {'/', '?'}) {
            int i = hostPart.indexOf(stop);
            if (i >= 0) {
              end = Math.min(end, i);
            }
          }
          return HOSTS.matcher(hostPart.substring(0, end)).matches() ? text : null;
        });
  }

  /** {@code host:port[,host:port...]}. */
  public static ValueType<List<String>> hostPortList() {
    return new ValueType<>("host:port list", "must be a comma-separated list of host:port", text -> {
      List<String> items = split(text);
      for (String item : items) {
        Matcher m = HOST_PORT.matcher(item);
        if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
          return null;
        }
      }
      return items.isEmpty() ? null : List.copyOf(items);
    });
  }

  /** Host names or IP literals, comma-separated. */
  public static ValueType<List<String>> hostList() {
    return new ValueType<>("address list", "must be a comma-separated list of host names or IP addresses", text -> {
      List<String> items = split(text);
      for (String item : items) {
        if (!HOST.matcher(item).matches()) {
          return null;
        }
      }
      return items.isEmpty() ? null : List.copyOf(items);
    });
  }

  /** A suffix that keeps a Kafka topic name legal. */
  public static ValueType<String> topicSuffix() {
    return new ValueType<>("topic suffix",
        "must be 1 to 100 characters from a-z, A-Z, 0-9, '.', '_' and '-' (it is appended to a Kafka topic name)",
        text -> TOPIC_CHARS.matcher(text).matches() ? text : null);
  }

  private static List<String> split(String text) {
    List<String> items = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String item = part.trim();
      if (item.isEmpty()) {
        return List.of();
      }
      items.add(item);
    }
    return items;
  }
}
