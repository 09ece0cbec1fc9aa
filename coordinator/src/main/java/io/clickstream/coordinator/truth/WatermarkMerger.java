package io.clickstream.coordinator.truth;

import io.clickstream.protocol.TruthReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The perfect watermark per partition: the smallest of the live workers' bounds (each says it will send
 * nothing below its bound to that partition), with the largest event time sent and whether the
 * partition is idle. Pure; the coordinator calls it once a second.
 */
public final class WatermarkMerger {
  private final long idleMillis;
  private long[] published = new long[0];

  /**
   * One partition's watermark as published (see {@link TruthJson#watermark}).
   *
   * @param maxEventTime the largest event time sent to it, null when none
   * @param lastSentAt when the latest event was sent to it (event time), null when none
   */
  public record Watermark(int partition, long watermark, boolean idle, long publishedAt, Long maxEventTime,
                          Long lastSentAt) {
  }

  public WatermarkMerger(long idleMillis) {
    this.idleMillis = idleMillis;
  }

  /**
   * One record per partition, or none while a live worker has not reported its bounds yet (its events
   * could be anywhere). {@code clocks} are the workers' event clocks at their last report.
   */
  public List<Watermark> merge(Set<String> liveWorkers, Map<String, List<TruthReport.PartitionMark>> marks,
                                Map<String, Long> clocks, long nowMillis) {
    int partitions = 0;
    for (String id : liveWorkers) {
      List<TruthReport.PartitionMark> m = marks.get(id);
      if (m == null || m.isEmpty()) {
        return List.of();
      }
      partitions = Math.max(partitions, m.size());
    }
    if (partitions == 0) {
      return List.of();
    }
    if (published.length < partitions) {
      long[] grown = new long[partitions];
      java.util.Arrays.fill(grown, Long.MIN_VALUE);
      System.arraycopy(published, 0, grown, 0, published.length);
      published = grown;
    }
    List<Watermark> out = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      long watermark = Long.MAX_VALUE;
      long maxEventTime = Long.MIN_VALUE;
      long lastSent = Long.MIN_VALUE;
      boolean idle = true;
      for (String id : liveWorkers) {
        List<TruthReport.PartitionMark> m = marks.get(id);
        if (p >= m.size()) {
          continue;
        }
        TruthReport.PartitionMark mark = m.get(p);
        watermark = Math.min(watermark, mark.watermark());
        maxEventTime = Math.max(maxEventTime, mark.maxEventTime());
        lastSent = Math.max(lastSent, mark.lastSent());
        long clock = clocks.getOrDefault(id, Long.MIN_VALUE);
        if (mark.lastSent() != Long.MIN_VALUE && clock - mark.lastSent() < idleMillis) {
          idle = false;
        }
      }
      if (watermark == Long.MIN_VALUE) {
        continue;
      }
      // Never backwards: a bound below one already published would mean the guarantee was broken (a worker
      // whose clock is behind), and a consumer's watermark must not regress either.
      published[p] = Math.max(published[p], watermark);
      out.add(new Watermark(p, published[p], idle, nowMillis, maxEventTime == Long.MIN_VALUE ? null : maxEventTime,
          lastSent == Long.MIN_VALUE ? null : lastSent));
    }
    return out;
  }
}
