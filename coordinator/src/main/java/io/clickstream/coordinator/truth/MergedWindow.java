package io.clickstream.coordinator.truth;

import io.clickstream.protocol.TruthReport;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One window of event time as {@link TruthMerger} merges the workers' parts into it, then final: kept as
 * it is by the {@link TruthStore} and turned into JSON only at the edge ({@link TruthJson}). Mutable only
 * while it is merged, on the coordinator's event loop.
 */
public final class MergedWindow {
  private final long start;
  private final long end;
  private final long[] byType = new long[5];
  private final BitSet users = new BitSet();
  private long revenueCents;
  private long[] latenessSeconds = new long[0];
  private long[] arrivingAfter = new long[0];
  /** worker → [first epoch, last epoch, events]. */
  private final Map<String, long[]> parts = new LinkedHashMap<>();
  private boolean complete = true;

  /** An empty window; parts are added while it is merged. */
  public MergedWindow(long start, long end) {
    this.start = start;
    this.end = end;
  }

  public long start() {
    return start;
  }

  public long end() {
    return end;
  }

  public long[] byType() {
    return byType.clone();
  }

  public long events() {
    long sum = 0;
    for (long n : byType) {
      sum += n;
    }
    return sum;
  }

  public int distinctUsers() {
    return users.cardinality();
  }

  public long revenueCents() {
    return revenueCents;
  }

  public long[] latenessSeconds() {
    return latenessSeconds.clone();
  }

  public long[] arrivingAfter() {
    return arrivingAfter.clone();
  }

  public Map<String, long[]> parts() {
    return parts;
  }

  /** False when a lost worker may have had events in it that it never reported. */
  public boolean complete() {
    return complete;
  }

  /** A lost worker may have had events in it that it never reported. */
  void incomplete() {
    complete = false;
  }

  void add(String worker, TruthReport.WindowPart part) {
    for (int i = 0; i < byType.length; i++) {
      byType[i] += part.byType()[i];
    }
    users.or(part.users());
    revenueCents += part.revenueCents();
    if (latenessSeconds.length == 0) {
      latenessSeconds = part.latenessSeconds().clone();
      arrivingAfter = new long[latenessSeconds.length];
    }
    for (int i = 0; i < Math.min(arrivingAfter.length, part.arrivingAfter().length); i++) {
      arrivingAfter[i] += part.arrivingAfter()[i];
    }
    long events = 0;
    for (long n : part.byType()) {
      events += n;
    }
    long[] summary = parts.computeIfAbsent(worker, w -> new long[] {Long.MAX_VALUE, 0, 0});
    summary[0] = Math.min(summary[0], part.firstEpoch());
    summary[1] = Math.max(summary[1], part.lastEpoch());
    summary[2] += events;
  }
}
