package io.loom.consumer.admin;

import io.loom.mapping.ConfigProblem;
import io.loom.mapping.ConfigSnapshot;
import io.loom.mapping.InvalidConfigurationException;
import io.loom.mapping.LoomException;
import io.loom.mapping.internal.Redaction;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What {@code GET /validate-config} shows: whether the configuration the source holds now would be
 * accepted by a reload, with every error and warning.
 *
 * @param valid true when there are no errors (warnings do not count)
 * @param source where the configuration was read, without secrets
 * @param fingerprint the fingerprint of the configuration read, or {@code null} if it could not be read
 *     or was refused
 * @param errors what makes it unacceptable
 * @param warnings what is accepted but looks wrong
 */
public record ValidationReport(
    boolean valid, String source, String fingerprint, List<ConfigIssue> errors, List<ConfigIssue> warnings) {

  public ValidationReport {
    errors = errors == null ? List.of() : List.copyOf(errors);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    if (valid != errors.isEmpty()) {
      throw new IllegalArgumentException("valid is " + valid + " but there are " + errors.size() + " errors");
    }
  }

  /** A report of problems found; valid when {@code errors} is empty. */
  public static ValidationReport of(
      String source, String fingerprint, List<ConfigProblem> errors, List<ConfigProblem> warnings) {
    return new ValidationReport(
        errors.isEmpty(),
        source,
        fingerprint,
        errors.stream().map(ConfigIssue::of).toList(),
        warnings.stream().map(ConfigIssue::of).toList());
  }

  /**
   * Loads a configuration and reports on it: valid with its fingerprint if {@code loader} returns a
   * snapshot, the problems if it throws {@link InvalidConfigurationException}, and the reason if it
   * throws another {@link LoomException} (the source cannot be read).
   *
   * @param source the source description, for the report
   * @param loader usually {@code mappingSource::reload}
   */
  public static ValidationReport check(String source, Supplier<ConfigSnapshot> loader) {
    try {
      ConfigSnapshot snapshot = loader.get();
      return of(source, snapshot.fingerprint(), List.of(), List.of());
    } catch (InvalidConfigurationException e) {
      return of(source, null, e.problems(), List.of());
    } catch (LoomException e) {
      return new ValidationReport(false, source, null,
          List.of(new ConfigIssue(null, "source", "the configuration cannot be read: " + Redaction.mask(e.getMessage()))),
          List.of());
    }
  }

  /** The same report with more warnings. */
  public ValidationReport withWarnings(List<ConfigProblem> more) {
    Objects.requireNonNull(more, "more");
    List<ConfigIssue> all = new java.util.ArrayList<>(warnings);
    more.forEach(p -> all.add(ConfigIssue.of(p)));
    return new ValidationReport(valid, source, fingerprint, errors, all);
  }
}
