package io.clickstream.simulation;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Timers;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated process (the coordinator or a worker): what the scheduler needs to know to run, hold or
 * drop its work. Every timer, executor task and message delivery is owned by a member, so a kill drops
 * them all at once and a freeze holds them, like SIGKILL and SIGSTOP on a real JVM.
 */
final class Member {
  final String name;
  /** Its cluster node id; a restarted process has a new one. */
  final String nodeId;
  private final SimScheduler scheduler;
  /** Where this process's monotonic clock starts: only differences mean anything, as with System.nanoTime. */
  private final long nanoOffset;
  /** How far its wall clock is off the true time, in ms (NTP keeps it small). */
  private final long wallSkewMillis;
  private boolean dead;
  private boolean frozen;
  /** What fell due while frozen, in order; it runs at the resume, with stale state. */
  final List<SimScheduler.Event> backlog = new ArrayList<>();

  Member(String name, String nodeId, SimScheduler scheduler, long nanoOffset, long wallSkewMillis) {
    this.name = name;
    this.nodeId = nodeId;
    this.scheduler = scheduler;
    this.nanoOffset = nanoOffset;
    this.wallSkewMillis = wallSkewMillis;
  }

  boolean dead() {
    return dead;
  }

  boolean frozen() {
    return frozen;
  }

  /** Runs nothing any more: its timers, tasks and inbox die with it. */
  void kill() {
    dead = true;
    backlog.clear();
  }

  void freeze() {
    frozen = true;
  }

  void resume() {
    frozen = false;
    scheduler.requeue(this);
  }

  /** This process's clock: the one true simulated time, seen through its own origin and skew. */
  final Clock clock = new Clock() {
    @Override
    public long nanoTime() {
      return scheduler.nowNanos() + nanoOffset;
    }

    @Override
    public long currentTimeMillis() {
      return SimScheduler.WALL_ORIGIN_MILLIS + scheduler.nowNanos() / 1_000_000L + wallSkewMillis;
    }
  };

  /** Its monotonic time converted back to the scheduler's (for invariants that compare processes). */
  long toGlobalNanos(long memberNanos) {
    return memberNanos - nanoOffset;
  }

  /** Timers on this process's event loop. */
  final Timers timers = new Timers() {
    @Override
    public long after(long delayMillis, Runnable action) {
      return scheduler.after(Member.this, Math.max(0, delayMillis) * 1_000_000L, action);
    }

    @Override
    public boolean cancel(long timerId) {
      return scheduler.cancel(timerId);
    }
  };

  /** Runs a task on this process's event loop, after the current one (the link's executor). */
  void execute(Runnable task) {
    scheduler.after(this, 0, task);
  }

  @Override
  public String toString() {
    return name + (dead ? "(dead)" : frozen ? "(frozen)" : "");
  }
}
