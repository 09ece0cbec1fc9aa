package io.clickstream.simulation;

import io.clickstream.coordinator.CoordinatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One schedule: a real coordinator and real worker links on one seeded scheduler, faults injected by
 * {@link Faults}, the {@link Invariants} checked after every step. {@link #run()} either returns what
 * happened or throws an {@link AssertionError} carrying the seed, the step, the broken invariant and the
 * schedule so far; running the same seed again replays the same schedule.
 */
final class ClusterSimulation {
  /** After the last fault has settled, the run goes on this long with every check on. */
  private static final long TAIL_MILLIS = 5000;

  /** What a passing schedule did. */
  record Outcome(long seed, long steps, long simulatedMillis, long faults, long produced, long coverageChecks,
                 long longestSettleMillis, long settleBoundMillis, long traceHash) {
  }

  private final long seed;
  private final SimParams params;
  private final SimScheduler scheduler;
  private final Trace trace;
  private final SimNetwork network;
  private final Membership membership;
  private final CoordinatorConfig config;
  private final Invariants invariants;
  private final Faults faults;
  private final boolean brokenLeases;
  private final List<SimCoordinator> coordinators = new ArrayList<>();
  private final List<SimWorker> workers = new ArrayList<>();
  private final List<SimWorker> live = new ArrayList<>();
  private long lastFaultNanos;
  private long faultCount;
  private long produced;

  ClusterSimulation(long seed) {
    this(seed, false);
  }

  /** @param brokenLeases the fake generators ignore their leases: for the harness's own test */
  ClusterSimulation(long seed, boolean brokenLeases) {
    this.seed = seed;
    this.brokenLeases = brokenLeases;
    this.params = SimParams.draw(seed);
    this.scheduler = new SimScheduler(seed);
    this.trace = new Trace(scheduler);
    this.membership = new Membership(scheduler, params.maxViewLagMillis());
    this.network = new SimNetwork(scheduler, params, trace, membership);
    this.config = CoordinatorConfig.fromEnv(Map.of("NUM_USERS", Integer.toString(params.numUsers()),
        "EVENTS_PER_SECOND", "100", "WORKER_LEASE_MS", Long.toString(params.leaseMillis()),
        "WORKER_LOST_AFTER_MS", Long.toString(params.lostAfterMillis()),
        "COORDINATOR_SETTLE_MS", Long.toString(params.settleMillis()),
        "MIN_WORKERS", Integer.toString(params.minWorkers()), "TRUTH", "off"));
    this.invariants = new Invariants(this, params);
    this.faults = new Faults(this, params);
  }

  Outcome run() {
    try {
      trace.event("seed " + seed + ": " + params.describe());
      faults.start();
      long chaosEnd = params.chaosMillis() * 1_000_000L;
      while (true) {
        if (scheduler.nowNanos() >= chaosEnd) {
          network.quiet();
        }
        long end = Math.max(chaosEnd, lastFaultNanos + (params.settleBoundMillis() + TAIL_MILLIS) * 1_000_000L);
        if (!scheduler.step(end)) {
          break;
        }
        if (network.lastFaultNanos() > lastFaultNanos) {
          fault(null);
        }
        for (int i = 0; i < live.size(); i++) {
          live.get(i).generator.produce(this::produced);
        }
        invariants.afterStep();
      }
      return new Outcome(seed, scheduler.steps(), scheduler.nowMillis(), faultCount, produced,
          invariants.coverageChecks(), invariants.longestSettleMillis(), params.settleBoundMillis(), trace.hash());
    } catch (RuntimeException | AssertionError e) {
      String what = e instanceof SimulationFailure ? e.getMessage() : "unexpected " + e;
      AssertionError failure = new AssertionError("Simulation failed: seed " + seed + " (replay with -Dsim.seed="
          + seed + "), step " + scheduler.steps() + ", t=" + scheduler.nowMillis() + " ms\n  " + what + "\n  settings: "
          + params.describe() + "\nschedule so far:\n" + trace.dump(), e);
      throw failure;
    }
  }

  private void produced(FakeGenerator generator, int user, long eventMillis) {
    produced++;
    invariants.onProduced(generator, user, eventMillis);
  }

  /** A fault or command: the quiet period starts again. A null description is a message fault (traced already). */
  void fault(String what) {
    lastFaultNanos = scheduler.nowNanos();
    faultCount++;
    invariants.faultHappened();
    if (what != null) {
      trace.event(what);
    }
  }

  long lastFaultNanos() {
    return lastFaultNanos;
  }

  SimScheduler scheduler() {
    return scheduler;
  }

  SimNetwork network() {
    return network;
  }

  Membership membership() {
    return membership;
  }

  CoordinatorConfig config() {
    return config;
  }

  Trace trace() {
    return trace;
  }

  boolean brokenLeases() {
    return brokenLeases;
  }

  Invariants invariants() {
    return invariants;
  }

  /** Every coordinator incarnation so far, in start order (dead ones too: their beliefs still count). */
  List<SimCoordinator> coordinators() {
    return coordinators;
  }

  /** The latest coordinator, or null before the first. */
  SimCoordinator coordinator() {
    return coordinators.isEmpty() ? null : coordinators.get(coordinators.size() - 1);
  }

  void addCoordinator(SimCoordinator c) {
    coordinators.add(c);
  }

  /** Every worker process so far, in start order. */
  List<SimWorker> workers() {
    return workers;
  }

  /** The worker processes not dead, in start order. */
  List<SimWorker> liveWorkers() {
    return live;
  }

  void addWorker(SimWorker w) {
    workers.add(w);
    live.add(w);
  }

  void workerDied(SimWorker w) {
    live.remove(w);
  }
}
