package io.clickstream.worker.simulation;

import java.util.Locale;

/**
 * How late a late event is: a distribution of delays, capped at MAX_LATE_SECONDS, sampled by inverse
 * transform from one uniform draw (so a seeded user stream stays reproducible). Parsed from
 * LATE_DISTRIBUTION:
 * <ul>
 *   <li>{@code uniform}: the original, 10 s .. MAX_LATE_SECONDS (the default);</li>
 *   <li>{@code exponential:<mean s>}: many slightly late, few very late;</li>
 *   <li>{@code fixed:<s>}: every late event exactly that late;</li>
 *   <li>{@code pareto:<scale s>,<shape>}: heavy-tailed, at least scale seconds.</li>
 * </ul>
 */
public sealed interface LateDelay {
  /** The delay for a uniform draw u in [0, 1), in milliseconds, within [1, max]. */
  long sampleMillis(double u);

  /** P(delay <= millis): the distribution the samples follow, cap included, for checking them. */
  double cdf(double millis);

  String describe();

  record Uniform(long minMillis, long maxMillis) implements LateDelay {
    public long sampleMillis(double u) {
      return minMillis + (long) (u * (maxMillis - minMillis + 1));
    }

    public double cdf(double millis) {
      return millis < minMillis ? 0 : Math.min(1, (Math.floor(millis) - minMillis + 1) / (maxMillis - minMillis + 1));
    }

    public String describe() {
      return "uniform " + minMillis / 1000.0 + ".." + maxMillis / 1000.0 + " s";
    }
  }

  record Exponential(double meanMillis, long maxMillis) implements LateDelay {
    public long sampleMillis(double u) {
      return clamp(-meanMillis * Math.log(1 - u), maxMillis);
    }

    public double cdf(double millis) {
      return millis >= maxMillis ? 1 : 1 - Math.exp(-(Math.floor(millis) + 1) / meanMillis);
    }

    public String describe() {
      return "exponential, mean " + meanMillis / 1000.0 + " s, capped at " + maxMillis / 1000.0 + " s";
    }
  }

  record Fixed(long millis) implements LateDelay {
    public long sampleMillis(double u) {
      return millis;
    }

    public double cdf(double value) {
      return value >= millis ? 1 : 0;
    }

    public String describe() {
      return "fixed " + millis / 1000.0 + " s";
    }
  }

  record Pareto(double scaleMillis, double shape, long maxMillis) implements LateDelay {
    public long sampleMillis(double u) {
      return clamp(scaleMillis / Math.pow(1 - u, 1 / shape), maxMillis);
    }

    public double cdf(double millis) {
      if (millis >= maxMillis) {
        return 1;
      }
      double x = Math.floor(millis) + 1;
      return x < scaleMillis ? 0 : 1 - Math.pow(scaleMillis / x, shape);
    }

    public String describe() {
      return "pareto, scale " + scaleMillis / 1000.0 + " s, shape " + shape + ", capped at " + maxMillis / 1000.0 + " s";
    }
  }

  private static long clamp(double millis, long max) {
    return Math.max(1, Math.min(max, (long) millis));
  }

  /**
   * Parses LATE_DISTRIBUTION; the message of the exception names the variable and the value. The
   * original's uniform delays start at 10 s (or at MAX_LATE_SECONDS if that is smaller).
   */
  public static LateDelay parse(String spec, int maxLateSeconds) {
    long max = maxLateSeconds * 1000L;
    String value = spec == null ? "uniform" : spec.trim().toLowerCase(Locale.ROOT);
    String error = "LATE_DISTRIBUTION must be uniform, exponential:<mean s>, fixed:<s> or pareto:<scale s>,<shape>"
        + " with values > 0 and at most MAX_LATE_SECONDS (" + maxLateSeconds + "), got \"" + spec + "\"";
    try {
      if (value.equals("uniform")) {
        return new Uniform(Math.min(10_000L, max), max);
      }
      String[] kind = value.split(":", 2);
      if (kind.length != 2) {
        throw new IllegalArgumentException(error);
      }
      String[] args = kind[1].split(",");
      switch (kind[0]) {
        case "exponential" -> {
          double mean = seconds(args, 1, error);
          return new Exponential(mean * 1000, max);
        }
        case "fixed" -> {
          double fixed = seconds(args, 1, error);
          if (fixed * 1000 > max) {
            throw new IllegalArgumentException(error);
          }
          return new Fixed(Math.max(1, (long) (fixed * 1000)));
        }
        case "pareto" -> {
          if (args.length != 2) {
            throw new IllegalArgumentException(error);
          }
          double scale = seconds(new String[] {args[0]}, 1, error);
          double shape = seconds(new String[] {args[1]}, 1, error);
          if (scale * 1000 > max) {
            throw new IllegalArgumentException(error);
          }
          return new Pareto(scale * 1000, shape, max);
        }
        default -> throw new IllegalArgumentException(error);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(error);
    }
  }

  private static double seconds(String[] args, int expected, String error) {
    if (args.length != expected) {
      throw new IllegalArgumentException(error);
    }
    double v = Double.parseDouble(args[0].trim());
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(error);
    }
    return v;
  }
}
