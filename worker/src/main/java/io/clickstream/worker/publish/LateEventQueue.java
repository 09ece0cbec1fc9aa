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
  private record Held(long dueMillis, ClickEvent event) {
  }

  private final PriorityQueue<Held> queue = new PriorityQueue<>((a, b) -> Long.compare(a.dueMillis, b.dueMillis));
  private volatile int size;

  /** Holds a detached copy until {@code event.eventTime + event.lateDelayMillis}. */
  public void hold(ClickEvent event) {
    queue.add(new Held(event.eventTime + event.lateDelayMillis, event.copy()));
    size = queue.size();
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
