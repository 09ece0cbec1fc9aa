package io.clickstream.coordinator;

/** A linear change of the global rate from {@code from} to {@code to} over a time span (wall ms). */
public record RateRamp(double from, double to, long startMillis, long durationMillis) {
  public double rateAt(long nowMillis) {
    if (durationMillis <= 0 || nowMillis >= startMillis + durationMillis) {
      return to;
    }
    double progress = Math.max(0, nowMillis - startMillis) / (double) durationMillis;
    return from + (to - from) * progress;
  }

  public boolean finishedAt(long nowMillis) {
    return nowMillis >= startMillis + durationMillis;
  }
}
