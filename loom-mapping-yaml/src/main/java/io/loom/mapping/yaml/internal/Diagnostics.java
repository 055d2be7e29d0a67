package io.loom.mapping.yaml.internal;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigValidator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything learnt while reading one configuration (one file or a directory of files): the problems
 * found, where each logical path ({@code mappings[t].fields[2].data_type}) is written, and which
 * logical paths the validator must not report again because reading already did.
 *
 * <p>Design note: the reader records a location for every key it sees, so the {@link
 * ConfigValidator.Locator} it hands to the validator is a map lookup that falls back to the nearest
 * enclosing path ({@code mappings[t].fields[2]}, then {@code mappings[t]}). When reading had to put a
 * placeholder in the model (an unknown data type, a missing column name) it suppresses validator
 * problems under that entry, so one mistake is reported once. Not thread-safe; one per read.
 */
final class Diagnostics implements ConfigValidator.Locator {
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Map<String, String> locations = new HashMap<>();
  private final Set<String> suppressed = new HashSet<>();

  /** Records a problem found while reading. */
  public void problem(String location, String path, String message) {
    problems.add(new ConfigProblem(location, path, message));
  }

  /** Remembers where a logical path is written; the first location of a path wins. */
  public void locate(String path, String location) {
    if (location != null) {
      locations.putIfAbsent(path, location);
    }
  }

  /** Validator problems at {@code path} or below it are not reported (reading already did). */
  public void suppress(String path) {
    suppressed.add(path);
  }

  @Override
  public String locate(String logicalPath) {
    String path = logicalPath;
    while (path != null) {
      String location = locations.get(path);
      if (location != null) {
        return location;
      }
      path = parent(path);
    }
    return null;
  }

  /** Whether a validator problem at {@code path} is hidden by a reading problem. */
  public boolean isSuppressed(String path) {
    String p = path;
    while (p != null) {
      if (suppressed.contains(p)) {
        return true;
      }
      p = parent(p);
    }
    return false;
  }

  public boolean hasProblems() {
    return !problems.isEmpty();
  }

  /** The reading problems plus the validator's (minus the suppressed ones), in file and line order. */
  public List<ConfigProblem> merge(List<ConfigProblem> validatorProblems) {
    List<ConfigProblem> all = new ArrayList<>(problems);
    for (ConfigProblem p : validatorProblems) {
      if (!isSuppressed(p.path())) {
        all.add(p);
      }
    }
    all.sort(Comparator.comparing(Diagnostics::fileOf, Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparingInt(Diagnostics::lineOf));
    return all;
  }

  private static String fileOf(ConfigProblem p) {
    String location = p.location();
    if (location == null) {
      return null;
    }
    int colon = location.lastIndexOf(':');
    return colon < 0 ? location : location.substring(0, colon);
  }

  private static int lineOf(ConfigProblem p) {
    String location = p.location();
    if (location == null) {
      return Integer.MAX_VALUE;
    }
    int colon = location.lastIndexOf(':');
    try {
      return colon < 0 ? 0 : Integer.parseInt(location.substring(colon + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The enclosing logical path: {@code a[x].b -> a[x]}, {@code a[x] -> a}, {@code a -> null}. Dots
   * inside brackets (topic names) are not separators.
   */
  static String parent(String path) {
    if (path.endsWith("]")) {
      int open = path.lastIndexOf('[');
      return open <= 0 ? null : path.substring(0, open);
    }
    int depth = 0;
    for (int i = path.length() - 1; i >= 0; i--) {
      char c = path.charAt(i);
      if (c == ']') {
        depth++;
      } else if (c == '[') {
        depth--;
      } else if (c == '.' && depth == 0) {
        return path.substring(0, i);
      }
    }
    return null;
  }
}
