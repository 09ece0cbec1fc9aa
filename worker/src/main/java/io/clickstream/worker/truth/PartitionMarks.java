package io.clickstream.worker.truth;

import io.clickstream.protocol.TruthReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * This worker's part of the perfect watermark, per partition. A candidate bound is the smaller of the
 * event clock and the earliest event time still held back for the partition; it is released only once
 * every event sent to the partition before it was cut has been acknowledged (or has failed), so an
 * event still in flight can never arrive below a published watermark. Kafka completes the sends of one
 * partition in order, so a count per partition is enough to know that.
 *
 * <p>Sends are recorded on the generator thread, completions on the producer's I/O thread.
 */
public final class PartitionMarks {
  private final int partitions;
  private final long[] maxEventTime;
  private final long[] lastSent;
  private final long[] sent;
  private final AtomicLongArray completed;
  private final long[] pendingWatermark;
  private final long[] pendingNeeds;
  private final long[] released;

  public PartitionMarks(int partitions) {
    this.partitions = partitions;
    maxEventTime = filled(partitions, Long.MIN_VALUE);
    lastSent = filled(partitions, Long.MIN_VALUE);
    sent = new long[partitions];
    completed = new AtomicLongArray(partitions);
    pendingWatermark = filled(partitions, Long.MIN_VALUE);
    pendingNeeds = filled(partitions, -1);
    released = filled(partitions, Long.MIN_VALUE);
  }

  public int partitions() {
    return partitions;
  }

  /** Generator thread, at send(). */
  public void sent(int partition, long eventTime, long clock) {
    sent[partition]++;
    if (eventTime > maxEventTime[partition]) {
      maxEventTime[partition] = eventTime;
    }
    lastSent[partition] = clock;
  }

  /** Generator thread: the send failed inside send() and never entered the producer. */
  public void unsent(int partition) {
    sent[partition]--;
  }

  /** Producer thread, from the send's callback (success or failure). */
  public void completed(int partition) {
    completed.incrementAndGet(partition);
  }

  /**
   * Releases the candidates whose sends are all complete, cuts new ones, and returns the released
   * bounds. {@code minHeldEventTime[p]} is the earliest event time held back for p (Long.MAX_VALUE when
   * none); {@code clock} is the event time the next generated event can have at the earliest.
   */
  public List<TruthReport.PartitionMark> cut(long clock, long[] minHeldEventTime) {
    List<TruthReport.PartitionMark> marks = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      if (pendingNeeds[p] >= 0 && completed.get(p) >= pendingNeeds[p]) {
        released[p] = Math.max(released[p], pendingWatermark[p]);
        pendingNeeds[p] = -1;
      }
      if (pendingNeeds[p] < 0) {
        pendingWatermark[p] = Math.min(clock, minHeldEventTime[p]);
        pendingNeeds[p] = sent[p];
        if (completed.get(p) >= pendingNeeds[p]) {
          // Nothing in flight: the bound holds at once.
          released[p] = Math.max(released[p], pendingWatermark[p]);
          pendingNeeds[p] = -1;
        }
      }
      marks.add(new TruthReport.PartitionMark(p, maxEventTime[p], released[p], lastSent[p]));
    }
    return marks;
  }

  private static long[] filled(int n, long value) {
    long[] a = new long[n];
    Arrays.fill(a, value);
    return a;
  }
}
