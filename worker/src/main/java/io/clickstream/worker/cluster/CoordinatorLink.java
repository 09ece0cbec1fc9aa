package io.clickstream.worker.cluster;

import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.HeartbeatReply;
import io.clickstream.protocol.MessageFormatException;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.RegistrationReply;
import io.clickstream.protocol.UserRange;
import io.clickstream.worker.publish.GeneratorLoop;
import io.clickstream.worker.publish.Holding;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of the protocol, on the event loop: registers, heartbeats every second, applies
 * assignments to the {@link GeneratorLoop} and keeps its {@link Lease} in step. It never blocks: the
 * generator completes an assignment asynchronously and the ack is sent then.
 */
public final class CoordinatorLink {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorLink.class);
  public static final long HEARTBEAT_INTERVAL_MILLIS = Protocol.HEARTBEAT_INTERVAL_MILLIS;
  private static final long REQUEST_TIMEOUT_MILLIS = 2000;
  private static final long REGISTER_TIMEOUT_MILLIS = 5000;

  private final Vertx vertx;
  private final GeneratorLoop generator;
  private final Identity identity;
  private final Lease lease;
  /** The cluster members this node sees now; null when not clustered. */
  private final java.util.function.Supplier<java.util.Collection<String>> clusterNodes;
  private MessageConsumer<Object> assignments;
  private long heartbeatTimer = -1;
  private String coordinatorId;
  /** The registration in flight, or null. */
  private Future<RegistrationReply> registration;
  private boolean pausedForAbsenceLogged;
  /** NUM_USERS as the coordinator has it; 0 until registered. */
  private int population;
  /** Stopping: the heartbeats ask the coordinator to move this worker's users elsewhere. */
  private boolean draining;
  /** The coordinator refused this worker's id: another live process has it. */
  private boolean refused;
  private long lastRejectLogMillis;

  /** Who this worker is, as told to the coordinator. */
  public record Identity(String workerId, String nodeId, String host, long pid, int metricsPort) {
  }

  public CoordinatorLink(Vertx vertx, GeneratorLoop generator, Identity identity, long graceMillis,
                         java.util.function.Supplier<java.util.Collection<String>> clusterNodes) {
    this.vertx = vertx;
    this.clusterNodes = clusterNodes;
    this.generator = generator;
    this.identity = identity;
    this.lease = new Lease(TimeUnit.MILLISECONDS.toNanos(graceMillis));
  }

  /** Listens for assignments (waiting until the cluster knows the address), then registers. */
  public Future<Void> start() {
    assignments = vertx.eventBus().consumer(Protocol.assignAddress(identity.workerId()), this::onAssignment);
    return assignments.completion().onSuccess(v -> {
      heartbeatTimer = vertx.setPeriodic(HEARTBEAT_INTERVAL_MILLIS, id -> beat());
      register();
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
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    return assignments == null ? Future.succeededFuture() : assignments.unregister();
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
    UserRange producing = lease.isValid(System.nanoTime()) ? held.users() : UserRange.EMPTY;
    Registration me = new Registration(identity.workerId(), identity.nodeId(), identity.host(),
        identity.pid(), identity.metricsPort(), held.epoch(), producing, generator.incarnation());
    // Longer than the coordinator's assignment timeout: a reply given up on too early would have the
    // worker refuse the assignment that follows it.
    Future<RegistrationReply> pending = vertx.eventBus().request(Protocol.REGISTER, me.toJson(),
            new DeliveryOptions().setSendTimeout(REGISTER_TIMEOUT_MILLIS))
        .map(reply -> RegistrationReply.fromJson(reply.body()));
    this.registration = pending;
    // Listeners run in the order they were added: an assignment waiting for this registration (see
    // onAssignment) is decided after these have taken the coordinator's id.
    pending.onComplete(ar -> this.registration = null)
        .onSuccess(reply -> {
          coordinatorId = reply.coordinatorId();
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
    vertx.cancelTimer(heartbeatTimer);
    LOG.error("clickstream worker cannot run: WORKER_ID {} is already in use: {}. Give each worker its own "
        + "WORKER_ID (or leave it unset for a random one); exiting with status 2", identity.workerId(), reason);
    new Thread(() -> System.exit(2), "clickstream-duplicate-exit").start();
  }

  private void beat() {
    long sentAt = System.nanoTime();
    Heartbeat heartbeat = new Heartbeat(identity.workerId(), identity.nodeId(), generator.holding().epoch(), draining);
    vertx.eventBus().request(Protocol.HEARTBEAT, heartbeat.toJson(), options())
        .map(reply -> HeartbeatReply.fromJson(reply.body()))
        .onSuccess(reply -> onHeartbeatReply(reply, sentAt))
        .onFailure(this::onHeartbeatFailure);
  }

  private void onHeartbeatReply(HeartbeatReply reply, long sentAt) {
    if (clusterNodes != null && !clusterNodes.get().contains(reply.coordinatorNodeId())) {
      // A coordinator outside our view of the cluster (a split, or a reply delayed across a freeze) may
      // already have given our users to someone else: its word renews nothing.
      return;
    }
    if (!reply.known() || !reply.coordinatorId().equals(coordinatorId)) {
      // A new coordinator, or one that declared us lost: stop producing, then tell it what we hold.
      if (lease.isValid(System.nanoTime()) || coordinatorId != null && !reply.coordinatorId().equals(coordinatorId)) {
        LOG.warn("Coordinator {} does not know this worker; stopping production and registering again",
            reply.coordinatorId());
      }
      lease.revoked();
      generator.revokeLease();
      // Its users may already be someone else's: forget them, so that only a new assignment restarts it.
      Future.fromCompletionStage(generator.release(), vertx.getOrCreateContext()).onComplete(ar -> register());
      return;
    }
    lease.renewed(sentAt, reply.leaseMillis());
    pausedForAbsenceLogged = false;
    generator.leaseUntil(lease.expiryNanos(System.nanoTime()));
  }

  private void onHeartbeatFailure(Throwable err) {
    long now = System.nanoTime();
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      if (lease.coordinatorGone(now)) {
        LOG.warn("Coordinator is gone from the cluster; continuing with the last assignment (epoch {}) for the "
            + "grace period", generator.holding().epoch());
        generator.leaseUntil(lease.expiryNanos(now));
      }
      coordinatorId = null;
    }
    if (!lease.isValid(now) && lease.coordinatorAway() && !pausedForAbsenceLogged) {
      pausedForAbsenceLogged = true;
      LOG.warn("Coordinator away for longer than the grace period: paused, waiting for it to come back");
    }
  }

  private void onAssignment(Message<Object> message) {
    Assignment assignment;
    try {
      assignment = Assignment.fromJson(message.body());
      if (!assignment.workerId().equals(identity.workerId())) {
        throw new MessageFormatException("assignment for " + assignment.workerId() + " sent to " + identity.workerId());
      }
    } catch (MessageFormatException e) {
      rejectAssignment(message, 400, e.getMessage());
      return;
    }
    if (registration != null && !assignment.coordinatorId().equals(coordinatorId)) {
      // The coordinator sends the first assignment right after its registration reply, which may still be
      // on its way (a slow or loaded member): decide once the registration is answered.
      registration.onComplete(ar -> onAssignment(message));
      return;
    }
    if (coordinatorId == null || !coordinatorId.equals(assignment.coordinatorId())) {
      // Only the coordinator this worker registered with may move its users: anyone else on the bus could
      // otherwise give it users that another worker holds.
      rejectAssignment(message, Protocol.UNKNOWN_SENDER, "assignment from coordinator " + assignment.coordinatorId()
          + " refused: this worker is registered with " + (coordinatorId == null ? "no coordinator" : coordinatorId));
      return;
    }
    if (assignment.users().to() > population) {
      // Checked before anything is sized by it: the simulator and the truth keep arrays per user.
      rejectAssignment(message, 400, "assignment: field 'users' must lie in 1.." + population
          + " (NUM_USERS of coordinator " + coordinatorId + "), got " + assignment.users());
      return;
    }
    Holding next = new Holding(assignment.epoch(), assignment.users(), assignment.eventsPerSecond(),
        assignment.paused(), population);
    Future.fromCompletionStage(generator.apply(next, assignment.notBeforeMillis()), vertx.getOrCreateContext())
        .onSuccess(accepted -> {
          if (accepted) {
            coordinatorId = assignment.coordinatorId();
            LOG.info("Assignment epoch {}: users {} at {} events/s{}", assignment.epoch(), assignment.users(),
                assignment.eventsPerSecond(), assignment.paused() ? " (paused)" : "");
          } else {
            LOG.info("Dropped assignment epoch {}: holding epoch {}", assignment.epoch(), generator.holding().epoch());
          }
          message.reply(new AssignmentAck(identity.workerId(), generator.holding().epoch(), accepted,
              generator.latestEventAtApply()).toJson());
        })
        .onFailure(err -> message.fail(500, err.getMessage()));
  }

  private void rejectAssignment(Message<Object> message, int code, String reason) {
    long now = System.currentTimeMillis();
    // A stranger looping on this address must not flood the log; every one still gets its answer.
    if (now - lastRejectLogMillis > 5000) {
      lastRejectLogMillis = now;
      LOG.warn("Rejected an assignment: {}", reason);
    }
    message.fail(code, reason);
  }

  private static DeliveryOptions options() {
    return new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MILLIS);
  }
}
