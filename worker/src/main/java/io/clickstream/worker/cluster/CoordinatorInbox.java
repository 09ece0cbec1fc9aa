package io.clickstream.worker.cluster;

import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Clock;
import io.clickstream.protocol.MessageFormatException;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.RateChange;
import io.clickstream.protocol.RegistrationReply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's messages to this worker, checked before anything changes: an assignment or a rate
 * change is taken only from the coordinator the {@link CoordinatorLink} registered with, only when
 * addressed to this worker, and only with values within bounds; anything else gets an error reply
 * naming the field or the sender. On the link's event loop.
 */
final class CoordinatorInbox implements CoordinatorChannel.Inbox {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorLink.class);

  private final String workerId;
  private final LeasedGenerator generator;
  private final Executor loop;
  private final Clock clock;
  private final Registered registered;
  private final RateSequence rateSequence = new RateSequence();
  private long lastRejectLogMillis;

  /**
   * What the link knows of its registration.
   *
   * @param coordinatorId the coordinator registered with; null when none
   * @param registration the registration in flight; null when none
   * @param population NUM_USERS as that coordinator has it
   * @param atEpoch the coordinator's epoch when it took the registration: an assignment at or below it was
   *     sent before, to what the worker held then
   */
  record Registered(Supplier<String> coordinatorId, Supplier<Future<RegistrationReply>> registration,
                    IntSupplier population, LongSupplier atEpoch) {
  }

  CoordinatorInbox(String workerId, LeasedGenerator generator, Executor loop, Clock clock, Registered registered) {
    this.workerId = workerId;
    this.generator = generator;
    this.loop = loop;
    this.clock = clock;
    this.registered = registered;
  }

  @Override
  public Future<AssignmentAck> onAssignment(Object body) {
    Assignment assignment;
    try {
      assignment = Assignment.fromJson(body);
      checkAddressee("assignment", assignment.workerId());
    } catch (MessageFormatException e) {
      return reject("assignment", 400, e.getMessage());
    }
    if (awaitsRegistration(assignment.coordinatorId())) {
      return registered.registration().get().transform(ar -> onAssignment(body));
    }
    if (!registeredWith(assignment.coordinatorId())) {
      // Only the coordinator this worker registered with may move its users: anyone else on the bus could
      // otherwise give it users that another worker holds.
      return reject("assignment", Protocol.UNKNOWN_SENDER, unknownSender("assignment", assignment.coordinatorId()));
    }
    if (assignment.epoch() <= registered.atEpoch().getAsLong()) {
      // Sent before the coordinator took our registration: meant for what we held then (we may have let it
      // go since). Answered as an old epoch, so the coordinator retries above it (simulation, seed 363).
      return Future.succeededFuture(new AssignmentAck(workerId, generator.holding().epoch(), false,
          generator.latestEventAtApply()));
    }
    int population = registered.population().getAsInt();
    if (assignment.users().to() > population) {
      // Checked before anything is sized by it: the simulator and the truth keep arrays per user.
      return reject("assignment", 400, "assignment: field 'users' must lie in 1.." + population
          + " (NUM_USERS of coordinator " + assignment.coordinatorId() + "), got " + assignment.users());
    }
    Holding next = new Holding(assignment.epoch(), assignment.users(), assignment.eventsPerSecond(),
        assignment.paused(), population);
    return onLoop(loop, generator.apply(next, assignment.notBeforeMillis()))
        .map(applied -> {
          Holding held = generator.holding();
          // A second copy of the assignment it holds is answered as the first was (idempotent): a refusal
          // overtaking the first copy's ack made the coordinator forget these users (simulation, seed 437).
          // Nor does an accepted assignment make its sender our coordinator: only the registration's reply
          // does (simulation, seed 55118).
          boolean accepted = applied || held.epoch() == assignment.epoch() && held.users().equals(assignment.users());
          if (accepted) {
            LOG.info("Assignment epoch {}: users {} at {} events/s{}", assignment.epoch(), assignment.users(),
                assignment.eventsPerSecond(), assignment.paused() ? " (paused)" : "");
          } else {
            LOG.info("Dropped assignment epoch {}: holding epoch {}", assignment.epoch(), generator.holding().epoch());
          }
          return new AssignmentAck(workerId, generator.holding().epoch(), accepted,
              generator.latestEventAtApply());
        });
  }

  /**
   * A new rate (or pause) for the users held, checked like an assignment: from the coordinator this worker
   * registered with, for this worker. Applied only to the epoch held and only when newer than every change
   * applied before; a duplicate, a late copy or a change for another epoch is answered applied=false and
   * changes nothing.
   */
  @Override
  public Future<RateChange.Ack> onRateChange(Object body) {
    RateChange change;
    try {
      change = RateChange.fromJson(body);
      checkAddressee("rate change", change.workerId());
    } catch (MessageFormatException e) {
      return reject("rate change", 400, e.getMessage());
    }
    if (awaitsRegistration(change.coordinatorId())) {
      return registered.registration().get().transform(ar -> onRateChange(body));
    }
    if (!registeredWith(change.coordinatorId())) {
      return reject("rate change", Protocol.UNKNOWN_SENDER, unknownSender("rate change", change.coordinatorId()));
    }
    long held = generator.holding().epoch();
    if (change.epoch() != held || !rateSequence.admit(change.coordinatorId(), change.seq())) {
      return Future.succeededFuture(new RateChange.Ack(workerId, held, false));
    }
    // Admitted before the generator applies it: a late copy arriving meanwhile is already stale.
    return onLoop(loop, generator.changeRate(change.epoch(), change.eventsPerSecond(), change.paused()))
        .map(applied -> {
          if (applied) {
            LOG.info("Rate change {} for epoch {}: {} events/s{}", change.seq(), change.epoch(),
                change.eventsPerSecond(), change.paused() ? " (paused)" : "");
          }
          return new RateChange.Ack(workerId, generator.holding().epoch(), applied);
        });
  }

  private void checkAddressee(String what, String addressee) {
    if (!addressee.equals(workerId)) {
      throw new MessageFormatException(what + " for " + addressee + " sent to " + workerId);
    }
  }

  /**
   * The coordinator sends its first messages right after its registration reply, which may still be on
   * its way (a slow or loaded member): decide once the registration is answered.
   */
  private boolean awaitsRegistration(String sender) {
    return registered.registration().get() != null && !sender.equals(registered.coordinatorId().get());
  }

  private boolean registeredWith(String sender) {
    return sender.equals(registered.coordinatorId().get());
  }

  private String unknownSender(String what, String sender) {
    String coordinatorId = registered.coordinatorId().get();
    return what + " from coordinator " + sender + " refused: this worker is registered with "
        + (coordinatorId == null ? "no coordinator" : coordinatorId);
  }

  /** A completion from the generator's thread, continued on the link's event loop. */
  static <T> Future<T> onLoop(Executor loop, CompletionStage<T> stage) {
    Promise<T> done = Promise.promise();
    stage.whenComplete((value, err) -> loop.execute(() -> {
      if (err == null) {
        done.complete(value);
      } else {
        done.fail(err);
      }
    }));
    return done.future();
  }

  private <T> Future<T> reject(String what, int code, String reason) {
    long now = clock.currentTimeMillis();
    // A stranger looping on this address must not flood the log; every one still gets its answer.
    if (now - lastRejectLogMillis > 5000) {
      lastRejectLogMillis = now;
      LOG.warn("Rejected a {}: {}", what, reason);
    }
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, reason));
  }
}
