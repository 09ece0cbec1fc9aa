package io.clickstream.coordinator;

import io.clickstream.coordinator.server.CoordinatorVerticle;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.MetricsSupport;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.RegistrationReply;
import io.clickstream.protocol.UserRange;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Strangers and old versions on the event bus: the real coordinator verticle on a (non-clustered)
 * Vert.x, whose addresses behave as in the cluster. Garbage is refused with a reply that names the
 * problem, and the coordinator keeps serving well-formed members.
 */
class MalformedMessagesTest {
  private Vertx vertx;

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx();
    CoordinatorConfig config = CoordinatorConfig.fromEnv(Map.of("HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1",
        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "COORDINATOR_SETTLE_MS", "0"));
    vertx.deployVerticle(new CoordinatorVerticle(config, null, MetricsSupport.newRegistry("test")))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static Object[][] garbage() {
    Registration valid = new Registration("w1", "n1", "h", 1, 0, 0, UserRange.EMPTY, "i1");
    return new Object[][] {
        {"a string", "hello", "body must be a JSON object"},
        {"a number", 42, "body must be a JSON object"},
        {"an old protocol version", valid.toJson().put("v", 0), "unsupported protocol version 0"},
        {"a future protocol version", valid.toJson().put("v", 2), "unsupported protocol version 2"},
        {"no version", valid.toJson().copy().put("v", (Object) null), "unsupported protocol version null"},
        {"a missing field", valid.toJson().copy().put("workerId", (Object) null), "'workerId' must be a non-empty string"},
        {"a wrong type", valid.toJson().put("pid", "one"), "'pid' must be an integer"},
        {"a bad range", valid.toJson().put("heldUsers", new JsonObject().put("from", -3).put("to", 2)),
            "user range out of bounds"},
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("garbage")
  void malformedRegistrationsAreRefusedByName(String name, Object body, String message) throws Exception {
    Throwable failure = request(Protocol.REGISTER, body);
    assertThat(failure).isInstanceOf(ReplyException.class);
    ReplyException reply = (ReplyException) failure;
    assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(reply.failureCode()).isEqualTo(400);
    assertThat(reply.getMessage()).contains(message);
    assertThat(wellFormedRegistrationWorks()).isTrue();
  }

  @Test
  void garbageOnTheFireAndForgetStatsAddressIsDroppedQuietly() throws Exception {
    for (Object body : new Object[] {"x", 1, new JsonObject().put("v", 1).put("type", "stats")}) {
      vertx.eventBus().send(Protocol.STATS, body);
    }
    assertThat(request(Protocol.HEARTBEAT, new JsonObject().put("v", 1)).getMessage())
        .contains("'workerId' must be a non-empty string");
    assertThat(wellFormedRegistrationWorks()).isTrue();
  }

  private Throwable request(String address, Object body) throws Exception {
    try {
      vertx.eventBus().request(address, body, new DeliveryOptions().setSendTimeout(5000))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private boolean wellFormedRegistrationWorks() throws Exception {
    Object reply = vertx.eventBus().request(Protocol.REGISTER,
            new Registration("w-ok", "n", "h", 1, 0, 0, UserRange.EMPTY, "i1").toJson())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    return RegistrationReply.fromJson(reply).numUsers() == 100;
  }
}
