package io.clickstream.worker.cluster;

import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.HeartbeatReply;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.RegistrationReply;
import io.clickstream.protocol.UserRange;
import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Timers;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of the protocol, on the event loop: registers, heartbeats every second, has the
 * {@link CoordinatorInbox} apply assignments and rate changes to the {@link LeasedGenerator}, and keeps its
 * {@link Lease} in step. It never blocks: the generator completes a change asynchronously and the ack is
 * sent then. Time, timers and transport
 * come in through {@link Seams}, so the simulation runs it on fake time and an in-process channel.
 */
public final class CoordinatorLink {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorLink.class);
  public static final long HEARTBEAT_INTERVAL_MILLIS = Protocol.HEARTBEAT_INTERVAL_MILLIS;
  private static final long REQUEST_TIMEOUT_MILLIS = 2000;
  private static final long REGISTER_TIMEOUT_MILLIS = 5000;

  private final Clock clock;
  private final Timers timers;
  /** Runs a task on this link's event loop: how completions from the generator's thread come back. */
  private final Executor loop;
  private final CoordinatorChannel channel;
  private final Runnable exitAsDuplicate;
  private final LeasedGenerator generator;
  private final Identity identity;
  private final Lease lease;
  /** The cluster members this node sees now; null when not clustered. */
  private final java.util.function.Supplier<java.util.Collection<String>> clusterNodes;
  private long heartbeatTimer = -1;
  private boolean stopped;
  private String coordinatorId;
  /** The registration in flight, or null. */
  private Future<RegistrationReply> registration;
  private boolean pausedForAbsenceLogged;
  /**
   * The coordinator's epoch when it took this worker's last registration: an assignment at or below it was
   * sent before, to what the worker held then, and is refused (simulation, seed 363).
   */
  private long registeredAtEpoch;
  /** When the latest registration was sent: replies to beats sent before it are stale. */
  private long registrationSentNanos;
  /** NUM_USERS as the coordinator has it; 0 until registered. */
  private int population;
  /** Stopping: the heartbeats ask the coordinator to move this worker's users elsewhere. */
  private boolean draining;
  /** The coordinator refused this worker's id: another live process has it. */
  private boolean refused;

  /** Who this worker is, as told to the coordinator. */
  public record Identity(String workerId, String nodeId, String host, long pid, int metricsPort) {
  }

  /**
   * Where the link meets the world.
   *
   * @param loop runs a task on the link's event loop
   * @param exitAsDuplicate ends the process after the coordinator refused this worker's id
   */
  public record Seams(Clock clock, Timers timers, Executor loop, CoordinatorChannel channel, Runnable exitAsDuplicate) {
  }

  public CoordinatorLink(Seams seams, LeasedGenerator generator, Identity identity, long graceMillis,
                         java.util.function.Supplier<java.util.Collection<String>> clusterNodes) {
    this.clock = seams.clock();
    this.timers = seams.timers();
    this.loop = seams.loop();
    this.channel = seams.channel();
    this.exitAsDuplicate = seams.exitAsDuplicate();
    this.clusterNodes = clusterNodes;
    this.generator = generator;
    this.identity = identity;
    this.lease = new Lease(TimeUnit.MILLISECONDS.toNanos(graceMillis));
    this.registrationSentNanos = clock.nanoTime();
  }

  /** Listens for assignments and rate changes (waiting until the cluster knows the addresses), then registers. */
  public Future<Void> start() {
    CoordinatorInbox inbox = new CoordinatorInbox(identity.workerId(), generator, loop, clock,
        new CoordinatorInbox.Registered(() -> coordinatorId, () -> registration, () -> population,
            () -> registeredAtEpoch));
    return channel.listen(identity.workerId(), inbox).onSuccess(v -> {
      scheduleBeat();
      register();
    });
  }

  /** Every second, re-armed each time so that a simulated schedule sees each beat as one step. */
  private void scheduleBeat() {
    heartbeatTimer = timers.after(HEARTBEAT_INTERVAL_MILLIS, () -> {
      if (!stopped && !refused) {
        beat();
        scheduleBeat();
      }
    });
  }

  /**
   * The worker is stopping but still delivers held-back events: from now on the heartbeats say so, and
   * the coordinator gives its users to the others while it keeps taking this worker's reports.
   */
  public void drain() {
    if (!draining) {
      draining = true;
      if (heartbeatTimer >= 0) {
        beat();
      }
    }
  }

  public Future<Void> stop() {
    stopped = true;
    timers.cancel(heartbeatTimer);
    return channel.close();
  }

  /** Registered with a coordinator that is (as far as we know) still there. */
  public boolean registered() {
    return coordinatorId != null;
  }

  public boolean coordinatorAway() {
    return lease.coordinatorAway();
  }

  private void register() {
    if (registration != null) {
      return;
    }
    Holding held = generator.holding();
    // What it may be producing is what its lease covers; right after a freeze the generator's own flag
    // is stale (the thread has not looked at the clock yet), the lease is not.
    UserRange producing = lease.isValid(clock.nanoTime()) ? held.users() : UserRange.EMPTY;
    Registration me = new Registration(identity.workerId(), identity.nodeId(), identity.host(),
        identity.pid(), identity.metricsPort(), held.epoch(), producing, generator.incarnation(),
        generator.latestEventAtApply());
    // Longer than the coordinator's assignment timeout: a reply given up on too early would have the
    // worker refuse the assignment that follows it.
    registrationSentNanos = clock.nanoTime();
    Future<RegistrationReply> pending = channel.register(me, REGISTER_TIMEOUT_MILLIS);
    this.registration = pending;
    // Listeners run in the order they were added: an assignment waiting for this registration (see
    // onAssignment) is decided after these have taken the coordinator's id.
    pending.onComplete(ar -> this.registration = null)
        .onSuccess(reply -> {
          coordinatorId = reply.coordinatorId();
          registeredAtEpoch = reply.epoch();
          population = reply.numUsers();
          LOG.info("Registered with coordinator {} as {} (holding epoch {} users {})", reply.coordinatorId(),
              identity.workerId(), held.epoch(), producing);
          beat();
        })
        .onFailure(err -> {
          if (err instanceof ReplyException re && re.failureCode() == Protocol.DUPLICATE_WORKER) {
            refusedAsDuplicate(re.getMessage());
          } else {
            LOG.info("Registration not answered yet ({}); retrying with the next heartbeat", err.getMessage());
          }
        });
  }

  /** True once the coordinator refused this worker's id: the process is on its way out. */
  public boolean refused() {
    return refused;
  }

  /**
   * Another live process has this WORKER_ID: running on would put two workers on one address and one
   * user. A configuration error, so exit 2, off the event loop (the shutdown hook closes Vert.x on it).
   */
  private void refusedAsDuplicate(String reason) {
    if (refused) {
      return;
    }
    refused = true;
    timers.cancel(heartbeatTimer);
    LOG.error("clickstream worker cannot run: WORKER_ID {} is already in use: {}. Give each worker its own "
        + "WORKER_ID (or leave it unset for a random one); exiting with status 2", identity.workerId(), reason);
    exitAsDuplicate.run();
  }

  private void beat() {
    long sentAt = clock.nanoTime();
    Heartbeat heartbeat = new Heartbeat(identity.workerId(), identity.nodeId(), generator.holding().epoch(), draining);
    channel.heartbeat(heartbeat, REQUEST_TIMEOUT_MILLIS)
        .onSuccess(reply -> onHeartbeatReply(reply, sentAt))
        .onFailure(err -> onHeartbeatFailure(err, sentAt));
  }

  private void onHeartbeatReply(HeartbeatReply reply, long sentAt) {
    if (clusterNodes != null && !clusterNodes.get().contains(reply.coordinatorNodeId())) {
      // A coordinator outside our view of the cluster (a split, or a reply delayed across a freeze) may
      // already have given our users to someone else: its word renews nothing.
      return;
    }
    if (!reply.known() || !reply.coordinatorId().equals(coordinatorId)) {
      if (sentAt - registrationSentNanos < 0) {
        // Answered before our latest registration could be taken (a late reply): it says nothing about that
        // registration. Acted on, it released users the coordinator then believed held (simulation, seed 136824).
        return;
      }
      // A new coordinator, or one that declared us lost: stop producing, then tell it what we hold.
      if (lease.isValid(clock.nanoTime()) || coordinatorId != null && !reply.coordinatorId().equals(coordinatorId)) {
        LOG.warn("Coordinator {} does not know this worker; stopping production and registering again",
            reply.coordinatorId());
      }
      lease.revoked();
      generator.revokeLease();
      // Until it has registered again, an assignment from it waits for the reply (see onAssignment).
      coordinatorId = null;
      // Its users may already be someone else's: forget them, so that only a new assignment restarts it.
      CoordinatorInbox.onLoop(loop, generator.release()).onComplete(ar -> register());
      return;
    }
    lease.renewed(sentAt, reply.leaseMillis());
    pausedForAbsenceLogged = false;
    generator.leaseUntil(lease.expiryNanos(clock.nanoTime()));
  }

  private void onHeartbeatFailure(Throwable err, long sentAt) {
    long now = clock.nanoTime();
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      if (lease.coordinatorGone(sentAt, now)) {
        LOG.warn("Coordinator is gone from the cluster; continuing with the last assignment (epoch {}) for the "
            + "grace period", generator.holding().epoch());
      }
      generator.leaseUntil(lease.expiryNanos(now));
      coordinatorId = null;
    }
    if (!lease.isValid(now) && lease.coordinatorAway() && !pausedForAbsenceLogged) {
      pausedForAbsenceLogged = true;
      LOG.warn("Coordinator away for longer than the grace period: paused, waiting for it to come back");
    }
  }
}
