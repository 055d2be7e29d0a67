package io.loom.mapping.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?" for misspelt names (settings, YAML keys): the closest known name within a small edit distance. */
public final class Suggestions {
  private Suggestions() {}

  /** The known name closest to {@code name}, if one is within a third of its length (at least 2) in edits. */
  public static Optional<String> closest(String name, Collection<String> known) {
    return closest(name, known, Math.max(2, name.length() / 3));
  }

  /** The known name closest to {@code name} (ignoring case), if one is within {@code maxEdits} edits. */
  public static Optional<String> closest(String name, Collection<String> known, int maxEdits) {
    String lower = name.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best != null && bestDistance <= maxEdits ? Optional.of(best) : Optional.empty();
  }

  /** Levenshtein distance. */
  public static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
