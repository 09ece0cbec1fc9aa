package io.clickstream.coordinator;

import io.clickstream.coordinator.membership.WorkerEntry;
import io.clickstream.coordinator.membership.WorkerRegistry;
import io.clickstream.coordinator.partition.Partitioner;
import io.clickstream.coordinator.partition.RebalancePlan;
import io.clickstream.coordinator.rate.ActiveShape;
import io.clickstream.coordinator.rate.ShapeFollower;
import io.clickstream.coordinator.rate.TrafficShape;
import io.clickstream.coordinator.stats.ClusterStats;
import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.HeartbeatReply;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.RegistrationReply;
import io.clickstream.protocol.StatsReport;
import io.clickstream.protocol.UserRange;
import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Timers;
import io.vertx.core.Future;
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
 * so it needs no locks; talks to workers only through a {@link WorkerChannel}, and reads time only from its
 * {@link Clock} and {@link Timers}, so the simulation can run it on fake time.
 */
public final class Coordinator {
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
  /** How often {@link #tick} runs. */
  public static final long TICK_MILLIS = 500;
  /** The reason of the rebalances that only follow a shape: twice a second, so logged at debug. */
  private static final String SHAPE_STEP = "shape";

  private final Clock clock;
  private final Timers timers;
  private final CoordinatorConfig config;
  private final WorkerChannel channel;
  /** This coordinator's cluster node id, so workers can tell it is in their view of the cluster. */
  private final String nodeId;
  private final String coordinatorId;
  private final WorkerRegistry registry;
  private final ClusterStats stats = new ClusterStats(3000, 600);
  /** No grants before this: after a start, and again after a stall (see {@link #tick}). */
  private long settledAtNanos;
  private long lastTickNanos;

  private long epoch;
  private double targetRate;
  private ShapeFollower shape;
  /** The timer of the shape's next update; -1 when none. */
  private long shapeTimer = -1;
  private boolean paused;
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

  public Coordinator(Clock clock, Timers timers, CoordinatorConfig config, WorkerChannel channel, String nodeId) {
    this(clock, timers, config, channel, nodeId, "coordinator-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /** @param coordinatorId this incarnation's id; the simulation names them so a seed replays exactly */
  public Coordinator(Clock clock, Timers timers, CoordinatorConfig config, WorkerChannel channel, String nodeId,
                     String coordinatorId) {
    this.clock = clock;
    this.timers = timers;
    this.nodeId = nodeId;
    this.coordinatorId = coordinatorId;
    this.config = config;
    this.channel = channel;
    this.registry = new WorkerRegistry(config.lostAfterMillis());
    this.targetRate = config.eventsPerSecond();
    // At least one lease (and a heartbeat for the bus to show this coordinator to everyone): a worker this
    // incarnation does not know yet may still produce in its grace period, on a lease that each heartbeat
    // finding no coordinator extended by one lease from when it was sent (see Lease.coordinatorGone).
    // Granting its users sooner put two workers on them (simulation, seed 1).
    this.settledAtNanos = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(config.settleMillis(),
        config.leaseMillis() + io.clickstream.protocol.Protocol.HEARTBEAT_INTERVAL_MILLIS));
    // A stall before the first tick counts too (simulation, seed 56184).
    this.lastTickNanos = clock.nanoTime();
  }

  public CoordinatorConfig config() {
    return config;
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

  /** The shape being followed, or null when the rate is constant. */
  public ActiveShape shape() {
    return shape == null ? null : shape.shape();
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
    return onRegister(registration, null);
  }

  /**
   * @param clusterNodeIds the cluster's members now, null when not clustered
   * @throws Refused when another live process has this worker's id (see {@link WorkerRegistry#duplicateOf})
   */
  public RegistrationReply onRegister(Registration registration, Set<String> clusterNodeIds) {
    long now = clock.nanoTime();
    String duplicate = registry.duplicateOf(registration, now, clusterNodeIds, config.leaseMillis());
    if (duplicate != null) {
      // Logged (throttled) by whoever answers the message.
      throw new Refused(io.clickstream.protocol.Protocol.DUPLICATE_WORKER, duplicate);
    }
    // A restarted coordinator continues above every epoch a worker still holds: workers drop older ones.
    // Epochs on the wire stop at Protocol.MAX_EPOCH, so this never comes near wrapping.
    epoch = Math.max(epoch, registration.heldEpoch());
    // It may have let users go without an acknowledged assignment (declared lost, or a new coordinator):
    // their next owner starts after its latest event (simulation, seed 349).
    handoverMillis = Math.max(handoverMillis, registration.lastEventMillis());
    boolean changed = registry.register(registration, now);
    LOG.info("Worker {} registered from {} (pid {}, holding epoch {} users {})", registration.workerId(),
        registration.host(), registration.pid(), registration.heldEpoch(), registration.heldUsers());
    if (changed) {
      // After the reply has gone out: the worker takes assignments only from the coordinator it registered
      // with, so its first assignment must not overtake the reply that names us.
      timers.after(0, () -> requestRebalance("worker " + registration.workerId() + " joined"));
    }
    return new RegistrationReply(coordinatorId, config.numUsers(), epoch);
  }

  public HeartbeatReply onHeartbeat(Heartbeat heartbeat) {
    WorkerEntry entry = registry.heartbeat(heartbeat.workerId(), heartbeat.nodeId(), clock.nanoTime());
    if (entry == null) {
      return new HeartbeatReply(coordinatorId, nodeId, false, 0);
    }
    if (heartbeat.draining() && entry.startDraining()) {
      LOG.info("Worker {} is stopping (delivering its held-back events); its users {} will be reassigned",
          heartbeat.workerId(), entry.heldUsers());
      requestRebalance("worker " + heartbeat.workerId() + " draining");
    } else if (heartbeat.heldEpoch() < entry.heldEpoch() && !rebalancing) {
      // It missed an assignment (a lost message): send the whole target again.
      requestRebalance("worker " + heartbeat.workerId() + " behind at epoch " + heartbeat.heldEpoch());
    }
    return new HeartbeatReply(coordinatorId, nodeId, true, config.leaseMillis());
  }

  /** @throws Refused when the report is not from a registered, live worker */
  public void onStats(StatsReport report) {
    WorkerEntry entry = registry.get(report.workerId());
    if (entry == null || !entry.isLive()) {
      throw new Refused(io.clickstream.protocol.Protocol.UNKNOWN_SENDER, "stats from worker " + report.workerId()
          + " refused: no live worker of that id is registered");
    }
    stats.accept(report, clock.currentTimeMillis());
  }

  /** @throws Refused unless the report is from a sender the registry takes truth from */
  public void checkTruthSender(io.clickstream.protocol.TruthReport report) {
    String refusal = registry.truthRefusal(report.workerId(), report.incarnation());
    if (refusal != null) {
      throw new Refused(io.clickstream.protocol.Protocol.UNKNOWN_SENDER, refusal);
    }
  }

  /** Called every {@link #TICK_MILLIS}: liveness from heartbeats and from the cluster's member list. */
  public void tick(Set<String> clusterNodeIds) {
    long tickNanos = clock.nanoTime();
    if (tickNanos - lastTickNanos > TimeUnit.MILLISECONDS.toNanos(2 * TICK_MILLIS)) {
      // Stalled (GC, starvation, a freeze): the cluster may have dropped us meanwhile, and workers that then
      // found no coordinator extended their leases in their grace period beyond what we believe. Grant
      // nothing until one more lease has passed, as after a start (simulation, seed 589).
      settledAtNanos = Math.max(settledAtNanos, tickNanos + TimeUnit.MILLISECONDS.toNanos(config.leaseMillis()
          + io.clickstream.protocol.Protocol.HEARTBEAT_INTERVAL_MILLIS));
    }
    lastTickNanos = tickNanos;
    long nowMillis = clock.currentTimeMillis();
    for (WorkerEntry lost : registry.expire(clock.nanoTime(), nowMillis, clusterNodeIds)) {
      LOG.warn("Worker {} lost ({}); its users {} will be reassigned", lost.id(), lost.lostReason(), lost.heldUsers());
      requestRebalance("worker " + lost.id() + " lost");
    }
    registry.forgetLostBefore(nowMillis - TimeUnit.HOURS.toMillis(1));
  }

  /** Called once a second: one history point. */
  public void recordHistory() {
    List<String> live = registry.live().stream().map(WorkerEntry::id).toList();
    stats.record(clock.currentTimeMillis(), effectiveRate(), live);
  }

  // ---- commands --------------------------------------------------------------------------------

  /** Sets the global rate now, or ramps linearly to it. The caller has validated the numbers. */
  public void setRate(double eventsPerSecond, double rampSeconds) {
    if (rampSeconds > 0) {
      startShape(new TrafficShape.Ramp(targetRate, eventsPerSecond, Math.round(rampSeconds * 1000)));
    } else {
      stopShape();
      targetRate = eventsPerSecond;
      LOG.info("Rate command: {} events/s", eventsPerSecond);
      requestRebalance("rate changed");
    }
  }

  /** Follows the shape from now on, replacing any other; its first rate goes out at once. */
  public void startShape(TrafficShape next) {
    stopShape();
    long now = clock.currentTimeMillis();
    shape = new ShapeFollower(new ActiveShape(next, now), targetRate, config.maxEventsPerSecond());
    LOG.info("Rate command: shape {}, until {}", next.toJson().encode(),
        java.time.Instant.ofEpochMilli(shape.shape().endMillis()));
    followShape(shape, now);
  }

  /**
   * One update of the shape (see {@link ShapeFollower}), on a timer of its own rather than the 500 ms
   * tick, so that updates land on the shape's edges. A paused cluster keeps following, so it resumes
   * where the shape is by then.
   */
  private void followShape(ShapeFollower following, long now) {
    if (shape != following) {
      return;
    }
    ShapeFollower.Update update = following.update(now);
    if (update.finished()) {
      LOG.info("Shape {} finished; the rate stays at {} events/s",
          following.shape().shape().toJson().getString("shape"), update.rate());
      shape = null;
      shapeTimer = -1;
    } else {
      shapeTimer = timers.after(Math.max(1, update.nextMillis() - now),
          () -> followShape(following, clock.currentTimeMillis()));
    }
    if (update.send()) {
      targetRate = update.rate();
      requestRebalance(SHAPE_STEP);
    }
  }

  private void stopShape() {
    if (shapeTimer != -1) {
      timers.cancel(shapeTimer);
      shapeTimer = -1;
    }
    shape = null;
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
    long wait = settledAtNanos - clock.nanoTime();
    if (wait > 0) {
      // Just started: give workers that survived a coordinator restart time to say what they hold.
      if (!settleTimerSet) {
        settleTimerSet = true;
        // Rounded up, and re-armed if it still fires a hair early: a timer that fired inside the settle
        // window used to drop the request, and the workers waited for the next unrelated rebalance.
        timers.after(TimeUnit.NANOSECONDS.toMillis(wait) + 1, () -> {
          settleTimerSet = false;
          requestRebalance(reason);
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
        boolean routine = SHAPE_STEP.equals(reason) || (shape != null && "follow-up".equals(reason));
        (routine ? LOG.atDebug() : LOG.atInfo()).log("Rebalanced ({}) in {} ms: epoch {}, {} live workers, {} events/s{}",
            reason, lastRebalanceDurationMillis, epoch, registry.live().size(), effectiveRate(), paused ? " (paused)" : "");
      } else {
        LOG.warn("Rebalance ({}) incomplete: {}; retrying", reason, String.valueOf(ar.cause().getMessage() == null
            ? ar.cause() : ar.cause().getMessage()));
        rebalanceAgain = true;
      }
      if (rebalanceAgain) {
        rebalanceAgain = false;
        // Let the event loop breathe between attempts, so a flapping worker cannot spin it.
        timers.after(ar.succeeded() ? 1 : 200, () -> requestRebalance("follow-up"));
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
            // A stall while this rebalance waited (see tick): plan again once it has settled.
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
    double rate = Partitioner.rateShare(effectiveRate(), users, config.numUsers());
    Assignment assignment = new Assignment(workerId, coordinatorId, ++epoch, users, rate, paused, config.leaseMillis(),
        handoverMillis);
    entry.assigned(users, rate);
    return channel.send(assignment)
        .recover(err -> {
          // It may have applied the assignment and lost only its answer: until its lease has surely ended it
          // counts as holding those users too, or they went to another worker at once (simulation, seed 44).
          entry.acknowledged(covering(entry.heldUsers(), users), entry.heldEpoch());
          registry.markLost(workerId, "did not acknowledge epoch " + assignment.epoch() + ": " + err.getMessage(),
              clock.currentTimeMillis());
          return Future.failedFuture("worker " + workerId + " did not acknowledge: " + err.getMessage());
        })
        .compose(ack -> acknowledged(entry, assignment, ack));
  }

  /** The smallest range holding both (for a lost worker only its emptiness and its lease matter). */
  private static UserRange covering(UserRange a, UserRange b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() ? b : a;
    }
    return UserRange.of(Math.min(a.from(), b.from()), Math.max(a.to(), b.to()));
  }

  private Future<Void> acknowledged(WorkerEntry entry, Assignment assignment, AssignmentAck ack) {
    if (!ack.accepted()) {
      // It holds a newer epoch than ours (from an earlier coordinator): jump above it and retry.
      epoch = Math.max(epoch, ack.heldEpoch());
      return Future.failedFuture("worker " + entry.id() + " holds newer epoch " + ack.heldEpoch());
    }
    entry.acknowledged(assignment.users(), assignment.epoch());
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
