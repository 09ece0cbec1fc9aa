package io.clickstream.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.MetricsSupport;
import io.clickstream.protocol.Protocol;
import io.clickstream.worker.WorkerConfig;
import io.clickstream.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker takes assignments only from the coordinator it registered with, but a registration reply can
 * arrive after the first assignment (a loaded member, a slow link). The real worker verticle waits for
 * its registration to be answered before deciding, instead of refusing its own coordinator.
 */
class RegistrationRaceTest {
  private Vertx vertx;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void anAssignmentThatOvertakesTheRegistrationReplyIsTakenOnceTheReplyArrives() throws Exception {
    vertx = Vertx.vertx();
    CompletableFuture<Object> ack = new CompletableFuture<>();
    vertx.eventBus().<Object>consumer(Protocol.HEARTBEAT, m -> m.reply(new JsonObject().put("v", 1)
        .put("type", "heartbeat-reply").put("coordinatorId", "c1").put("coordinatorNodeId", "local")
        .put("known", true).put("leaseMillis", 3000)));
    vertx.eventBus().<Object>consumer(Protocol.TRUTH, m -> m.reply(new JsonObject()));
    // The coordinator: assigns first, answers the registration 500 ms later.
    vertx.eventBus().<Object>consumer(Protocol.REGISTER, m -> {
      if (ack.isDone()) {
        m.reply(reply());
        return;
      }
      JsonObject assignment = new JsonObject().put("v", 1).put("type", "assignment").put("workerId", "w1")
          .put("coordinatorId", "c1").put("epoch", 1).put("users", new JsonObject().put("from", 1).put("to", 100))
          .put("eventsPerSecond", 0.0).put("paused", true).put("leaseMillis", 3000);
      vertx.eventBus().request(Protocol.assignAddress("w1"), assignment, new DeliveryOptions().setSendTimeout(3000))
          .onComplete(ar -> ack.complete(ar.succeeded() ? ar.result().body() : ar.cause()));
      vertx.setTimer(500, id -> m.reply(reply()));
    });
    WorkerConfig config = WorkerConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "WORKER_ID", "w1",
        "METRICS_PORT", "0", "NUM_USERS", "100"));
    vertx.deployVerticle(new WorkerVerticle(config, 12, new CoordinatorLink.Identity("w1", "node-1", "127.0.0.1", 1, 0),
        MetricsSupport.newRegistry("worker"), null)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

    Object answer = ack.get(20, TimeUnit.SECONDS);
    assertThat(answer).as(String.valueOf(answer)).isInstanceOf(JsonObject.class);
    assertThat(((JsonObject) answer).getBoolean("accepted")).isTrue();
    assertThat(((JsonObject) answer).getLong("heldEpoch")).isEqualTo(1);
  }

  private static JsonObject reply() {
    return new JsonObject().put("v", 1).put("type", "registration-reply").put("coordinatorId", "c1")
        .put("numUsers", 100);
  }
}
