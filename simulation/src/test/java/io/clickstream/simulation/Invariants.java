package io.clickstream.simulation;

import io.clickstream.coordinator.membership.WorkerEntry;
import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.UserRange;
import io.clickstream.worker.cluster.Holding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties the protocol promises, checked after every step of a schedule (and on every event the
 * fake generators produce). Each failure names the invariant and the members involved.
 */
final class Invariants {
  private final ClusterSimulation sim;
  private final SimParams params;
  /** worker id → epoch → the users sent with it (several coordinators may reuse an epoch number). */
  private final Map<String, Map<Long, List<UserRange>>> issued = new HashMap<>();
  /** coordinator id → the last epoch it sent, and the last it held. */
  private final Map<String, Long> lastIssuedEpoch = new HashMap<>();
  private final Map<String, Long> lastCoordinatorEpoch = new HashMap<>();
  /** worker node → the last epoch its generator held. */
  private final Map<String, Long> lastHeldEpoch = new HashMap<>();
  /** Per user: the latest event time produced anywhere, and by whom. */
  private final long[] lastEventMillis;
  private final String[] lastProducer;
  private final int[] producers;
  private boolean coveredSinceLastFault;
  private long longestSettleMillis;
  private long coverageChecks;
  /** Since when the producers' rates differ from the coordinator's (-1: they do not). */
  private long rateMismatchSince = -1;

  Invariants(ClusterSimulation sim, SimParams params) {
    this.sim = sim;
    this.params = params;
    this.lastEventMillis = new long[params.numUsers() + 1];
    this.lastProducer = new String[params.numUsers() + 1];
    this.producers = new int[params.numUsers() + 1];
  }

  long longestSettleMillis() {
    return longestSettleMillis;
  }

  long coverageChecks() {
    return coverageChecks;
  }

  void faultHappened() {
    coveredSinceLastFault = false;
  }

  /** Epochs monotonic per coordinator: every assignment it sends carries a higher epoch than the last. */
  void onIssued(SimCoordinator from, Assignment a) {
    long last = lastIssuedEpoch.getOrDefault(a.coordinatorId(), 0L);
    if (a.epoch() <= last) {
      throw new SimulationFailure("epochs monotonic per coordinator", a.coordinatorId() + " sent epoch " + a.epoch()
          + " to " + a.workerId() + " after epoch " + last);
    }
    lastIssuedEpoch.put(a.coordinatorId(), a.epoch());
    issued.computeIfAbsent(a.workerId(), k -> new HashMap<>()).computeIfAbsent(a.epoch(), k -> new ArrayList<>())
        .add(a.users());
  }

  /** Accounting exact, and a moved user's events strictly ordered in event time. */
  void onProduced(FakeGenerator generator, int user, long eventMillis) {
    Holding h = generator.holding();
    List<UserRange> sent = issued.getOrDefault(generator.workerId(), Map.of()).getOrDefault(h.epoch(), List.of());
    if (sent.stream().noneMatch(r -> r.contains(user))) {
      throw new SimulationFailure("accounting exact", generator.member() + " produced user " + user + " at epoch "
          + h.epoch() + " but no coordinator assigned that user to " + generator.workerId() + " at that epoch (sent: "
          + sent + ")");
    }
    if (eventMillis <= lastEventMillis[user]) {
      throw new SimulationFailure("a moved user's events stay ordered", generator.member() + " produced user " + user
          + " at event time " + eventMillis + ", not after " + lastEventMillis[user] + " by " + lastProducer[user]);
    }
    lastEventMillis[user] = eventMillis;
    lastProducer[user] = generator.member().name;
  }

  void afterStep() {
    checkEpochs();
    checkNoOverlap();
    checkLeasesWithinBelief();
    checkCoverage();
  }

  private void checkEpochs() {
    for (SimCoordinator c : sim.coordinators()) {
      long epoch = c.coordinator.epoch();
      Long last = lastCoordinatorEpoch.put(c.coordinator.id(), epoch);
      if (last != null && epoch < last) {
        throw new SimulationFailure("epochs monotonic per coordinator", c.coordinator.id() + " went from epoch "
            + last + " to " + epoch);
      }
    }
    for (SimWorker w : sim.liveWorkers()) {
      long epoch = w.generator.holding().epoch();
      Long last = lastHeldEpoch.put(w.member.nodeId, epoch);
      if (last != null && epoch < last) {
        throw new SimulationFailure("epochs monotonic per worker", w.member + " went from epoch " + last + " to " + epoch);
      }
    }
  }

  /** Never two workers on one user: counts every lease that runs, a frozen worker's too. */
  private void checkNoOverlap() {
    java.util.Arrays.fill(producers, 0);
    for (SimWorker w : sim.liveWorkers()) {
      if (!w.generator.mayProduce()) {
        continue;
      }
      UserRange users = w.generator.holding().users();
      for (int u = users.from(); u <= users.to(); u++) {
        if (++producers[u] > 1) {
          throw new SimulationFailure("never two workers on one user", "user " + u + " may be produced by "
              + holdersOf(u) + " at once");
        }
      }
    }
  }

  private List<String> holdersOf(int user) {
    List<String> out = new ArrayList<>();
    for (SimWorker w : sim.liveWorkers()) {
      if (w.generator.mayProduce() && w.generator.holding().users().contains(user)) {
        out.add(w.member + " epoch " + w.generator.holding().epoch() + " lease ends in "
            + (w.generator.leaseExpiryGlobalNanos() - sim.scheduler().nowNanos()) / 1_000_000 + " ms");
      }
    }
    return out;
  }

  /**
   * A worker's lease ends no later than some coordinator believes it does (unless it is in its grace
   * period, the coordinator gone): what makes a frozen or cut-off worker stop before its users move.
   */
  private void checkLeasesWithinBelief() {
    long now = sim.scheduler().nowNanos();
    for (SimWorker w : sim.liveWorkers()) {
      long expiry = w.generator.leaseExpiryGlobalNanos();
      if (expiry - now <= 0 || w.link.coordinatorAway() || w.generator.holding().users().isEmpty()) {
        continue;
      }
      long belief = Long.MIN_VALUE;
      for (SimCoordinator c : sim.coordinators()) {
        WorkerEntry entry = c.coordinator.registry().get(w.workerId);
        if (entry != null && entry.registration().nodeId().equals(w.member.nodeId)) {
          belief = Math.max(belief, c.member.toGlobalNanos(entry.leaseEndsNanos(params.leaseMillis())));
        }
      }
      if (expiry - belief > 0) {
        throw new SimulationFailure("a worker's lease ends before the coordinator's belief", w.member + " holds "
            + w.generator.holding().users() + " with a lease ending " + (expiry - now) / 1_000_000 + " ms from now, "
            + (belief == Long.MIN_VALUE ? "unknown to every coordinator" : (expiry - belief) / 1_000_000
            + " ms after the latest end any coordinator believes"));
      }
    }
  }

  /** Every user covered (or, paused, none produced) once the cluster has been quiet for the bound. */
  private void checkCoverage() {
    SimCoordinator c = sim.coordinator();
    if (c == null || c.member.dead() || c.member.frozen()) {
      return;
    }
    long eligible = sim.liveWorkers().stream().filter(w -> !w.member.frozen() && !w.draining() && !w.link.refused())
        .count();
    if (eligible < Math.max(1, params.minWorkers())) {
      return;
    }
    boolean paused = c.coordinator.paused();
    boolean covered = true;
    for (int u = 1; u <= params.numUsers(); u++) {
      if (producers[u] != (paused ? 0 : 1)) {
        covered = false;
        break;
      }
    }
    long quietMillis = (sim.scheduler().nowNanos() - sim.lastFaultNanos()) / 1_000_000;
    if (covered && !coveredSinceLastFault) {
      coveredSinceLastFault = true;
      longestSettleMillis = Math.max(longestSettleMillis, quietMillis);
    }
    if (quietMillis < params.settleBoundMillis()) {
      return;
    }
    coverageChecks++;
    if (!covered) {
      List<String> missing = new ArrayList<>();
      for (int u = 1; u <= params.numUsers() && missing.size() < 5; u++) {
        if (producers[u] != (paused ? 0 : 1)) {
          missing.add("user " + u + ": " + producers[u] + " producers");
        }
      }
      throw new SimulationFailure("every user covered once settled", (paused ? "paused, yet " : "")
          + missing + " after " + quietMillis + " ms without faults (bound " + params.settleBoundMillis() + " ms)");
    }
    checkRates(c);
  }

  /**
   * Settled and steady (no shape moving, no rebalance in flight): the producers' rates add up to the
   * cluster's. A change that lands during a rebalance goes out with the follow-up a moment later, so only a
   * difference that outlasts one more rebalance round counts.
   */
  private void checkRates(SimCoordinator c) {
    if (c.coordinator.paused() || c.coordinator.shape() != null || c.coordinator.rebalancing()) {
      rateMismatchSince = -1;
      return;
    }
    double sum = 0;
    List<String> rates = new ArrayList<>();
    for (SimWorker w : sim.liveWorkers()) {
      if (w.generator.mayProduce()) {
        sum += w.generator.holding().eventsPerSecond();
        rates.add(w.member.name + " epoch " + w.generator.holding().epoch() + ": " + w.generator.holding().eventsPerSecond());
      }
    }
    double wanted = c.coordinator.effectiveRate();
    long now = sim.scheduler().nowNanos();
    if (Math.abs(sum - wanted) <= 1e-6 * Math.max(1, wanted)) {
      rateMismatchSince = -1;
      return;
    }
    if (rateMismatchSince < 0) {
      rateMismatchSince = now;
    }
    long round = 2 * (params.maxAckDelayMillis() + 4 * (params.maxLatencyMicros() / 1000 + 1)) + 1000;
    if (now - rateMismatchSince > round * 1_000_000L) {
      throw new SimulationFailure("accounting exact", "the producers' rates add up to " + sum + " events/s, the "
          + "coordinator asks for " + wanted + " (epoch " + c.coordinator.epoch() + "): " + rates);
    }
  }
}
