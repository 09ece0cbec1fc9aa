package io.clickstream.worker.publish;

import io.clickstream.worker.simulation.ClickEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Events held back to arrive late, ordered by when they are due. Owned by the generator thread; the size
 * is published for stats through a volatile read of {@link #size()}.
 */
public final class LateEventQueue {
  private record Held(long dueMillis, long order, ClickEvent event) {
  }

  /**
   * Ties on the due time go in the order held, so that a user's late events that fall due together
   * keep their order: with a seed and the virtual clock, the stream must not depend on heap internals.
   */
  private final PriorityQueue<Held> queue = new PriorityQueue<>((a, b) -> a.dueMillis != b.dueMillis
      ? Long.compare(a.dueMillis, b.dueMillis) : Long.compare(a.order, b.order));
  private long held;
  private volatile int size;

  /** Holds a detached copy until {@code event.eventTime + event.lateDelayMillis}. */
  public void hold(ClickEvent event) {
    queue.add(new Held(event.eventTime + event.lateDelayMillis, held++, event.copy()));
    size = queue.size();
  }

  /**
   * What the held events bound, for a truth report: the earliest event time per partition (the perfect
   * watermark) and overall (the windows that are final), and the latest due time (how long a lost worker
   * may still send). Empty values: Long.MAX_VALUE for the minima, Long.MIN_VALUE for the maximum.
   */
  public record Bounds(long[] minEventTimeByPartition, long minEventTime, long maxDueMillis) {
  }

  /** {@link Bounds} in one scan of the queue; called about once a second. */
  public Bounds bounds(int partitions) {
    long[] byPartition = new long[partitions];
    java.util.Arrays.fill(byPartition, Long.MAX_VALUE);
    long min = Long.MAX_VALUE;
    long maxDue = Long.MIN_VALUE;
    for (Held h : queue) {
      int p = h.event.partition;
      byPartition[p] = Math.min(byPartition[p], h.event.eventTime);
      min = Math.min(min, h.event.eventTime);
      maxDue = Math.max(maxDue, h.dueMillis);
    }
    return new Bounds(byPartition, min, maxDue);
  }

  /** Removes and returns up to {@code limit} events due at {@code nowMillis}, earliest first. */
  public List<ClickEvent> pollDue(long nowMillis, int limit) {
    List<ClickEvent> due = new ArrayList<>();
    while (due.size() < limit && !queue.isEmpty() && queue.peek().dueMillis <= nowMillis) {
      due.add(queue.poll().event);
    }
    size = queue.size();
    return due;
  }

  /** Everything still held, earliest first: used on a graceful stop, when nothing may stay behind. */
  public List<ClickEvent> drainAll() {
    return pollDue(Long.MAX_VALUE, Integer.MAX_VALUE);
  }

  /** Epoch ms when the next held event is due, or Long.MAX_VALUE. */
  public long nextDueMillis() {
    Held head = queue.peek();
    return head == null ? Long.MAX_VALUE : head.dueMillis;
  }

  public int size() {
    return size;
  }
}
