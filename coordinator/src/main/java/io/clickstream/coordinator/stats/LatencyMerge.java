package io.clickstream.coordinator.stats;

import io.clickstream.protocol.HistogramCodec;
import org.HdrHistogram.Histogram;

/**
 * One latency (ack or send lag) summed over workers: their histograms added into one, plus the
 * percentiles of workers that sent none, which can only be taken as they are (a max, not a merge).
 */
final class LatencyMerge {
  private final Histogram sum = HistogramCodec.newHistogram();
  private double p50WithoutHistogram;
  private double p99WithoutHistogram;
  private double maxMs;

  void add(Histogram micros, double p50Ms, double p99Ms, double workerMaxMs) {
    if (micros != null) {
      sum.add(micros);
    } else {
      p50WithoutHistogram = Math.max(p50WithoutHistogram, p50Ms);
      p99WithoutHistogram = Math.max(p99WithoutHistogram, p99Ms);
    }
    maxMs = Math.max(maxMs, workerMaxMs);
  }

  /** Milliseconds; 0 with no samples at all, as a worker reports an empty interval. */
  double p50Ms() {
    return Math.max(mergedMs(50), p50WithoutHistogram);
  }

  double p99Ms() {
    return Math.max(mergedMs(99), p99WithoutHistogram);
  }

  private double mergedMs(double percentile) {
    return sum.getTotalCount() == 0 ? 0 : sum.getValueAtPercentile(percentile) / 1000.0;
  }

  double maxMs() {
    return maxMs;
  }
}
