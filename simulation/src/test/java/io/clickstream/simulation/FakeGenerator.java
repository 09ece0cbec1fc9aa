package io.clickstream.simulation;

import io.clickstream.protocol.UserRange;
import io.clickstream.worker.cluster.Holding;
import io.clickstream.worker.cluster.LeasedGenerator;
import java.util.concurrent.CompletableFuture;

/**
 * The generator as the protocol sees it, recording instead of producing: the rules are GeneratorLoop's
 * (an epoch not newer than the held one is refused; a user acts only while the lease runs, the worker is
 * not paused and not stopping; a user new to it acts only after {@code notBeforeMillis}; a user's events
 * are at least 1 ms apart), the production is one event per held user whenever simulated time moves.
 * Its commands run "on the generator thread": as events of its member, optionally late (slow acks).
 */
final class FakeGenerator implements LeasedGenerator {
  /** What the simulation does with each event. */
  interface Production {
    void produced(FakeGenerator generator, int user, long eventMillis);
  }

  private final Member member;
  private final SimScheduler scheduler;
  private final SimParams params;
  private final Trace trace;
  private final String incarnation;
  private final String workerId;
  private Holding holding = Holding.NOTHING;
  private long leaseExpiryNanos;
  /** GeneratorLoop.stop(): a graceful stop generates nothing new. */
  private boolean stopped;
  /** Per user, the last event time this worker gave it (or the notBefore it was handed over with). */
  private final long[] lastEventMillis;
  private long latestEventMillis;
  private long latestEventAtApply;
  /** When the last command queued runs: commands run in order, as on GeneratorLoop's one thread. */
  private long lastCommandNanos;
  /** For the harness's own test: a generator that ignores its lease must be caught. */
  private final boolean ignoreLease;

  FakeGenerator(Member member, SimScheduler scheduler, SimParams params, Trace trace, String workerId,
                boolean ignoreLease) {
    this.member = member;
    this.trace = trace;
    this.scheduler = scheduler;
    this.params = params;
    this.workerId = workerId;
    this.incarnation = member.nodeId + "-incarnation";
    this.lastEventMillis = new long[params.numUsers() + 1];
    this.leaseExpiryNanos = member.clock.nanoTime();
    this.ignoreLease = ignoreLease;
  }

  String workerId() {
    return workerId;
  }

  Member member() {
    return member;
  }

  @Override
  public Holding holding() {
    return holding;
  }

  @Override
  public String incarnation() {
    return incarnation;
  }

  @Override
  public CompletableFuture<Boolean> apply(Holding next, long notBeforeMillis) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    long delay = scheduler.chance(params.slowAckRate()) ? scheduler.between(1, params.maxAckDelayMillis()) : 0;
    command(delay, () -> {
      Holding current = holding;
      if (next.epoch() <= current.epoch() && current != Holding.NOTHING) {
        done.complete(false);
        return;
      }
      for (int user = next.users().from(); user <= next.users().to(); user++) {
        if (!current.users().contains(user)) {
          lastEventMillis[user] = notBeforeMillis;
        }
      }
      holding = next;
      latestEventAtApply = latestEventMillis;
      trace.detail(member.name + " applied epoch " + next.epoch() + " users " + next.users()
          + (next.paused() ? " paused" : ""));
      done.complete(true);
    });
    return done;
  }

  /** GeneratorLoop's rule: the rate and pause change only while it holds {@code epoch}; users stay. */
  @Override
  public CompletableFuture<Boolean> changeRate(long epoch, double eventsPerSecond, boolean paused) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    long delay = scheduler.chance(params.slowAckRate()) ? scheduler.between(1, params.maxAckDelayMillis()) : 0;
    command(delay, () -> {
      Holding current = holding;
      if (current.epoch() != epoch || current == Holding.NOTHING) {
        done.complete(false);
        return;
      }
      holding = new Holding(epoch, current.users(), eventsPerSecond, paused, current.population());
      trace.detail(member.name + " rate " + eventsPerSecond + (paused ? " paused" : "") + " at epoch " + epoch);
      done.complete(true);
    });
    return done;
  }

  @Override
  public CompletableFuture<Void> release() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    command(0, () -> {
      Holding current = holding;
      if (!current.users().isEmpty()) {
        holding = new Holding(current.epoch(), UserRange.EMPTY, 0, current.paused(), current.population());
      }
      latestEventAtApply = latestEventMillis;
      trace.detail(member.name + " released its users (epoch " + current.epoch() + ")");
      done.complete(null);
    });
    return done;
  }

  /** Runs a command after {@code delayMillis}, but never before one queued earlier. */
  private void command(long delayMillis, Runnable action) {
    long at = Math.max(scheduler.nowNanos() + delayMillis * 1_000_000L, lastCommandNanos);
    lastCommandNanos = at;
    scheduler.after(member, at - scheduler.nowNanos(), action);
  }

  @Override
  public void leaseUntil(long expiryNanos) {
    leaseExpiryNanos = expiryNanos;
  }

  @Override
  public void revokeLease() {
    leaseExpiryNanos = member.clock.nanoTime();
  }

  @Override
  public long latestEventAtApply() {
    return latestEventAtApply;
  }

  void stop() {
    stopped = true;
  }

  /** The lease's end on the scheduler's time line. */
  long leaseExpiryGlobalNanos() {
    return member.toGlobalNanos(leaseExpiryNanos);
  }

  /**
   * May this worker produce its users at this instant, or after a resume within its lease? Counts a
   * frozen worker whose lease runs: it produces the moment it wakes.
   */
  boolean mayProduce() {
    return !member.dead() && !stopped && !holding.paused() && !holding.users().isEmpty()
        && (ignoreLease || member.clock.nanoTime() - leaseExpiryNanos < 0);
  }

  /** One event per held user, at this member's wall time, if the user is due. */
  void produce(Production production) {
    if (member.frozen() || !mayProduce()) {
      return;
    }
    long wall = member.clock.currentTimeMillis();
    UserRange users = holding.users();
    for (int user = users.from(); user <= users.to(); user++) {
      if (wall > lastEventMillis[user]) {
        lastEventMillis[user] = wall;
        latestEventMillis = Math.max(latestEventMillis, wall);
        production.produced(this, user, wall);
      }
    }
  }
}
