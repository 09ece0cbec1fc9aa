package io.clickstream.coordinator;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Timers;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A clock and timers that move only when the test says so: {@link #advance} runs the due timers in time
 * order (ties in the order they were set), on the test's thread. No Vert.x, no sleeping.
 */
final class ManualTime implements Clock, Timers {
  private record Due(long atMillis, long id, Runnable action) {
  }

  private final PriorityQueue<Due> queue =
      new PriorityQueue<>(Comparator.comparingLong(Due::atMillis).thenComparingLong(Due::id));
  private final long wallStartMillis;
  private long nowMillis;
  private long nextId;

  ManualTime(long wallStartMillis) {
    this.wallStartMillis = wallStartMillis;
  }

  @Override
  public long nanoTime() {
    return nowMillis * 1_000_000L;
  }

  @Override
  public long currentTimeMillis() {
    return wallStartMillis + nowMillis;
  }

  @Override
  public long after(long delayMillis, Runnable action) {
    long id = nextId++;
    queue.add(new Due(nowMillis + Math.max(0, delayMillis), id, action));
    return id;
  }

  @Override
  public boolean cancel(long timerId) {
    return queue.removeIf(d -> d.id() == timerId);
  }

  /** Runs every timer due within the next {@code millis}, including those they set, then stops there. */
  void advance(long millis) {
    long end = nowMillis + millis;
    while (!queue.isEmpty() && queue.peek().atMillis() <= end) {
      Due due = queue.poll();
      nowMillis = Math.max(nowMillis, due.atMillis());
      due.action().run();
    }
    nowMillis = end;
  }

  /** Runs what is due now (zero-delay timers). */
  void runDue() {
    advance(0);
  }
}
