package io.clickstream.coordinator.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clickstream.protocol.Counters;
import io.clickstream.protocol.HistogramCodec;
import io.clickstream.protocol.StatsReport;
import io.clickstream.protocol.UserRange;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ClusterStatsLatencyTest {
  private static final long NOW = 1_000_000;

  @Test
  void theClusterP99IsThePercentileOfTheSumNotTheWorstWorker() {
    ClusterStats stats = new ClusterStats(3000, 60);
    // 49 workers with 100 samples at 1 ms, one with 20 at 100 ms: 0.4 % of the samples are slow, so the
    // cluster's p99 is 1 ms. Two more slow workers of 100 samples make it 4.3 %, and the p99 100 ms.
    for (int w = 0; w < 49; w++) {
      stats.accept(report("w" + w, uniform(100, 1_000)), NOW);
    }
    stats.accept(report("slow", uniform(20, 100_000)), NOW);
    ClusterStats.Latencies merged = stats.latencies(NOW);
    assertThat(merged.ackP99Ms()).isCloseTo(1.0, within(0.01));
    assertThat(merged.ackP50Ms()).isCloseTo(1.0, within(0.01));
    // The old figure, the worst worker's p99, would say 100 ms; the maximum still does.
    assertThat(merged.sendLagMaxMs()).isCloseTo(100.0, within(0.1));
    stats.accept(report("slow2", uniform(100, 100_000)), NOW);
    stats.accept(report("slow3", uniform(100, 100_000)), NOW);
    assertThat(stats.latencies(NOW).ackP99Ms()).isCloseTo(100.0, within(0.1));
  }

  @Test
  void mergingSurvivesTheWireAndStaleReportsAreLeftOut() {
    ClusterStats stats = new ClusterStats(3000, 60);
    stats.accept(StatsReport.fromJson(new JsonObject(report("a", uniform(10, 2_000)).toJson().encode())), NOW);
    stats.accept(report("old", uniform(10, 500_000)), NOW - 10_000);
    assertThat(stats.latencies(NOW).ackP99Ms()).isCloseTo(2.0, within(0.01));
  }

  @Test
  void aWorkerWithoutHistogramsCountsWithItsOwnPercentiles() {
    ClusterStats stats = new ClusterStats(3000, 60);
    stats.accept(report("a", uniform(100, 1_000)), NOW);
    stats.accept(new StatsReport("legacy", "h", 1, 1, new UserRange(1, 10), 10, true, Counters.ZERO, Map.of(), 1000,
        Counters.ZERO, Map.of(), 4.0, 40.0, 50.0, 3.0, 30.0, 60.0, null), NOW);
    ClusterStats.Latencies l = stats.latencies(NOW);
    assertThat(l.ackP50Ms()).isEqualTo(4.0);
    assertThat(l.ackP99Ms()).isEqualTo(40.0);
    assertThat(l.sendLagP99Ms()).isEqualTo(30.0);
    assertThat(l.sendLagMaxMs()).isEqualTo(60.0);
  }

  @Test
  void noSamplesAreZeros() {
    ClusterStats stats = new ClusterStats(3000, 60);
    stats.accept(report("idle", HistogramCodec.newHistogram()), NOW);
    assertThat(stats.latencies(NOW)).isEqualTo(new ClusterStats.Latencies(0, 0, 0, 0));
  }

  private static Histogram uniform(int count, long micros) {
    Histogram h = HistogramCodec.newHistogram();
    h.recordValueWithCount(micros, count);
    return h;
  }

  /** Ack latency and send lag alike, with per-worker fields as a worker computes them. */
  private static StatsReport report(String workerId, Histogram micros) {
    double p50 = micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(50) / 1000.0;
    double p99 = micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(99) / 1000.0;
    double max = micros.getTotalCount() == 0 ? 0 : micros.getMaxValue() / 1000.0;
    return new StatsReport(workerId, "h", 1, 1, new UserRange(1, 10), 10, true, Counters.ZERO, Map.of(), 1000,
        Counters.ZERO, Map.of(), p50, p99, max, p50, p99, max, null, micros, micros);
  }
}
