package io.clickstream.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.UserRange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stopping worker says so in its heartbeats: the coordinator moves its users to the others at once,
 * keeps it live (its late events and reports still come), and never gives it users again.
 */
class DrainingWorkerTest {
  private final Vertx vertx = Vertx.vertx();
  /** What each worker holds, as the in-process channel acknowledged it. */
  private final Map<String, UserRange> held = new ConcurrentHashMap<>();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private <T> T onLoop(Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    vertx.runOnContext(v -> result.complete(action.get()));
    return result.get(5, TimeUnit.SECONDS);
  }

  private void await(Supplier<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!onLoop(condition)) {
      assertThat(System.nanoTime() - deadline).as("condition not met in time; held: " + held).isNegative();
      Thread.sleep(10);
    }
  }

  @Test
  void aDrainingWorkersUsersMoveAndItGetsNoneBack() throws Exception {
    WorkerChannel channel = (Assignment a) -> {
      held.put(a.workerId(), a.users());
      return Future.succeededFuture(new AssignmentAck(a.workerId(), a.epoch(), true));
    };
    Coordinator coordinator = new Coordinator(io.clickstream.protocol.Clock.SYSTEM, io.clickstream.protocol.Timers.of(vertx), CoordinatorConfig.fromEnv(Map.of("NUM_USERS", "100",
        "COORDINATOR_SETTLE_MS", "0")), channel, "node-c");
    for (String id : new String[] {"w1", "w2"}) {
      onLoop(() -> coordinator.onRegister(new Registration(id, "node-" + id, "127.0.0.1", 1, 0, 0, UserRange.EMPTY, "inc-" + id)));
    }
    await(() -> held.getOrDefault("w1", UserRange.EMPTY).size() == 50 && held.getOrDefault("w2", UserRange.EMPTY).size() == 50);

    assertThat(onLoop(() -> coordinator.onHeartbeat(new Heartbeat("w2", "node-w2", 2, true))).known()).isTrue();
    await(() -> held.get("w1").size() == 100 && held.get("w2").isEmpty());
    assertThat(onLoop(() -> coordinator.registry().get("w2").isLive())).as("still live while it drains").isTrue();

    // A later rebalance leaves it out too.
    onLoop(() -> {
      coordinator.requestRebalance("test");
      return null;
    });
    await(() -> !coordinator.rebalancing());
    assertThat(held.get("w2")).isEqualTo(UserRange.EMPTY);
    assertThat(held.get("w1").size()).isEqualTo(100);
  }

  /** A user who moves keeps its strict order even when the new worker's clock is behind: the grant says after when. */
  @Test
  void aGrantCarriesTheLatestEventTimeItsPreviousOwnerReported() throws Exception {
    long w2Latest = 1_900_000_000_000L;
    Map<String, Long> notBefore = new ConcurrentHashMap<>();
    WorkerChannel channel = (Assignment a) -> {
      held.put(a.workerId(), a.users());
      notBefore.put(a.workerId(), a.notBeforeMillis());
      return Future.succeededFuture(new AssignmentAck(a.workerId(), a.epoch(), true, a.workerId().equals("w2") ? w2Latest : 0));
    };
    Coordinator coordinator = new Coordinator(io.clickstream.protocol.Clock.SYSTEM, io.clickstream.protocol.Timers.of(vertx), CoordinatorConfig.fromEnv(Map.of("NUM_USERS", "100",
        "COORDINATOR_SETTLE_MS", "0")), channel, "node-c");
    for (String id : new String[] {"w1", "w2"}) {
      onLoop(() -> coordinator.onRegister(new Registration(id, "node-" + id, "127.0.0.1", 1, 0, 0, UserRange.EMPTY, "inc-" + id)));
    }
    await(() -> held.getOrDefault("w1", UserRange.EMPTY).size() == 50 && held.getOrDefault("w2", UserRange.EMPTY).size() == 50);
    onLoop(() -> coordinator.onHeartbeat(new Heartbeat("w2", "node-w2", 2, true)));
    await(() -> held.get("w1").size() == 100);
    assertThat(notBefore.get("w1")).as("w1's grant of w2's users").isGreaterThanOrEqualTo(w2Latest);
  }
}
