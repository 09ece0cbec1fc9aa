package io.clickstream.worker.cluster;

import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.HeartbeatReply;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.RegistrationReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;

/**
 * How a worker reaches the coordinator, and how the coordinator's messages reach it: the worker's side
 * of the coordinator's {@code WorkerChannel}. Over the clustered event bus in production, in-process in the
 * simulation. Failures keep the event bus's vocabulary: a {@link ReplyException} whose failure type says
 * whether nobody listens ({@code NO_HANDLERS}), nobody answered ({@code TIMEOUT}) or the other side refused
 * ({@code RECIPIENT_FAILURE} with a code such as {@link Protocol#DUPLICATE_WORKER}).
 */
public interface CoordinatorChannel {
  Future<RegistrationReply> register(Registration registration, long timeoutMillis);

  Future<HeartbeatReply> heartbeat(Heartbeat heartbeat, long timeoutMillis);

  /**
   * Delivers the coordinator's messages for {@code workerId} to {@code inbox}; completes once they can
   * reach it from anywhere in the cluster.
   */
  Future<Void> listen(String workerId, Inbox inbox);

  /** Stops delivering to the inbox. */
  Future<Void> close();

  /** The worker's handlers; a failed future is the refusal sent back (a {@link ReplyException} keeps its code). */
  interface Inbox {
    Future<AssignmentAck> onAssignment(Object body);
  }

  static CoordinatorChannel eventBus(Vertx vertx) {
    return new CoordinatorChannel() {
      private MessageConsumer<Object> assignments;

      @Override
      public Future<RegistrationReply> register(Registration registration, long timeoutMillis) {
        return vertx.eventBus().request(Protocol.REGISTER, registration.toJson(),
                new DeliveryOptions().setSendTimeout(timeoutMillis))
            .map(reply -> RegistrationReply.fromJson(reply.body()));
      }

      @Override
      public Future<HeartbeatReply> heartbeat(Heartbeat heartbeat, long timeoutMillis) {
        return vertx.eventBus().request(Protocol.HEARTBEAT, heartbeat.toJson(),
                new DeliveryOptions().setSendTimeout(timeoutMillis))
            .map(reply -> HeartbeatReply.fromJson(reply.body()));
      }

      @Override
      public Future<Void> listen(String workerId, Inbox inbox) {
        assignments = vertx.eventBus().consumer(Protocol.assignAddress(workerId), message ->
            inbox.onAssignment(message.body())
                .onSuccess(ack -> message.reply(ack.toJson()))
                .onFailure(err -> message.fail(err instanceof ReplyException re ? re.failureCode() : 500,
                    err.getMessage())));
        return assignments.completion();
      }

      @Override
      public Future<Void> close() {
        return assignments == null ? Future.succeededFuture() : assignments.unregister();
      }
    };
  }
}
