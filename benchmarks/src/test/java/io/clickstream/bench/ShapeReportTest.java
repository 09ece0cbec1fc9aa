package io.clickstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ShapeReportTest {
  private final ShapeReport.Sine sine = new ShapeReport.Sine(0, 500, 3000, 60, 90);

  @Test
  void aWholePeriodAsksForTheMeanRateAndTheFirstWindowForLessThanTheSecond() {
    assertThat(sine.integral(0, 60_000)).isCloseTo(1750.0 * 60, within(1e-6));
    // It starts at min, rising: the first window asks for less than the next one.
    assertThat(sine.integral(0, 10_000)).isLessThan(sine.integral(10_000, 20_000));
    assertThat(sine.windows()).isEqualTo(9);
  }

  @Test
  void theReportNamesTheWorstWindow() {
    long[] counts = new long[sine.windows()];
    for (int k = 0; k < counts.length; k++) {
      counts[k] = Math.round(sine.integral(k * 10_000L, (k + 1) * 10_000L));
    }
    counts[4] = Math.round(counts[4] * 0.9);
    String report = ShapeReport.report(sine, counts);
    assertThat(report).contains("| 40-50 |").contains("worst window error: -10.0");
  }
}
