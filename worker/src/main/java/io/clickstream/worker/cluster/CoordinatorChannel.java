package io.clickstream.worker.cluster;

import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.HeartbeatReply;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.RateChange;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.RegistrationReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.Function;

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

    /**
     * A {@link RateChange} for the users already held. Default: refused as not handled, for an inbox that
     * takes only assignments (the coordinator's next assignment carries the rate anyway).
     */
    default Future<RateChange.Ack> onRateChange(Object body) {
      return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 501,
          "rate changes are not handled here"));
    }
  }

  static CoordinatorChannel eventBus(Vertx vertx) {
    return new CoordinatorChannel() {
      private MessageConsumer<Object> assignments;
      private MessageConsumer<Object> rates;

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
        assignments = vertx.eventBus().consumer(Protocol.assignAddress(workerId),
            message -> answer(message, inbox.onAssignment(message.body()), AssignmentAck::toJson));
        rates = vertx.eventBus().consumer(Protocol.rateAddress(workerId),
            message -> answer(message, inbox.onRateChange(message.body()), RateChange.Ack::toJson));
        return Future.all(assignments.completion(), rates.completion()).mapEmpty();
      }

      /** The handler's answer as the reply; a refusal keeps its code (500 for anything unexpected). */
      private <T> void answer(Message<Object> message, Future<T> answer, Function<T, Object> toJson) {
        answer.onSuccess(ack -> message.reply(toJson.apply(ack)))
            .onFailure(err -> message.fail(err instanceof ReplyException re ? re.failureCode() : 500, err.getMessage()));
      }

      @Override
      public Future<Void> close() {
        return Future.all(assignments == null ? Future.succeededFuture() : assignments.unregister(),
            rates == null ? Future.succeededFuture() : rates.unregister()).mapEmpty();
      }
    };
  }
}
