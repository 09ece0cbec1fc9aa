package io.clickstream.protocol;

import java.util.List;

/**
 * Thrown when configuration cannot be used. Carries every problem found, each naming the variable and
 * the offending value, so an operator fixes them all in one go instead of one restart per typo.
 */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
