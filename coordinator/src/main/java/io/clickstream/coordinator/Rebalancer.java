package io.clickstream.coordinator;

import io.clickstream.coordinator.membership.WorkerEntry;
import io.clickstream.coordinator.membership.WorkerRegistry;
import io.clickstream.coordinator.partition.Partitioner;
import io.clickstream.coordinator.partition.RebalancePlan;
import io.clickstream.coordinator.rate.RateController;
import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.Timers;
import io.clickstream.protocol.UserRange;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves users between workers without ever letting two produce one user: revoke-before-grant rounds
 * (see {@link RebalancePlan}), a wait for the leases of lost workers, strictly increasing epochs, and the
 * hand-over time that keeps a moved user's events in order. Only membership changes come here: rate
 * changes travel as {@code RateChange} (see {@link RateSync}); an assignment carries the current rate
 * anyway. Single-threaded (the coordinator's event loop); time only from its {@link Clock} and
 * {@link Timers}.
 */
final class Rebalancer {
  private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);

  private final Clock clock;
  private final Timers timers;
  private final CoordinatorConfig config;
  private final WorkerChannel channel;
  private final String coordinatorId;
  private final WorkerRegistry registry;
  private final RateController rates;
  /** No grants before this: after a start, and again after a stall (see {@link #ticked}). */
  private long settledAtNanos;
  private long lastTickNanos;

  private long epoch;
  private boolean rebalancing;
  private boolean rebalanceAgain;
  private boolean settleTimerSet;
  private long rebalances;
  private long lastRebalanceDurationMillis;
  /**
   * The latest event time any worker reported when it let users go: users granted from now on act only
   * after it (see {@link Assignment}).
   */
  private long handoverMillis;

  Rebalancer(Clock clock, Timers timers, CoordinatorConfig config, WorkerChannel channel, String coordinatorId,
             WorkerRegistry registry, RateController rates) {
    this.clock = clock;
    this.timers = timers;
    this.config = config;
    this.channel = channel;
    this.coordinatorId = coordinatorId;
    this.registry = registry;
    this.rates = rates;
    // At least one lease (and a heartbeat for the bus to show this coordinator to everyone): a worker this
    // incarnation does not know yet may still produce in its grace period, on a lease that each heartbeat
    // finding no coordinator extended by one lease from when it was sent (see Lease.coordinatorGone).
    // Granting its users sooner put two workers on them (simulation, seed 1).
    this.settledAtNanos = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(config.settleMillis(),
        leaseAndBeatMillis()));
    // A stall before the first tick counts too (simulation, seed 56184).
    this.lastTickNanos = clock.nanoTime();
  }

  private long leaseAndBeatMillis() {
    return config.leaseMillis() + Protocol.HEARTBEAT_INTERVAL_MILLIS;
  }

  /**
   * Called on every coordinator tick. After a stall (GC, starvation, a freeze) the cluster may have dropped
   * this coordinator meanwhile, and workers that then found no coordinator extended their leases in their
   * grace period beyond what it believes: grant nothing until one more lease has passed, as after a start
   * (simulation, seed 589).
   */
  void ticked() {
    long tickNanos = clock.nanoTime();
    if (tickNanos - lastTickNanos > TimeUnit.MILLISECONDS.toNanos(2 * Coordinator.TICK_MILLIS)) {
      settledAtNanos = Math.max(settledAtNanos, tickNanos + TimeUnit.MILLISECONDS.toNanos(leaseAndBeatMillis()));
    }
    lastTickNanos = tickNanos;
  }

  /**
   * A worker registered holding this epoch, its latest event time so far given. Users it let go without an
   * acknowledged assignment (declared lost, or a new coordinator) start on their next worker after that
   * time (simulation, seed 349).
   */
  void registered(long heldEpoch, long lastEventMillis) {
    observeEpoch(heldEpoch);
    handoverMillis = Math.max(handoverMillis, lastEventMillis);
  }

  long epoch() {
    return epoch;
  }

  boolean rebalancing() {
    return rebalancing;
  }

  long rebalances() {
    return rebalances;
  }

  long lastRebalanceDurationMillis() {
    return lastRebalanceDurationMillis;
  }

  /**
   * A worker holds this epoch (from an earlier coordinator, say): continue above it, since workers drop
   * older ones. Epochs on the wire stop at Protocol.MAX_EPOCH, so this never comes near wrapping.
   */
  void observeEpoch(long heldEpoch) {
    epoch = Math.max(epoch, heldEpoch);
  }

  /** Rebalances now, or once the one in flight is done. Requests made during one coalesce. */
  void request(String reason) {
    long wait = settledAtNanos - clock.nanoTime();
    if (wait > 0) {
      // Just started: give workers that survived a coordinator restart time to say what they hold.
      if (!settleTimerSet) {
        settleTimerSet = true;
        // Rounded up, and re-armed if it still fires a hair early: a timer that fired inside the settle
        // window used to drop the request, and the workers waited for the next unrelated rebalance.
        timers.after(TimeUnit.NANOSECONDS.toMillis(wait) + 1, () -> {
          settleTimerSet = false;
          request(reason);
        });
      }
      return;
    }
    if (rebalancing) {
      rebalanceAgain = true;
      return;
    }
    rebalancing = true;
    long started = clock.nanoTime();
    rebalance().onComplete(ar -> {
      rebalancing = false;
      if (ar.succeeded()) {
        rebalances++;
        lastRebalanceDurationMillis = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - started);
        LOG.info("Rebalanced ({}) in {} ms: epoch {}, {} live workers, {} events/s{}", reason,
            lastRebalanceDurationMillis, epoch, registry.live().size(), rates.effectiveRate(),
            rates.paused() ? " (paused)" : "");
      } else {
        LOG.warn("Rebalance ({}) incomplete: {}; retrying", reason, String.valueOf(ar.cause().getMessage() == null
            ? ar.cause() : ar.cause().getMessage()));
        rebalanceAgain = true;
      }
      if (rebalanceAgain) {
        rebalanceAgain = false;
        // Let the event loop breathe between attempts, so a flapping worker cannot spin it.
        timers.after(ar.succeeded() ? 1 : 200, () -> request("follow-up"));
      }
    });
  }

  private Future<Void> rebalance() {
    List<WorkerEntry> live = registry.live();
    Map<String, UserRange> held = new LinkedHashMap<>();
    live.forEach(w -> held.put(w.id(), w.heldUsers()));
    // A draining worker is live (it still reports) but gets no users: it is left out of the split, so the
    // plan revokes what it holds.
    List<String> producers = live.stream().filter(w -> !w.draining()).map(WorkerEntry::id).toList();
    // Below MIN_WORKERS nobody gets users yet: the fleet starts with one split, without a rebalance.
    Map<String, UserRange> target = Partitioner.split(producers.size() < config.minWorkers() ? 0 : config.numUsers(),
        producers);
    RebalancePlan plan = RebalancePlan.between(held, target);
    return sendAll(plan.revocations())
        .compose(v -> waitForLostLeases())
        .compose(v -> {
          String conflict = conflictingHolder(plan.grants());
          if (settledAtNanos - clock.nanoTime() > 0) {
            // A stall while this rebalance waited (see ticked): plan again once it has settled.
            return Future.failedFuture("stalled while rebalancing");
          }
          return conflict == null ? sendAll(plan.grants())
              : Future.failedFuture("worker " + conflict + " registered holding users meanwhile");
        });
  }

  private Future<Void> sendAll(Map<String, UserRange> ranges) {
    List<Future<Void>> sends = new ArrayList<>();
    ranges.forEach((workerId, users) -> sends.add(send(workerId, users)));
    // join, not all: a rebalance is over only once every assignment is answered or timed out. Future.all
    // failed at the first refusal while other grants were in flight, and the follow-up planned from acks
    // not yet in: it granted users an in-flight grant was giving to another worker (simulation, seed 240).
    return Future.join(sends).mapEmpty();
  }

  private Future<Void> send(String workerId, UserRange users) {
    WorkerEntry entry = registry.get(workerId);
    double rate = Partitioner.rateShare(rates.effectiveRate(), users, config.numUsers());
    long rateVersion = rates.version();
    Assignment assignment = new Assignment(workerId, coordinatorId, ++epoch, users, rate, rates.paused(),
        config.leaseMillis(), handoverMillis);
    entry.assigned(users, rate, assignment.epoch());
    return channel.send(assignment)
        .recover(err -> {
          // It may have applied the assignment and lost only its answer: until its lease has surely ended it
          // counts as holding those users too, or they went to another worker at once (simulation, seed 44).
          entry.acknowledged(covering(entry.heldUsers(), users), entry.heldEpoch(), entry.rateVersion());
          registry.markLost(workerId, "did not acknowledge epoch " + assignment.epoch() + ": " + err.getMessage(),
              clock.currentTimeMillis());
          return Future.failedFuture("worker " + workerId + " did not acknowledge: " + err.getMessage());
        })
        .compose(ack -> acknowledged(entry, assignment, rateVersion, ack));
  }

  /** The smallest range holding both (for a lost worker only its emptiness and its lease matter). */
  private static UserRange covering(UserRange a, UserRange b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() ? b : a;
    }
    return UserRange.of(Math.min(a.from(), b.from()), Math.max(a.to(), b.to()));
  }

  private Future<Void> acknowledged(WorkerEntry entry, Assignment assignment, long rateVersion, AssignmentAck ack) {
    if (!ack.accepted()) {
      // It holds a newer epoch than ours (from an earlier coordinator): jump above it and retry.
      observeEpoch(ack.heldEpoch());
      return Future.failedFuture("worker " + entry.id() + " holds newer epoch " + ack.heldEpoch());
    }
    // The rate it carried may be older than the current one by now: RateSync sends the rest.
    entry.acknowledged(assignment.users(), assignment.epoch(), rateVersion);
    handoverMillis = Math.max(handoverMillis, ack.lastEventMillis());
    return Future.succeededFuture();
  }

  /**
   * Users of a lost worker are free only once its lease has surely ended: it may be frozen or cut off
   * rather than dead, and it stops producing by itself when the lease runs out.
   */
  private Future<Void> waitForLostLeases() {
    long now = clock.nanoTime();
    long latest = now;
    List<WorkerEntry> holders = new ArrayList<>();
    for (WorkerEntry w : registry.all()) {
      if (!w.isLive() && !w.heldUsers().isEmpty()) {
        holders.add(w);
        latest = Math.max(latest, w.leaseEndsNanos(config.leaseMillis()));
      }
    }
    if (holders.isEmpty()) {
      return Future.succeededFuture();
    }
    long waitMillis = TimeUnit.NANOSECONDS.toMillis(latest - now) + 50;
    return timers.timer(waitMillis).map(v -> {
      // A lost worker reports nothing more. Its users are granted only after its lease surely ended, so on
      // the wall clock their next events come later in real time; the coordinator cannot date that itself
      // (it does not know whether the workers run a virtual clock).
      holders.forEach(WorkerEntry::released);
      return null;
    });
  }

  /** A live worker outside the plan that holds users would overlap with the grants. */
  private String conflictingHolder(Map<String, UserRange> grants) {
    for (WorkerEntry w : registry.live()) {
      if (!grants.containsKey(w.id()) && !w.heldUsers().isEmpty()) {
        return w.id();
      }
    }
    return null;
  }
}
