package io.clickstream.coordinator;

import io.clickstream.coordinator.membership.WorkerEntry;
import io.clickstream.coordinator.membership.WorkerRegistry;
import io.clickstream.coordinator.rate.ActiveShape;
import io.clickstream.coordinator.rate.RateController;
import io.clickstream.coordinator.rate.TrafficShape;
import io.clickstream.coordinator.stats.ClusterStats;
import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.HeartbeatReply;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.RegistrationReply;
import io.clickstream.protocol.StatsReport;
import io.clickstream.protocol.Timers;
import io.clickstream.protocol.TruthReport;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's state and decisions, as one facade over its parts: the {@link WorkerRegistry} (who is
 * live), the {@link Rebalancer} (who holds which users), the {@link RateController} (the global rate, shapes
 * and pause) and {@link RateSync} (rate changes to the workers, without rebalancing). Runs on one event
 * loop (every method is called from it), so it needs no locks; talks to workers only through a
 * {@link WorkerChannel}, and reads time only from its {@link Clock} and {@link Timers}, so the simulation
 * can run it on fake time.
 */
public final class Coordinator {
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
  /** How often {@link #tick} runs. */
  public static final long TICK_MILLIS = 500;

  private final Clock clock;
  private final Timers timers;
  private final CoordinatorConfig config;
  /** This coordinator's cluster node id, so workers can tell it is in their view of the cluster. */
  private final String nodeId;
  private final String coordinatorId;
  private final WorkerRegistry registry;
  private final ClusterStats stats = new ClusterStats(3000, 600);
  private final RateController rates;
  private final RateSync rateSync;
  private final Rebalancer rebalancer;

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
    this.registry = new WorkerRegistry(config.lostAfterMillis());
    // The listener runs only after construction: rate changes come from commands and timers.
    this.rates = new RateController(clock, timers, config.eventsPerSecond(), config.maxEventsPerSecond(),
        this::rateChanged);
    this.rateSync = new RateSync(channel, registry, rates, coordinatorId, config.numUsers());
    this.rebalancer = new Rebalancer(clock, timers, config, channel, coordinatorId, registry, rates);
  }

  /** The one clock this coordinator reads; the HTTP API and metrics read it too. */
  public Clock clock() {
    return clock;
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
    return rebalancer.epoch();
  }

  public double targetRate() {
    return rates.targetRate();
  }

  /** The version of the rate workers must hold; one up per rate change, shape step, pause or resume. */
  public long rateVersion() {
    return rates.version();
  }

  /** Rate changes sent to workers so far, retries included. */
  public long rateChangesSent() {
    return rateSync.sent();
  }

  /** The shape being followed, or null when the rate is constant. */
  public ActiveShape shape() {
    return rates.shape();
  }

  public boolean paused() {
    return rates.paused();
  }

  /** A rebalance is moving users now (rate changes are not rebalances). */
  public boolean rebalancing() {
    return rebalancer.rebalancing();
  }

  public long rebalances() {
    return rebalancer.rebalances();
  }

  public long lastRebalanceDurationMillis() {
    return rebalancer.lastRebalanceDurationMillis();
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
      throw new Refused(Protocol.DUPLICATE_WORKER, duplicate);
    }
    // A restarted coordinator continues above every epoch a worker still holds: workers drop older ones.
    rebalancer.registered(registration.heldEpoch(), registration.lastEventMillis());
    boolean changed = registry.register(registration, now);
    LOG.info("Worker {} registered from {} (pid {}, holding epoch {} users {})", registration.workerId(),
        registration.host(), registration.pid(), registration.heldEpoch(), registration.heldUsers());
    if (changed) {
      // After the reply has gone out: the worker takes assignments only from the coordinator it registered
      // with, so its first assignment must not overtake the reply that names us.
      timers.after(0, () -> requestRebalance("worker " + registration.workerId() + " joined"));
    }
    return new RegistrationReply(coordinatorId, config.numUsers(), rebalancer.epoch());
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
    } else if (heartbeat.heldEpoch() < entry.heldEpoch() && !rebalancing()) {
      // It missed an assignment (a lost message): send the whole target again.
      requestRebalance("worker " + heartbeat.workerId() + " behind at epoch " + heartbeat.heldEpoch());
    }
    return new HeartbeatReply(coordinatorId, nodeId, true, config.leaseMillis());
  }

  /** @throws Refused when the report is not from a registered, live worker */
  public void onStats(StatsReport report) {
    WorkerEntry entry = registry.get(report.workerId());
    if (entry == null || !entry.isLive()) {
      throw new Refused(Protocol.UNKNOWN_SENDER, "stats from worker " + report.workerId()
          + " refused: no live worker of that id is registered");
    }
    stats.accept(report, clock.currentTimeMillis());
  }

  /** @throws Refused unless the report is from a sender the registry takes truth from */
  public void checkTruthSender(TruthReport report) {
    String refusal = registry.truthRefusal(report.workerId(), report.incarnation());
    if (refusal != null) {
      throw new Refused(Protocol.UNKNOWN_SENDER, refusal);
    }
  }

  /**
   * Called every {@link #TICK_MILLIS}: liveness from heartbeats and from the cluster's member list, and
   * the rate changes that did not arrive, again.
   */
  public void tick(Set<String> clusterNodeIds) {
    rebalancer.ticked();
    long nowMillis = clock.currentTimeMillis();
    for (WorkerEntry lost : registry.expire(clock.nanoTime(), nowMillis, clusterNodeIds)) {
      LOG.warn("Worker {} lost ({}); its users {} will be reassigned", lost.id(), lost.lostReason(), lost.heldUsers());
      requestRebalance("worker " + lost.id() + " lost");
    }
    registry.forgetLostBefore(nowMillis - TimeUnit.HOURS.toMillis(1));
    rateSync.sync();
  }

  /** Called once a second: one history point. */
  public void recordHistory() {
    List<String> live = registry.live().stream().map(WorkerEntry::id).toList();
    stats.record(clock.currentTimeMillis(), effectiveRate(), live);
  }

  private void rateChanged() {
    rateSync.sync();
  }

  // ---- commands --------------------------------------------------------------------------------

  /** Sets the global rate now, or ramps linearly to it. The caller has validated the numbers. */
  public void setRate(double eventsPerSecond, double rampSeconds) {
    rates.setRate(eventsPerSecond, rampSeconds);
  }

  /** Follows the shape from now on, replacing any other; its first rate goes out at once. */
  public void startShape(TrafficShape next) {
    rates.startShape(next);
  }

  public void setPaused(boolean pause) {
    rates.setPaused(pause);
  }

  /** What workers are asked to produce in total right now. */
  public double effectiveRate() {
    return rates.effectiveRate();
  }

  /** Rebalances now, or once the one in flight is done. Requests made during one coalesce. */
  public void requestRebalance(String reason) {
    rebalancer.request(reason);
  }
}
