package io.clickstream.worker.publish;

import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.stats.WorkerStats;
import io.clickstream.worker.truth.PartitionMarks;
import io.clickstream.worker.truth.TruthTap;
import java.util.function.LongSupplier;

/**
 * What becomes of an event once made: its key and partition are set, it is counted and told to the
 * truth, then held back if late or handed to the {@link RecordSink}. Owned by the generator thread.
 */
final class EventOutlet implements Outlet {
  private final ClickEvent event;
  private final PartitionMarks marks;
  private final WorkerStats stats;
  private final TruthTap truth;
  private final LateEventQueue lateQueue;
  private final RecordSink sink;
  /** The epoch of the assignment held, stamped into the truth of each send. */
  private final LongSupplier epoch;
  /** The latest event time given to any user. */
  private long latestEventMillis;

  /** @param event the loop's shared event instance, which {@link #emit} reads */
  EventOutlet(ClickEvent event, PartitionMarks marks, WorkerStats stats, TruthTap truth, LateEventQueue lateQueue,
              RecordSink sink, LongSupplier epoch) {
    this.event = event;
    this.marks = marks;
    this.stats = stats;
    this.truth = truth;
    this.lateQueue = lateQueue;
    this.sink = sink;
    this.epoch = epoch;
  }

  /** The latest event time given to any user so far. */
  long latestEventMillis() {
    return latestEventMillis;
  }

  @Override
  public void emit(long nowNanos, long intendedNanos, long processingTime) {
    // One key array per event, shared by the partition, the record and a held-back copy.
    event.key = Ids.userKey(event.user);
    event.partition = marks.partitions() == 1 ? 0 : Ids.partitionOfKey(event.key, marks.partitions());
    boolean late = event.isLate();
    latestEventMillis = Math.max(latestEventMillis, event.eventTime);
    stats.generated(event.type, late);
    truth.generated(event);
    if (late) {
      lateQueue.hold(event);
    } else {
      send(event, intendedNanos, processingTime, 0);
    }
  }

  @Override
  public void send(ClickEvent e, long intendedNanos, long processingTime, long earlyMillis) {
    truth.sent(e, processingTime, epoch.getAsLong());
    if (earlyMillis > 0) {
      stats.sentEarly();
    }
    sink.send(e, intendedNanos, processingTime, earlyMillis);
  }
}
