package io.loom.consumer.admin;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.internal.Redaction;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What {@code POST /reload-config} answers. HTTP status: 200 for {@link Outcome#APPLIED} and {@link
 * Outcome#UNCHANGED}, 422 for {@link Outcome#REFUSED}, 503 for {@link Outcome#FAILED}.
 *
 * @param outcome what happened
 * @param source where the configuration was read, without secrets
 * @param previousFingerprint the fingerprint in force before the reload, or {@code null}
 * @param fingerprint the fingerprint in force after the reload, or {@code null}
 * @param addedTopics topics mapped now that were not before (consumed without a restart)
 * @param removedTopics topics no longer mapped
 * @param problems why the configuration was refused or could not be read; empty otherwise
 * @param message one line for people
 */
public record ReloadResult(
    Outcome outcome,
    String source,
    String previousFingerprint,
    String fingerprint,
    List<String> addedTopics,
    List<String> removedTopics,
    List<ConfigIssue> problems,
    String message) {

  /** The outcome of a reload. */
  public enum Outcome {
    /** A new configuration was validated, compiled and swapped in. */
    APPLIED(200),
    /** The source holds the configuration already in force. */
    UNCHANGED(200),
    /** The new configuration is invalid; the one in force keeps running. */
    REFUSED(422),
    /** The source could not be read (database down, file missing); the configuration in force keeps running. */
    FAILED(503);

    private final int httpStatus;

    Outcome(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    /** The HTTP status the admin API answers with. */
    public int httpStatus() {
      return httpStatus;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ReloadResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    addedTopics = addedTopics == null ? List.of() : List.copyOf(addedTopics);
    removedTopics = removedTopics == null ? List.of() : List.copyOf(removedTopics);
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  /** {@code next} was swapped in for {@code previous} (which may be {@code null} on the first load). */
  public static ReloadResult applied(String source, ConfigSnapshot previous, ConfigSnapshot next) {
    TreeSet<String> before = new TreeSet<>(previous == null ? List.of() : previous.mappedTopics());
    TreeSet<String> after = new TreeSet<>(next.mappedTopics());
    List<String> added = after.stream().filter(t -> !before.contains(t)).toList();
    List<String> removed = before.stream().filter(t -> !after.contains(t)).toList();
    return new ReloadResult(Outcome.APPLIED, source, previous == null ? null : previous.fingerprint(),
        next.fingerprint(), added, removed, List.of(),
        "configuration " + next.fingerprint() + " applied: " + after.size() + " mapped topics, " + added.size()
            + " added, " + removed.size() + " removed");
  }

  /** The source holds {@code current} already. */
  public static ReloadResult unchanged(String source, ConfigSnapshot current) {
    return new ReloadResult(Outcome.UNCHANGED, source, current.fingerprint(), current.fingerprint(), List.of(),
        List.of(), List.of(), "configuration " + current.fingerprint() + " is unchanged");
  }

  /** The new configuration was invalid; {@code current} (may be {@code null}) stays in force. */
  public static ReloadResult refused(String source, ConfigSnapshot current, List<ConfigProblem> problems) {
    String fingerprint = current == null ? null : current.fingerprint();
    return new ReloadResult(Outcome.REFUSED, source, fingerprint, fingerprint, List.of(), List.of(),
        problems.stream().map(ConfigIssue::of).toList(),
        "configuration refused (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
            + "); " + (current == null ? "no configuration is in force" : "configuration " + fingerprint
            + " stays in force"));
  }

  /** The source could not be read; {@code current} (may be {@code null}) stays in force. */
  public static ReloadResult failed(String source, ConfigSnapshot current, Throwable cause) {
    String fingerprint = current == null ? null : current.fingerprint();
    String reason = Redaction.mask(cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage());
    return new ReloadResult(Outcome.FAILED, source, fingerprint, fingerprint, List.of(), List.of(),
        List.of(new ConfigIssue(null, "source", "the configuration cannot be read: " + reason)),
        "configuration could not be read; " + (current == null ? "no configuration is in force" : "configuration "
            + fingerprint + " stays in force"));
  }
}
