package io.loom.consumer.settings;

import io.loom.mapping.LoomException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Settings were refused. Carries every problem found, not only the first, each naming the setting as
 * it was given (environment variable, {@code file:line: property} or flag), the value (masked if
 * secret) and the rule: {@code LOOM_BATCH_MAX_ROWS was 'abc' but it must be a positive integer}.
 */
public class InvalidSettingsException extends LoomException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> problems;

  public InvalidSettingsException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem. */
  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    if (problems.size() == 1) {
      return "invalid setting: " + problems.get(0);
    }
    return "invalid settings (" + problems.size() + " problems):\n"
        + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
  }
}
