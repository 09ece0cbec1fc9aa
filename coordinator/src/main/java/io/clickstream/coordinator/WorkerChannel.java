package io.clickstream.coordinator;

import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.RateChange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * How the coordinator reaches a worker. One interface with several homes (as in OpenMessaging
 * Benchmark): over the clustered event bus in production, in-process in the orchestration tests.
 */
public interface WorkerChannel {
  Future<AssignmentAck> send(Assignment assignment);

  /** A rate change for the users a worker holds (see {@link RateChange}). */
  default Future<RateChange.Ack> send(RateChange change) {
    return Future.failedFuture(new UnsupportedOperationException("this channel carries no rate changes"));
  }

  /** Over the (clustered) event bus; a worker that does not answer within the timeout has failed. */
  static WorkerChannel eventBus(Vertx vertx, long timeoutMillis) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMillis);
    return new WorkerChannel() {
      @Override
      public Future<AssignmentAck> send(Assignment assignment) {
        return vertx.eventBus().request(Protocol.assignAddress(assignment.workerId()), assignment.toJson(), options)
            .map(reply -> AssignmentAck.fromJson(reply.body()));
      }

      @Override
      public Future<RateChange.Ack> send(RateChange change) {
        return vertx.eventBus().request(Protocol.rateAddress(change.workerId()), change.toJson(), options)
            .map(reply -> RateChange.Ack.fromJson(reply.body()));
      }
    };
  }
}
