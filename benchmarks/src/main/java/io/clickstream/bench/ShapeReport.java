package io.clickstream.bench;

/**
 * How closely a sine traffic shape is followed, as a windowed job downstream would count it: the events
 * per 10-second window of event time (the record timestamps) against the integral of the sine over the
 * same window. The integral comes from the shape's documented formula, {@code mid - amplitude * cos(2 pi t
 * / period)} (it starts at min, rising), not from the coordinator's code.
 *
 * <pre>java -cp clickstream-benchmarks.jar io.clickstream.bench.ShapeReport BOOTSTRAP TOPIC START_MS MIN MAX PERIOD_S DURATION_S</pre>
 */
public final class ShapeReport {
  private static final long WINDOW_MILLIS = 10_000;

  private ShapeReport() {
  }

  /** The shape as started: its start on the wall clock and its parameters. */
  record Sine(long startMillis, double min, double max, double periodSeconds, long durationSeconds) {
    /** Events the sine asks for between two offsets from its start. */
    double integral(long fromMillis, long toMillis) {
      double mid = (min + max) / 2;
      double amplitude = (max - min) / 2;
      double w = 2 * Math.PI / periodSeconds;
      double a = fromMillis / 1000.0;
      double b = toMillis / 1000.0;
      return mid * (b - a) - amplitude * (Math.sin(w * b) - Math.sin(w * a)) / w;
    }

    int windows() {
      return (int) (durationSeconds * 1000 / WINDOW_MILLIS);
    }
  }

  /** Counts per window, then one table line per window and the worst error. */
  static String report(Sine sine, long[] counts) {
    StringBuilder table = new StringBuilder("| window (s from the shape's start) | events | expected | error |\n|---|---:|---:|---:|\n");
    double worst = 0;
    for (int k = 0; k < counts.length; k++) {
      double expected = sine.integral(k * WINDOW_MILLIS, (k + 1) * WINDOW_MILLIS);
      double error = (counts[k] - expected) / expected;
      worst = Math.abs(error) > Math.abs(worst) ? error : worst;
      table.append(String.format("| %d-%d | %,d | %,.1f | %+.2f %% |%n", k * 10, k * 10 + 10, counts[k], expected,
          100 * error));
    }
    return table.append(String.format("%nworst window error: %+.2f %%%n", 100 * worst)).toString();
  }

  public static void main(String[] args) {
    if (args.length != 7) {
      System.err.println("usage: ShapeReport BOOTSTRAP TOPIC START_MS MIN MAX PERIOD_S DURATION_S");
      System.exit(2);
    }
    Sine sine = new Sine(Long.parseLong(args[2]), Double.parseDouble(args[3]), Double.parseDouble(args[4]),
        Double.parseDouble(args[5]), Long.parseLong(args[6]));
    long[] counts = new long[sine.windows()];
    OffsetSampler.readAll(args[0], args[1], r -> {
      long offset = r.timestamp() - sine.startMillis();
      if (offset >= 0 && offset < counts.length * WINDOW_MILLIS) {
        counts[(int) (offset / WINDOW_MILLIS)]++;
      }
    });
    System.out.print(report(sine, counts));
  }
}
