package io.clickstream.worker.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.protocol.UserRange;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LateDelayTest {
  /**
   * The delays the simulator gives late events follow the chosen distribution: a Kolmogorov-Smirnov
   * test of 20,000 late events against the distribution's CDF. The critical value at 1 % is
   * 1.63 / sqrt(n) ~ 0.0115; the seed is fixed, so this is deterministic, yet it fails for any
   * distribution other than the one configured (see the mismatch case below).
   */
  @ParameterizedTest
  @ValueSource(strings = {"uniform", "exponential:20", "pareto:5,1.5", "fixed:30"})
  void simulatedDelaysFollowTheConfiguredDistribution(String spec) {
    LateDelay delay = LateDelay.parse(spec, 120);
    long[] delays = lateDelays(delay, 20_000);
    assertThat(Arrays.stream(delays).max().orElseThrow()).isLessThanOrEqualTo(120_000);
    assertThat(ks(delays, delay)).isLessThan(1.63 / Math.sqrt(delays.length));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"exponential:20|exponential:25", "uniform|exponential:65", "pareto:5,1.5|pareto:5,2"})
  void theTestTellsDistributionsApart(String generated, String claimed) {
    long[] delays = lateDelays(LateDelay.parse(generated, 120), 20_000);
    assertThat(ks(delays, LateDelay.parse(claimed, 120))).isGreaterThan(1.63 / Math.sqrt(delays.length));
  }

  @ParameterizedTest
  @ValueSource(strings = {"normal", "exponential", "exponential:-1", "fixed:200", "pareto:5", "pareto:x,2", "fixed:0"})
  void badSpecificationsAreNamed(String spec) {
    assertThatThrownBy(() -> LateDelay.parse(spec, 120)).hasMessageContaining("LATE_DISTRIBUTION must be")
        .hasMessageContaining("got \"" + spec + "\"");
  }

  private static long[] lateDelays(LateDelay delay, int count) {
    ClickSimulator sim = new ClickSimulator(new Catalog(50, 1), Behaviour.defaults(50, delay, 30), 99);
    sim.assign(new UserRange(1, 500), 1);
    long[] out = new long[count];
    ClickEvent e = new ClickEvent();
    int n = 0;
    for (long t = 0; n < count; t++) {
      sim.next(1_700_000_000_000L + t, e);
      if (e.isLate()) {
        out[n++] = e.lateDelayMillis;
      }
    }
    return out;
  }

  /** Kolmogorov-Smirnov statistic of integer-millisecond samples against a CDF. */
  private static double ks(long[] samples, LateDelay delay) {
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    double d = 0;
    int n = sorted.length;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j < n && sorted[j] == sorted[i]) {
        j++;
      }
      double f = delay.cdf(sorted[i]);
      d = Math.max(d, Math.max(Math.abs((double) j / n - f), Math.abs((double) i / n - delay.cdf(sorted[i] - 1))));
      i = j;
    }
    return d;
  }
}
