package io.clickstream.coordinator;

import io.clickstream.coordinator.membership.WorkerEntry;
import io.clickstream.coordinator.membership.WorkerRegistry;
import io.clickstream.coordinator.partition.Partitioner;
import io.clickstream.coordinator.partition.RebalancePlan;
import io.clickstream.coordinator.stats.ClusterStats;
import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.HeartbeatReply;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.RegistrationReply;
import io.clickstream.protocol.StatsReport;
import io.clickstream.protocol.UserRange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's state and decisions: who is live, who holds which users, the global rate, and the
 * rebalance that moves users without overlap. Runs on one event loop (every method is called from it),
 * so it needs no locks; talks to workers only through a {@link WorkerChannel}.
 */
public final class Coordinator {
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  private final Vertx vertx;
  private final CoordinatorConfig config;
  private final WorkerChannel channel;
  /** This coordinator's cluster node id, so workers can tell it is in their view of the cluster. */
  private final String nodeId;
  private final String coordinatorId = "coordinator-" + UUID.randomUUID().toString().substring(0, 8);
  private final WorkerRegistry registry;
  private final ClusterStats stats = new ClusterStats(3000, 600);
  private final long settledAtNanos;

  private long epoch;
  private double targetRate;
  private RateRamp ramp;
  private boolean paused;
  private boolean rebalancing;
  private boolean rebalanceAgain;
  private boolean settleTimerSet;
  private long rebalances;
  private long lastRebalanceDurationMillis;

  public Coordinator(Vertx vertx, CoordinatorConfig config, WorkerChannel channel, String nodeId) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.config = config;
    this.channel = channel;
    this.registry = new WorkerRegistry(config.lostAfterMillis());
    this.targetRate = config.eventsPerSecond();
    this.settledAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.settleMillis());
  }

  public String id() {
    return coordinatorId;
  }

  public ClusterStats stats() {
    return stats;
  }

  public WorkerRegistry registry() {
    return registry;
  }

  public long epoch() {
    return epoch;
  }

  public double targetRate() {
    return targetRate;
  }

  public RateRamp ramp() {
    return ramp;
  }

  public boolean paused() {
    return paused;
  }

  public boolean rebalancing() {
    return rebalancing;
  }

  public long rebalances() {
    return rebalances;
  }

  public long lastRebalanceDurationMillis() {
    return lastRebalanceDurationMillis;
  }

  // ---- worker messages -------------------------------------------------------------------------

  public RegistrationReply onRegister(Registration registration) {
    // A restarted coordinator continues above every epoch a worker still holds: workers drop older ones.
    epoch = Math.max(epoch, registration.heldEpoch());
    boolean changed = registry.register(registration, System.nanoTime());
    LOG.info("Worker {} registered from {} (pid {}, holding epoch {} users {})", registration.workerId(),
        registration.host(), registration.pid(), registration.heldEpoch(), registration.heldUsers());
    if (changed) {
      requestRebalance("worker " + registration.workerId() + " joined");
    }
    return new RegistrationReply(coordinatorId, config.numUsers());
  }

  public HeartbeatReply onHeartbeat(Heartbeat heartbeat) {
    WorkerEntry entry = registry.heartbeat(heartbeat.workerId(), System.nanoTime());
    if (entry == null) {
      return new HeartbeatReply(coordinatorId, nodeId, false, 0);
    }
    if (heartbeat.heldEpoch() < entry.heldEpoch() && !rebalancing) {
      // It missed an assignment (a lost message): send the whole target again.
      requestRebalance("worker " + heartbeat.workerId() + " behind at epoch " + heartbeat.heldEpoch());
    }
    return new HeartbeatReply(coordinatorId, nodeId, true, config.leaseMillis());
  }

  public void onStats(StatsReport report) {
    if (registry.get(report.workerId()) == null) {
      return;
    }
    stats.accept(report, System.currentTimeMillis());
  }

  /** Called twice a second: liveness from heartbeats and from the cluster's member list, ramps. */
  public void tick(Set<String> clusterNodeIds) {
    long nowMillis = System.currentTimeMillis();
    for (WorkerEntry lost : registry.expire(System.nanoTime(), nowMillis, clusterNodeIds)) {
      LOG.warn("Worker {} lost ({}); its users {} will be reassigned", lost.id(), lost.lostReason(), lost.heldUsers());
      requestRebalance("worker " + lost.id() + " lost");
    }
    if (ramp != null) {
      double rate = ramp.rateAt(nowMillis);
      boolean finished = ramp.finishedAt(nowMillis);
      if (finished) {
        ramp = null;
      }
      if (Math.abs(rate - targetRate) > Math.max(0.5, targetRate * 0.002) || finished) {
        targetRate = rate;
        requestRebalance("ramp");
      }
    }
    registry.forgetLostBefore(nowMillis - TimeUnit.HOURS.toMillis(1));
  }

  /** Called once a second: one history point. */
  public void recordHistory() {
    List<String> live = registry.live().stream().map(WorkerEntry::id).toList();
    stats.record(System.currentTimeMillis(), effectiveRate(), live);
  }

  // ---- commands --------------------------------------------------------------------------------

  /** Sets the global rate now, or ramps linearly to it. The caller has validated the numbers. */
  public void setRate(double eventsPerSecond, double rampSeconds) {
    if (rampSeconds > 0) {
      ramp = new RateRamp(targetRate, eventsPerSecond, System.currentTimeMillis(), (long) (rampSeconds * 1000));
      LOG.info("Rate command: ramp from {} to {} events/s over {} s", targetRate, eventsPerSecond, rampSeconds);
    } else {
      ramp = null;
      targetRate = eventsPerSecond;
      LOG.info("Rate command: {} events/s", eventsPerSecond);
      requestRebalance("rate changed");
    }
  }

  public void setPaused(boolean pause) {
    if (paused != pause) {
      paused = pause;
      LOG.info(pause ? "Paused: workers stop generating; held-back events are still delivered" : "Resumed");
      requestRebalance(pause ? "pause" : "resume");
    }
  }

  /** What workers are asked to produce in total right now. */
  public double effectiveRate() {
    return paused ? 0 : targetRate;
  }

  // ---- rebalancing -----------------------------------------------------------------------------

  /** Rebalances now, or once the one in flight is done. Requests made during one coalesce. */
  public void requestRebalance(String reason) {
    long wait = settledAtNanos - System.nanoTime();
    if (wait > 0) {
      // Just started: give workers that survived a coordinator restart time to say what they hold.
      if (!settleTimerSet) {
        settleTimerSet = true;
        vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), id -> requestRebalance(reason));
      }
      return;
    }
    if (rebalancing) {
      rebalanceAgain = true;
      return;
    }
    rebalancing = true;
    long started = System.nanoTime();
    rebalance().onComplete(ar -> {
      rebalancing = false;
      if (ar.succeeded()) {
        rebalances++;
        lastRebalanceDurationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        LOG.info("Rebalanced ({}) in {} ms: epoch {}, {} live workers, {} events/s{}", reason,
            lastRebalanceDurationMillis, epoch, registry.live().size(), effectiveRate(), paused ? " (paused)" : "");
      } else {
        LOG.warn("Rebalance ({}) incomplete: {}; retrying", reason, String.valueOf(ar.cause().getMessage() == null
            ? ar.cause() : ar.cause().getMessage()));
        rebalanceAgain = true;
      }
      if (rebalanceAgain) {
        rebalanceAgain = false;
        // Let the event loop breathe between attempts, so a flapping worker cannot spin it.
        vertx.setTimer(ar.succeeded() ? 1 : 200, id -> requestRebalance("follow-up"));
      }
    });
  }

  private Future<Void> rebalance() {
    List<WorkerEntry> live = registry.live();
    Map<String, UserRange> held = new LinkedHashMap<>();
    live.forEach(w -> held.put(w.id(), w.heldUsers()));
    // Below MIN_WORKERS nobody gets users yet: the fleet starts with one split, without a rebalance.
    Map<String, UserRange> target = Partitioner.split(live.size() < config.minWorkers() ? 0 : config.numUsers(),
        live.stream().map(WorkerEntry::id).toList());
    RebalancePlan plan = RebalancePlan.between(held, target);
    return sendAll(plan.revocations())
        .compose(v -> waitForLostLeases())
        .compose(v -> {
          String conflict = conflictingHolder(plan.grants());
          return conflict == null ? sendAll(plan.grants())
              : Future.failedFuture("worker " + conflict + " registered holding users meanwhile");
        });
  }

  private Future<Void> sendAll(Map<String, UserRange> ranges) {
    List<Future<Void>> sends = new ArrayList<>();
    ranges.forEach((workerId, users) -> sends.add(send(workerId, users)));
    return Future.all(sends).mapEmpty();
  }

  private Future<Void> send(String workerId, UserRange users) {
    WorkerEntry entry = registry.get(workerId);
    double rate = Partitioner.rateShare(effectiveRate(), users, config.numUsers());
    Assignment assignment = new Assignment(workerId, coordinatorId, ++epoch, users, rate, paused, config.leaseMillis());
    entry.assigned(users, rate);
    return channel.send(assignment)
        .recover(err -> {
          registry.markLost(workerId, "did not acknowledge epoch " + assignment.epoch() + ": " + err.getMessage(),
              System.currentTimeMillis());
          return Future.failedFuture("worker " + workerId + " did not acknowledge: " + err.getMessage());
        })
        .compose(ack -> acknowledged(entry, assignment, ack));
  }

  private Future<Void> acknowledged(WorkerEntry entry, Assignment assignment, AssignmentAck ack) {
    if (!ack.accepted()) {
      // It holds a newer epoch than ours (from an earlier coordinator): jump above it and retry.
      epoch = Math.max(epoch, ack.heldEpoch());
      return Future.failedFuture("worker " + entry.id() + " holds newer epoch " + ack.heldEpoch());
    }
    entry.acknowledged(assignment.users(), assignment.epoch());
    return Future.succeededFuture();
  }

  /**
   * Users of a lost worker are free only once its lease has surely ended: it may be frozen or cut off
   * rather than dead, and it stops producing by itself when the lease runs out.
   */
  private Future<Void> waitForLostLeases() {
    long now = System.nanoTime();
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
    return vertx.timer(waitMillis).map(v -> {
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
