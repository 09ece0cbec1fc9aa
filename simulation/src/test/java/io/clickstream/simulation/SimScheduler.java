package io.clickstream.simulation;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The only source of time and order in a simulated cluster: a priority queue of (time, sequence) events
 * and one seeded random source. One thread, no wall time, no hash order of identity-hashed objects, so
 * a seed replays the same run exactly.
 */
final class SimScheduler {
  /** The wall time at simulated time zero: a fixed instant, so event times replay too. */
  static final long WALL_ORIGIN_MILLIS = 1_767_225_600_000L;

  /** One piece of work; {@code owner} null for the world's own (faults, membership views). */
  static final class Event {
    final long id;
    final Member owner;
    final Runnable action;
    long time;
    long seq;
    boolean cancelled;

    Event(long id, Member owner, Runnable action) {
      this.id = id;
      this.owner = owner;
      this.action = action;
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time
      ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  /** Pending events by id, for cancel (Long keys: value hashes, no identity order). */
  private final Map<Long, Event> pending = new HashMap<>();
  final SplittableRandom random;
  private long now;
  private long seq;
  private long nextId = 1;
  private long steps;

  SimScheduler(long seed) {
    this.random = new SplittableRandom(seed);
  }

  long nowNanos() {
    return now;
  }

  long nowMillis() {
    return now / 1_000_000L;
  }

  long steps() {
    return steps;
  }

  /** Schedules {@code action} for {@code owner} after {@code delayNanos}; returns its id. */
  long after(Member owner, long delayNanos, Runnable action) {
    Event e = new Event(nextId++, owner, action);
    e.time = now + delayNanos;
    e.seq = seq++;
    queue.add(e);
    pending.put(e.id, e);
    return e.id;
  }

  boolean cancel(long id) {
    Event e = pending.remove(id);
    if (e == null) {
      return false;
    }
    e.cancelled = true;
    return true;
  }

  /** A resumed member's held work, now and in its original order. */
  void requeue(Member member) {
    for (Event e : member.backlog) {
      if (!e.cancelled) {
        e.time = now;
        e.seq = seq++;
        queue.add(e);
      }
    }
    member.backlog.clear();
  }

  /** The time of the next event, or Long.MAX_VALUE when none is left. */
  long nextTime() {
    Event head = queue.peek();
    return head == null ? Long.MAX_VALUE : head.time;
  }

  /**
   * Runs the next event due at or before {@code untilNanos}; returns false when there is none (time then
   * moves to {@code untilNanos}). An event of a dead member is dropped, one of a frozen member is held.
   */
  boolean step(long untilNanos) {
    while (true) {
      Event e = queue.peek();
      if (e == null || e.time > untilNanos) {
        now = Math.max(now, untilNanos);
        return false;
      }
      queue.poll();
      if (e.cancelled) {
        continue;
      }
      now = e.time;
      if (e.owner != null && e.owner.dead()) {
        pending.remove(e.id);
        continue;
      }
      if (e.owner != null && e.owner.frozen()) {
        e.owner.backlog.add(e);
        continue;
      }
      pending.remove(e.id);
      steps++;
      e.action.run();
      return true;
    }
  }

  /** A uniform draw in [from, to]. */
  long between(long from, long to) {
    return to <= from ? from : from + random.nextLong(to - from + 1);
  }

  boolean chance(double p) {
    return p > 0 && random.nextDouble() < p;
  }
}
