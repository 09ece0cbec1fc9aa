package io.clickstream.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Typed, validating access to environment variables. Problems are collected rather than thrown one by
 * one; {@link #throwIfInvalid()} reports them all. Tests pass a plain map instead of faking the
 * environment.
 */
public final class EnvReader {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public EnvReader(Map<String, String> env) {
    this.env = env;
  }

  public Map<String, String> raw() {
    return env;
  }

  /** The trimmed value, or null when unset or blank (blank counts as unset, as in compose files). */
  public String value(String name) {
    String v = env.get(name);
    if (v == null) {
      return null;
    }
    v = v.trim();
    return v.isEmpty() ? null : v;
  }

  public String string(String name, String defaultValue) {
    String v = value(name);
    return v == null ? defaultValue : v;
  }

  public int intIn(String name, int defaultValue, int min, int max) {
    String v = value(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(v);
      if (parsed < min || parsed > max) {
        problems.add(rangeMessage(name, v, min, max));
        return defaultValue;
      }
      return parsed;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a whole number " + bounds(min, max) + ", got \"" + v + "\"");
      return defaultValue;
    }
  }

  public double doubleIn(String name, double defaultValue, double min, double max) {
    String v = value(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      double parsed = Double.parseDouble(v);
      if (Double.isNaN(parsed) || parsed < min || parsed > max) {
        problems.add(rangeMessage(name, v, min, max));
        return defaultValue;
      }
      return parsed;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a number " + bounds(min, max) + ", got \"" + v + "\"");
      return defaultValue;
    }
  }

  public OptionalLong optionalLong(String name) {
    String v = value(name);
    if (v == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v));
    } catch (NumberFormatException e) {
      problems.add(name + " must be a whole number (a 64-bit integer), got \"" + v + "\"");
      return OptionalLong.empty();
    }
  }

  public boolean bool(String name, boolean defaultValue) {
    String v = value(name);
    if (v == null) {
      return defaultValue;
    }
    switch (v.toLowerCase()) {
      case "true": case "yes": case "on": case "1":
        return true;
      case "false": case "no": case "off": case "0":
        return false;
      default:
        problems.add(name + " must be true or false, got \"" + v + "\"");
        return defaultValue;
    }
  }

  /** Records a problem found by a caller's own check, in the same format. */
  public void problem(String message) {
    problems.add(message);
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private static String rangeMessage(String name, String v, double min, double max) {
    return name + " must be a number " + bounds(min, max) + ", got \"" + v + "\"";
  }

  private static String bounds(double min, double max) {
    String lo = format(min);
    if (max == Integer.MAX_VALUE || max == Double.MAX_VALUE || Double.isInfinite(max)) {
      return ">= " + lo;
    }
    return "from " + lo + " to " + format(max);
  }

  private static String format(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
