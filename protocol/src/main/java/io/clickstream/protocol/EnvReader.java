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

  /**
   * A host name (RFC 1123 labels, plus '_', which Docker's container names carry), an IPv4 address or a
   * bracketed or bare IPv6 address.
   */
  private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile(
      "(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?"
          + "|\\[[0-9A-Fa-f:.]{2,45}]|[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*");

  /** A host to bind to or to reach: checked for syntax, so a typo fails at start rather than at bind time. */
  public String host(String name, String defaultValue) {
    String v = string(name, defaultValue);
    if (!isHost(v)) {
      problems.add(name + " must be a host name or an IP address, got \"" + v + "\"");
    }
    return v;
  }

  /** True for a host name, an IPv4 or an IPv6 address (see {@link #host}). */
  public static boolean isHost(String value) {
    return value != null && HOST.matcher(value).matches();
  }

  /**
   * True for {@code host} or {@code host:port} with a port from 1 to 65535 ({@code [v6]:port} for IPv6).
   * A bare IPv6 address (two colons or more) is a host without a port.
   */
  public static boolean isHostAndOptionalPort(String value) {
    return isHost(value) || isHostAndPort(value);
  }

  /** True for {@code host:port} with a port from 1 to 65535 ({@code [v6]:port} for IPv6). */
  public static boolean isHostAndPort(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      return false;
    }
    String port = value.substring(colon + 1);
    return isHost(value.substring(0, colon)) && port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1
        && Integer.parseInt(port) <= 65535;
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
