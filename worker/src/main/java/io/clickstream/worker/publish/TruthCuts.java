package io.clickstream.worker.publish;

import io.clickstream.protocol.TruthReport;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.truth.PartitionMarks;
import io.clickstream.worker.truth.TruthRecorder;
import io.clickstream.worker.truth.TruthTap;

/**
 * Cuts the truth gathered since the previous report, on the generator thread between events, and says up
 * to when it is final: nothing this worker holds back, or has still to make, may fall before that time
 * (see {@link TruthReport}).
 */
final class TruthCuts {
  private final String workerId;
  /** This process's id in truth reports: a restarted worker with the same WORKER_ID starts afresh. */
  private final String incarnation;
  private final long sessionGapMillis;
  private final TruthTap tap;
  private final PartitionMarks marks;
  private final LateEventQueue lateQueue;
  private final ClickSimulator simulator;
  private final EventClock eventClock;
  private long seq;

  TruthCuts(String workerId, String incarnation, TruthTap tap, PartitionMarks marks, LateEventQueue lateQueue,
            ClickSimulator simulator, EventClock eventClock) {
    this.workerId = workerId;
    this.incarnation = incarnation;
    this.sessionGapMillis = simulator.sessionTimeoutMillis();
    this.tap = tap;
    this.marks = marks;
    this.lateQueue = lateQueue;
    this.simulator = simulator;
    this.eventClock = eventClock;
  }

  /** The report of what happened since the previous one; {@code last} makes every window final. */
  TruthReport cut(long nowNanos, long epoch, boolean last) {
    long clock = last ? Long.MAX_VALUE : eventClock.clockMillis(nowNanos);
    // A payment in progress may be cut short (a pause, a move, a lease run out) and its PURCHASE dated just
    // after its checkout: nothing is final after that time yet.
    long pending = simulator.earliestPendingPurchaseMillis();
    long markClock = Math.min(pending, eventClock.markMillis(nowNanos, last));
    clock = Math.min(clock, pending);
    if (eventClock.idleBoundsNothing() && !simulator.hasUsers() && lateQueue.size() == 0 && !last) {
      // A worker without users whose clock stands still (the virtual clock's slots) has nothing to send
      // (membership is fixed in a seed-exact run), so it bounds nothing.
      clock = Long.MAX_VALUE;
    }
    LateEventQueue.Bounds held = lateQueue.bounds(marks.partitions());
    long completeBefore = last ? Long.MAX_VALUE : Math.min(clock, held.minEventTime());
    TruthRecorder.Cut cut = last ? tap.finish() : tap.cut(clock, completeBefore);
    return new TruthReport(workerId, incarnation, ++seq, epoch, completeBefore, clock, sessionGapMillis,
        last ? Long.MIN_VALUE : held.maxDueMillis(), last, cut.windows(), cut.sessions(), cut.starts(),
        marks.cut(markClock, held.minEventTimeByPartition()));
  }
}
