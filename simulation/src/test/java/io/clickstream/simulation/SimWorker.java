package io.clickstream.simulation;

import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.HeartbeatReply;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.RateChange;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.RegistrationReply;
import io.clickstream.worker.cluster.CoordinatorChannel;
import io.clickstream.worker.cluster.CoordinatorLink;
import io.vertx.core.Future;

/**
 * One worker process: the real {@link CoordinatorLink} on fake time, an in-process
 * {@link CoordinatorChannel} over the {@link SimNetwork}, and a {@link FakeGenerator}.
 */
final class SimWorker {
  final Member member;
  final FakeGenerator generator;
  final CoordinatorLink link;
  final String workerId;
  private final SimNetwork network;
  private final Trace trace;
  private boolean draining;

  SimWorker(Member member, String workerId, SimNetwork network, Membership membership, SimParams params,
            SimScheduler scheduler, Trace trace, Runnable exitAsDuplicate, boolean ignoreLease) {
    this.member = member;
    this.workerId = workerId;
    this.network = network;
    this.trace = trace;
    this.generator = new FakeGenerator(member, scheduler, params, trace, workerId, ignoreLease);
    CoordinatorLink.Seams seams = new CoordinatorLink.Seams(member.clock, member.timers, member::execute,
        new Channel(), exitAsDuplicate);
    // Ids and host are fixed strings, pid a counter: nothing random outside the seed.
    CoordinatorLink.Identity identity = new CoordinatorLink.Identity(workerId, member.nodeId, "sim-" + member.nodeId,
        member.nodeId.hashCode() & 0xFFFF, 0);
    this.link = new CoordinatorLink(seams, generator, identity, params.graceMillis(),
        () -> membership.view(member.nodeId));
  }

  boolean draining() {
    return draining;
  }

  /** A graceful stop begins: the generator stops at once, the heartbeats say so (WorkerVerticle.gracefulStop). */
  void drain() {
    draining = true;
    link.drain();
    generator.stop();
  }

  /** The worker side of the transport, in process. */
  private final class Channel implements CoordinatorChannel {
    @Override
    public Future<RegistrationReply> register(Registration registration, long timeoutMillis) {
      return network.request(member, Protocol.REGISTER, registration.toJson(), timeoutMillis, RegistrationReply::fromJson)
          .andThen(ar -> trace.detail(member.name + (ar.succeeded() ? " registered with " + ar.result().coordinatorId()
              + " at its epoch " + ar.result().epoch() : " not registered: " + ar.cause().getMessage())));
    }

    @Override
    public Future<HeartbeatReply> heartbeat(Heartbeat heartbeat, long timeoutMillis) {
      return network.request(member, Protocol.HEARTBEAT, heartbeat.toJson(), timeoutMillis, HeartbeatReply::fromJson)
          .andThen(ar -> {
            if (ar.succeeded() && !ar.result().known()) {
              trace.detail(member.name + " is unknown to " + ar.result().coordinatorId());
            }
          });
    }

    @Override
    public Future<Void> listen(String id, Inbox inbox) {
      network.listen(Protocol.assignAddress(id), member, body -> inbox.onAssignment(body).map(AssignmentAck::toJson));
      network.listen(Protocol.rateAddress(id), member, body -> inbox.onRateChange(body).map(RateChange.Ack::toJson));
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      network.unlisten(Protocol.assignAddress(workerId), member);
      network.unlisten(Protocol.rateAddress(workerId), member);
      return Future.succeededFuture();
    }
  }
}
