package io.clickstream.simulation;

import io.clickstream.coordinator.Coordinator;
import io.clickstream.coordinator.CoordinatorConfig;
import io.clickstream.coordinator.Refused;
import io.clickstream.coordinator.WorkerChannel;
import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.RateChange;
import io.clickstream.protocol.Registration;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * One coordinator process: the real {@link Coordinator} on fake time, wired as CoordinatorVerticle wires
 * it (registration and heartbeat handlers that parse strictly and answer refusals with their code, the
 * liveness tick every {@link Coordinator#TICK_MILLIS}, a history point every second) and an in-process
 * {@link WorkerChannel} over the {@link SimNetwork}.
 */
final class SimCoordinator {
  /** What the simulation learns of every assignment sent, before it goes out. */
  interface Issued {
    void issued(SimCoordinator from, Assignment assignment);
  }

  final Member member;
  final Coordinator coordinator;
  private final SimNetwork network;
  private final Membership membership;

  SimCoordinator(Member member, String coordinatorId, CoordinatorConfig config, SimNetwork network,
                 Membership membership, Trace trace, Issued issued) {
    this.member = member;
    this.network = network;
    this.membership = membership;
    WorkerChannel channel = new WorkerChannel() {
      @Override
      public Future<AssignmentAck> send(Assignment assignment) {
        issued.issued(SimCoordinator.this, assignment);
        return network.request(member, Protocol.assignAddress(assignment.workerId()), assignment.toJson(),
                SimParams.ASSIGNMENT_TIMEOUT_MILLIS, AssignmentAck::fromJson)
            .andThen(ar -> trace.detail(member.name + " <- " + assignment.workerId() + " epoch " + assignment.epoch()
                + (ar.succeeded() ? (ar.result().accepted() ? " acked" : " refused, holds " + ar.result().heldEpoch())
                : " failed: " + ar.cause().getMessage())));
      }

      @Override
      public Future<RateChange.Ack> send(RateChange change) {
        return network.request(member, Protocol.rateAddress(change.workerId()), change.toJson(),
            SimParams.ASSIGNMENT_TIMEOUT_MILLIS, RateChange.Ack::fromJson);
      }
    };
    this.coordinator = new Coordinator(member.clock, member.timers, config, channel, member.nodeId, coordinatorId);
  }

  void start() {
    network.listen(Protocol.REGISTER, member,
        request(Registration::fromJson, r -> coordinator.onRegister(r, membership.view(member.nodeId)).toJson()));
    network.listen(Protocol.HEARTBEAT, member, request(Heartbeat::fromJson, h -> coordinator.onHeartbeat(h).toJson()));
    tick();
    history();
  }

  private void tick() {
    member.timers.after(Coordinator.TICK_MILLIS, () -> {
      coordinator.tick(membership.view(member.nodeId));
      tick();
    });
  }

  private void history() {
    member.timers.after(1000, () -> {
      coordinator.recordHistory();
      history();
    });
  }

  /** CoordinatorVerticle.request: a malformed body is a 400, a refusal its own code. */
  private static <T> Function<JsonObject, Future<JsonObject>> request(Function<Object, T> parse,
                                                                      Function<T, JsonObject> handle) {
    return body -> {
      T parsed;
      try {
        parsed = parse.apply(body);
      } catch (RuntimeException e) {
        return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 400, e.getMessage()));
      }
      try {
        return Future.succeededFuture(handle.apply(parsed));
      } catch (Refused e) {
        return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, e.code(), e.getMessage()));
      }
    };
  }
}
