package io.loom.consumer.admin;

import java.util.List;
import java.util.Objects;

/**
 * What {@code GET /healthz} (liveness) and {@code GET /readyz} (readiness) answer: HTTP 200 when {@link
 * #up()}, 503 otherwise, with the checks in the body.
 *
 * @param up whether every check passed
 * @param checks the individual checks (for readiness: configuration loaded, database reachable, consumer running)
 */
public record HealthView(boolean up, List<Check> checks) {
  /** Up, with no checks. */
  public static final HealthView UP = new HealthView(true, List.of());

  public HealthView {
    checks = checks == null ? List.of() : List.copyOf(checks);
  }

  /** Up when every check passed. */
  public static HealthView of(List<Check> checks) {
    return new HealthView(checks.stream().allMatch(Check::ok), checks);
  }

  /** Up when every check passed. */
  public static HealthView of(Check... checks) {
    return of(List.of(checks));
  }

  /**
   * One check.
   *
   * @param name what was checked: {@code configuration}, {@code database}, {@code consumer}
   * @param ok whether it passed
   * @param detail one line: why it failed, or what was seen; no secrets
   */
  public record Check(String name, boolean ok, String detail) {
    public Check {
      Objects.requireNonNull(name, "name");
    }

    public static Check ok(String name, String detail) {
      return new Check(name, true, detail);
    }

    public static Check failed(String name, String detail) {
      return new Check(name, false, detail);
    }
  }
}
