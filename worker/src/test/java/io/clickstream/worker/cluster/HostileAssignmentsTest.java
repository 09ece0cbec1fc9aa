package io.clickstream.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.MetricsSupport;
import io.clickstream.protocol.Protocol;
import io.clickstream.worker.WorkerConfig;
import io.clickstream.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A stranger on the bus sends a worker assignments and rate changes with extreme values: the real worker
 * verticle on a (non-clustered) Vert.x, registered with a coordinator played by the test. Every message
 * that is not from its coordinator, not for this worker or not within bounds is refused with an error
 * naming the field and the value, before anything is sized by it, and the worker keeps what it held.
 */
class HostileAssignmentsTest {
  private static final String COORDINATOR = "coordinator-c1";
  private static Vertx vertx;
  /** The worker's latest stats report: what it holds. */
  private static final AtomicReference<JsonObject> lastStats = new AtomicReference<>();
  private static Throwable beforeRegistration;

  @BeforeAll
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    // The coordinator, played by the test; it answers registrations only once the first check is done.
    vertx.eventBus().<Object>consumer(Protocol.HEARTBEAT, m -> m.reply(new JsonObject().put("v", 1)
        .put("type", "heartbeat-reply").put("coordinatorId", COORDINATOR).put("coordinatorNodeId", "local")
        .put("known", true).put("leaseMillis", 3000)));
    vertx.eventBus().<Object>consumer(Protocol.STATS, m -> lastStats.set((JsonObject) m.body()));
    vertx.eventBus().<Object>consumer(Protocol.TRUTH, m -> m.reply(new JsonObject()));
    WorkerConfig config = WorkerConfig.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "WORKER_ID", "w1",
        "METRICS_PORT", "0", "NUM_USERS", "100"));
    WorkerVerticle worker = new WorkerVerticle(config, 12,
        new CoordinatorLink.Identity("w1", "node-1", "127.0.0.1", 1, 0), MetricsSupport.newRegistry("worker"), null);
    vertx.deployVerticle(worker).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    // Not registered with anyone yet: even its would-be coordinator cannot assign.
    beforeRegistration = request(assignment(1, a -> { }));
    vertx.eventBus().<Object>consumer(Protocol.REGISTER, m -> {
      m.reply(new JsonObject().put("v", 1).put("type", "registration-reply").put("coordinatorId", COORDINATOR)
          .put("numUsers", 100));
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (request(assignment(1, a -> { })) != null) {
      assertThat(System.nanoTime()).as("the worker registered and took epoch 1").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static Object[][] hostile() {
    return new Object[][] {
        {"users up to Integer.MAX_VALUE", assignment(2, a -> a.put("users", range(1, Integer.MAX_VALUE))), 400,
            "user range out of bounds"},
        {"users up to the largest NUM_USERS", assignment(2, a -> a.put("users", range(1, 100_000_000))), 400,
            "field 'users' must lie in 1..100 (NUM_USERS of coordinator coordinator-c1), got [1..100000000]"},
        {"users one past the population", assignment(2, a -> a.put("users", range(50, 101))), 400,
            "field 'users' must lie in 1..100"},
        {"another coordinator", assignment(5, a -> a.put("coordinatorId", "coordinator-evil")), Protocol.UNKNOWN_SENDER,
            "assignment from coordinator coordinator-evil refused: this worker is registered with coordinator-c1"},
        {"epoch near Long.MAX_VALUE", assignment(Long.MAX_VALUE - 1, a -> { }), 400,
            "'epoch' must be from 1 to 9007199254740992, got 9223372036854775806"},
        {"epoch 0", assignment(0, a -> { }), 400, "'epoch' must be from 1"},
        {"NaN rate", assignment(2, a -> a.put("eventsPerSecond", Double.NaN)), 400,
            "'eventsPerSecond' must be a finite number, got NaN"},
        {"infinite rate", assignment(2, a -> a.put("eventsPerSecond", Double.POSITIVE_INFINITY)), 400,
            "'eventsPerSecond' must be a finite number, got Infinity"},
        {"a trillion events a second", assignment(2, a -> a.put("eventsPerSecond", 1e12)), 400,
            "'eventsPerSecond' must be from 0.0 to 1.0E8, got 1.0E12"},
        {"negative rate", assignment(2, a -> a.put("eventsPerSecond", -1.0)), 400, "'eventsPerSecond' must be from 0.0"},
        {"an endless lease", assignment(2, a -> a.put("leaseMillis", Long.MAX_VALUE)), 400,
            "'leaseMillis' must be from 1 to 600000"},
        {"paused of the wrong type", assignment(2, a -> a.put("paused", "yes")), 400, "'paused' must be true or false"},
        {"for another worker", assignment(2, a -> a.put("workerId", "w2")), 400, "assignment for w2 sent to w1"},
        {"an overlong coordinator id", assignment(2, a -> a.put("coordinatorId", "c".repeat(100_000))), 400,
            "'coordinatorId' must be at most 1024 characters"},
        {"not JSON", "assign me everything", 400, "body must be a JSON object"},
    };
  }

  static Object[][] hostileRateChanges() {
    return new Object[][] {
        {"another coordinator", rateChange(a -> a.put("coordinatorId", "coordinator-evil")), Protocol.UNKNOWN_SENDER,
            "rate change from coordinator coordinator-evil refused: this worker is registered with coordinator-c1"},
        {"for another worker", rateChange(a -> a.put("workerId", "w2")), 400, "rate change for w2 sent to w1"},
        {"epoch 0", rateChange(a -> a.put("epoch", 0)), 400, "'epoch' must be from 1"},
        {"epoch near Long.MAX_VALUE", rateChange(a -> a.put("epoch", Long.MAX_VALUE - 1)), 400,
            "'epoch' must be from 1 to 9007199254740992, got 9223372036854775806"},
        {"seq 0", rateChange(a -> a.put("seq", 0)), 400, "'seq' must be from 1"},
        {"a fractional seq", rateChange(a -> a.put("seq", 2.5)), 400, "'seq' must be an integer, got 2.5"},
        {"NaN rate", rateChange(a -> a.put("eventsPerSecond", Double.NaN)), 400,
            "'eventsPerSecond' must be a finite number, got NaN"},
        {"a trillion events a second", rateChange(a -> a.put("eventsPerSecond", 1e12)), 400,
            "'eventsPerSecond' must be from 0.0 to 1.0E8, got 1.0E12"},
        {"negative rate", rateChange(a -> a.put("eventsPerSecond", -1.0)), 400, "'eventsPerSecond' must be from 0.0"},
        {"paused of the wrong type", rateChange(a -> a.put("paused", "no")), 400, "'paused' must be true or false"},
        {"an assignment sent as a rate change", assignment(2, a -> { }), 400, "'seq' must be an integer, got null"},
        {"not JSON", "faster please", 400, "body must be a JSON object"},
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void everyHostileAssignmentIsRefusedByNameAndTheWorkerKeepsWhatItHeld(String name, Object body, int code,
                                                                        String message) throws Exception {
    refusedAndNothingChanged(Protocol.assignAddress("w1"), body, code, message);
  }

  /** Each would unpause the worker at a million events a second if it were taken. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileRateChanges")
  void everyHostileRateChangeIsRefusedByNameAndTheWorkerKeepsItsRate(String name, Object body, int code,
                                                                     String message) throws Exception {
    refusedAndNothingChanged(Protocol.rateAddress("w1"), body, code, message);
    assertThat(lastStats.get().getDouble("targetRate")).isZero();
    assertThat(lastStats.get().getBoolean("producing")).isFalse();
  }

  private static void refusedAndNothingChanged(String address, Object body, int code, String message)
      throws Exception {
    Throwable failure = request(address, body);
    assertThat(failure).as("a reply that refuses").isInstanceOf(ReplyException.class);
    ReplyException reply = (ReplyException) failure;
    assertThat(reply.failureType()).as(reply.getMessage()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(reply.failureCode()).as(reply.getMessage()).isEqualTo(code);
    assertThat(reply.getMessage()).contains(message);
    // Its next report still says epoch 1, users 1..100.
    long seq = lastStats.get() == null ? 0 : lastStats.get().getLong("seq");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (lastStats.get() == null || lastStats.get().getLong("seq") <= seq) {
      assertThat(System.nanoTime()).as("a stats report after the hostile one").isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(lastStats.get().getLong("epoch")).isEqualTo(1);
    assertThat(lastStats.get().getJsonObject("users")).isEqualTo(range(1, 100));
  }

  @org.junit.jupiter.api.Test
  void anAssignmentBeforeRegistrationIsRefusedEvenFromTheLaterCoordinator() {
    assertThat(beforeRegistration).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) beforeRegistration).failureCode()).isEqualTo(Protocol.UNKNOWN_SENDER);
    assertThat(beforeRegistration.getMessage()).contains("this worker is registered with no coordinator");
  }

  private static Throwable request(Object body) throws Exception {
    return request(Protocol.assignAddress("w1"), body);
  }

  private static Throwable request(String address, Object body) throws Exception {
    try {
      vertx.eventBus().request(address, body, new DeliveryOptions().setSendTimeout(5000))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  /** From its coordinator, for epoch 1: unpaused at a million events a second, which {@code change} may alter. */
  private static JsonObject rateChange(Consumer<JsonObject> change) {
    JsonObject r = new JsonObject().put("v", 1).put("type", "rate-change").put("workerId", "w1")
        .put("coordinatorId", COORDINATOR).put("epoch", 1).put("seq", 1).put("eventsPerSecond", 1e6)
        .put("paused", false);
    change.accept(r);
    return r;
  }

  private static JsonObject range(int from, int to) {
    return new JsonObject().put("from", from).put("to", to);
  }

  /** Users 1..100, paused (nothing is sent to the unreachable broker), which {@code change} may alter. */
  private static JsonObject assignment(long epoch, Consumer<JsonObject> change) {
    JsonObject a = new JsonObject().put("v", 1).put("type", "assignment").put("workerId", "w1")
        .put("coordinatorId", COORDINATOR).put("epoch", epoch).put("users", range(1, 100)).put("eventsPerSecond", 0.0)
        .put("paused", true).put("leaseMillis", 3000);
    change.accept(a);
    return a;
  }
}
