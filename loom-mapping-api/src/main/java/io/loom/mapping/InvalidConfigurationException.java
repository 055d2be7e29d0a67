package io.loom.mapping;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration was refused; carries every problem found, not just the first. */
public class InvalidConfigurationException extends LoomException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  public InvalidConfigurationException(String source, List<ConfigProblem> problems) {
    super(format(source, problems));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String format(String source, List<ConfigProblem> problems) {
    return "invalid configuration from " + source + " (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
        + "):\n" + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
  }
}
