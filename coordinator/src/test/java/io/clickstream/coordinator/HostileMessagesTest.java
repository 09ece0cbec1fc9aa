package io.clickstream.coordinator;

import io.clickstream.coordinator.server.CoordinatorVerticle;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.MetricsSupport;
import io.clickstream.protocol.Protocol;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A stranger on the event bus sends every coordinator message type with extreme values: the real
 * coordinator verticle on a (non-clustered) Vert.x, whose addresses behave as in the cluster, with one
 * registered worker played by the test. Every message gets an error reply that names the field and the
 * value, the coordinator stays up, and nothing it holds changes: registry, epoch, published truth.
 */
class HostileMessagesTest {
  private static final int USERS = 100;
  private static final String W1 = "w1";
  private static final String NODE = "node-1";
  private static final String INCARNATION = "inc-1";
  private static Vertx vertx;
  private static CoordinatorVerticle verticle;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static JsonObject before;
  /** The epoch the test's worker holds, as it tells the coordinator in its beats. */
  private static final java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();

  @BeforeAll
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    CoordinatorConfig config = CoordinatorConfig.fromEnv(Map.of("HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1",
        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "COORDINATOR_SETTLE_MS", "0", "NUM_USERS", Integer.toString(USERS)));
    verticle = new CoordinatorVerticle(config, null, MetricsSupport.newRegistry("test"));
    vertx.deployVerticle(verticle).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    // The test plays worker w1: it acknowledges whatever it is assigned, and heartbeats.
    vertx.eventBus().<Object>consumer(Protocol.assignAddress(W1), m -> {
      JsonObject a = (JsonObject) m.body();
      held.set(a.getLong("epoch"));
      m.reply(new JsonObject().put("v", 1).put("type", "assignment-ack").put("workerId", W1)
          .put("heldEpoch", a.getLong("epoch")).put("accepted", true));
    }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.setPeriodic(500, id -> vertx.eventBus().request(Protocol.HEARTBEAT, heartbeat(W1, NODE, held.get())));
    request(Protocol.REGISTER, registration(W1, NODE, 0));
    // Settled: w1 holds all users at some epoch, and a valid truth report from it was taken.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!state().getJsonArray("workers").getJsonObject(0).getJsonObject("users").getInteger("to").equals(USERS)
        || state().getBoolean("rebalancing")) {
      assertThat(System.nanoTime()).as("w1 assigned all users").isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(request(Protocol.TRUTH, truth(W1, INCARNATION, 1, t -> { }))).isNull();
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @BeforeEach
  void snapshot() throws Exception {
    before = state();
  }

  static Object[][] hostile() {
    String huge = "x".repeat(1_000_000);
    JsonObject manyTypes = new JsonObject();
    for (int i = 0; i < 1000; i++) {
      manyTypes.put("t" + i, 1);
    }
    JsonArray lateness33 = new JsonArray();
    for (int i = 0; i < 33; i++) {
      lateness33.add(i);
    }
    return new Object[][] {
        // register
        {"register: epoch near Long.MAX_VALUE", Protocol.REGISTER, registration("w9", "n9", Long.MAX_VALUE - 1), 400,
            "'heldEpoch' must be from 0 to 9007199254740992, got 9223372036854775806"},
        {"register: negative epoch", Protocol.REGISTER, registration("w9", "n9", -1), 400, "'heldEpoch' must be from 0"},
        {"register: epoch beyond long", Protocol.REGISTER, registration("w9", "n9", 0)
            .put("heldEpoch", new BigInteger("123456789012345678901234567890")), 400, "'heldEpoch' must be an integer"},
        {"register: overlong worker id", Protocol.REGISTER, registration("w".repeat(10_000), "n9", 0), 400,
            "'workerId' must be at most 1024 characters"},
        {"register: worker id that is no address part", Protocol.REGISTER, registration("w9 .assign", "n9", 0), 400,
            "'workerId' must be 1-64 letters"},
        {"register: overlong host", Protocol.REGISTER, registration("w9", "n9", 0).put("host", huge), 400,
            "'host' must be at most 1024 characters, got 1000000"},
        {"register: users to Integer.MAX_VALUE", Protocol.REGISTER, registration("w9", "n9", 0)
            .put("heldUsers", range(1, Integer.MAX_VALUE)), 400, "user range out of bounds"},
        {"register: pid of the wrong type", Protocol.REGISTER, registration("w9", "n9", 0).put("pid", "one"), 400,
            "'pid' must be an integer, got one"},
        {"register: metrics port 70000", Protocol.REGISTER, registration("w9", "n9", 0).put("metricsPort", 70_000), 400,
            "'metricsPort' must be from 0 to 65535, got 70000"},
        // heartbeat
        {"heartbeat: epoch MAX", Protocol.HEARTBEAT, heartbeat(W1, NODE, Long.MAX_VALUE), 400,
            "'heldEpoch' must be from 0 to 9007199254740992"},
        {"heartbeat: epoch as NaN", Protocol.HEARTBEAT, heartbeat(W1, NODE, 0).put("heldEpoch", Double.NaN), 400,
            "'heldEpoch' must be an integer, got NaN"},
        {"heartbeat: overlong node id", Protocol.HEARTBEAT, heartbeat(W1, huge, 0), 400, "'nodeId' must be at most"},
        // stats (sent with request(), so that the refusal can be seen)
        {"stats: from a worker nobody registered", Protocol.STATS, stats("ghost", s -> { }), Protocol.UNKNOWN_SENDER,
            "stats from worker ghost refused"},
        {"stats: NaN rate", Protocol.STATS, stats(W1, s -> s.put("targetRate", Double.NaN)), 400,
            "'targetRate' must be a finite number, got NaN"},
        {"stats: infinite latency", Protocol.STATS, stats(W1, s -> s.put("ackLatencyP99Ms", Double.POSITIVE_INFINITY)),
            400, "'ackLatencyP99Ms' must be a finite number, got Infinity"},
        {"stats: negative latency", Protocol.STATS, stats(W1, s -> s.put("sendLagMaxMs", -1.0)), 400,
            "'sendLagMaxMs' must be from 0.0"},
        {"stats: rate above any NUM_USERS'", Protocol.STATS, stats(W1, s -> s.put("targetRate", 1e300)), 400,
            "'targetRate' must be from 0.0 to 1.0E8, got 1.0E300"},
        {"stats: a thousand event types", Protocol.STATS, stats(W1, s -> s.put("byType", manyTypes)), 400,
            "at most 32 event types, got 1000"},
        {"stats: overlong error", Protocol.STATS, stats(W1, s -> s.put("lastError", huge)), 400,
            "'lastError' must be at most 1024 characters"},
        {"stats: epoch MAX", Protocol.STATS, stats(W1, s -> s.put("epoch", Long.MAX_VALUE)), 400,
            "'epoch' must be from 0 to 9007199254740992"},
        // truth
        {"truth: from a worker nobody registered", Protocol.TRUTH, truth("ghost", INCARNATION, 2, t -> { }),
            Protocol.UNKNOWN_SENDER, "truth from worker ghost refused: no worker of that id is registered"},
        {"truth: from another process under w1's id", Protocol.TRUTH, truth(W1, "forged", 2, t -> { }),
            Protocol.UNKNOWN_SENDER, "incarnation forged is not the registered one"},
        {"truth: usersFrom near Integer.MAX_VALUE", Protocol.TRUTH, truth(W1, INCARNATION, 2,
            w -> w.put("usersFrom", Integer.MAX_VALUE - 8)), 400,
            "'usersFrom' must be from 0 to 100, got 2147483639"},
        {"truth: negative usersFrom", Protocol.TRUTH, truth(W1, INCARNATION, 2, w -> w.put("usersFrom", -5)), 400,
            "'usersFrom' must be from 0 to 100, got -5"},
        {"truth: users past the population", Protocol.TRUTH, truth(W1, INCARNATION, 2, w -> w.put("usersFrom", 90)
            .put("users", bits(0, 40))), 400, "users from 90 reach user 129, above the population of 100"},
        {"truth: 33 latenesses", Protocol.TRUTH, truth(W1, INCARNATION, 2, w -> w.put("latenessSeconds", lateness33)
            .put("arrivingAfter", lateness33)), 400, "'latenessSeconds' must hold at most 32 entries, got 33"},
        {"truth: six counts by type", Protocol.TRUTH, truth(W1, INCARNATION, 2,
            w -> w.put("byType", new JsonArray().add(1).add(1).add(1).add(1).add(1).add(1))), 400,
            "'byType' must hold at most 5 entries, got 6"},
        {"truth: a window in year 300 million", Protocol.TRUTH, truth(W1, INCARNATION, 2,
            w -> w.put("start", Long.MAX_VALUE - 2).put("end", Long.MAX_VALUE - 1)), 400, "'start' must be from 0 to"},
        {"truth: a session of user 0", Protocol.TRUTH, truth(W1, INCARNATION, 2, w -> { })
            .put("sessions", new JsonArray().add(new JsonArray().add(0).add(1).add(2).add(1).add(0).add(0).add(0))), 400,
            "truth session: user must be from 1 to 100, got 0"},
        {"truth: a session start of user 2^40", Protocol.TRUTH, truth(W1, INCARNATION, 2, w -> { })
            .put("starts", new JsonArray().add(new JsonArray().add(1L << 40).add(1))), 400,
            "truth session start: user must be from 1 to 100, got 1099511627776"},
        {"truth: partition -1", Protocol.TRUTH, truth(W1, INCARNATION, 2, w -> { })
            .put("partitions", new JsonArray().add(new JsonArray().add(-1).add(0).add(0).add(0))), 400,
            "partition must be from 0 to 9999, got -1"},
        {"truth: windows of the wrong type", Protocol.TRUTH, truth(W1, INCARNATION, 2, w -> { }).put("windows", "all"),
            400, "'windows' must be a JSON array, got all"},
        {"truth: seq 0", Protocol.TRUTH, truth(W1, INCARNATION, 2, w -> { }).put("seq", 0), 400,
            "'seq' must be from 1"},
        // any address: not JSON at all
        {"register: a string", Protocol.REGISTER, "hello", 400, "body must be a JSON object"},
        {"heartbeat: a number", Protocol.HEARTBEAT, 42, 400, "body must be a JSON object"},
        {"stats: an array", Protocol.STATS, new JsonArray().add(1), 400, "body must be a JSON object"},
        {"truth: a string", Protocol.TRUTH, huge, 400, "body must be a JSON object"},
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void everyHostileMessageIsRefusedByNameAndChangesNothing(String name, String address, Object body, int code,
                                                           String message) throws Exception {
    Throwable failure = request(address, body);
    assertThat(failure).as("a reply that refuses").isInstanceOf(ReplyException.class);
    ReplyException reply = (ReplyException) failure;
    assertThat(reply.failureType()).as(reply.getMessage()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(reply.failureCode()).as(reply.getMessage()).isEqualTo(code);
    assertThat(reply.getMessage()).contains(message);
    assertThat(state()).as("registry, epoch and published truth unchanged").isEqualTo(before);
  }

  @Test
  void aSecondProcessWithALiveWorkersIdIsRefusedAndTheLiveOneKeepsItsUsers() throws Exception {
    Throwable failure = request(Protocol.REGISTER, registration(W1, "node-2", 0).put("pid", 4242));
    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(Protocol.DUPLICATE_WORKER);
    assertThat(failure.getMessage()).contains("WORKER_ID w1 is in use by a live worker (node node-1")
        .contains("refused the registration from node node-2 (pid 4242");
    // Its beats renew nothing: the coordinator answers them as from a stranger.
    JsonObject beat = (JsonObject) vertx.eventBus().request(Protocol.HEARTBEAT, heartbeat(W1, "node-2", 0))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).body();
    assertThat(beat.getBoolean("known")).isFalse();
    assertThat(state()).isEqualTo(before);
  }

  /** What must not change: the registry as the status shows it, the epoch, and the published truth. */
  private static JsonObject state() throws Exception {
    JsonObject status = new JsonObject(get("/api/status"));
    JsonArray workers = new JsonArray();
    status.getJsonArray("workers").forEach(o -> {
      JsonObject w = (JsonObject) o;
      workers.add(new JsonObject().put("id", w.getString("id")).put("host", w.getString("host"))
          .put("pid", w.getLong("pid")).put("state", w.getString("state")).put("users", w.getJsonObject("users"))
          .put("epoch", w.getLong("epoch")));
    });
    JsonObject truth = new JsonObject(get("/api/truth"));
    return new JsonObject().put("coordinatorId", status.getString("coordinatorId")).put("epoch", status.getLong("epoch"))
        .put("rebalancing", status.getBoolean("rebalancing")).put("workers", workers)
        .put("windows", truth.getJsonArray("windows")).put("sessions", truth.getJsonArray("sessions"));
  }

  private static String get(String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + verticle.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return response.body();
  }

  private static Throwable request(String address, Object body) throws Exception {
    try {
      vertx.eventBus().request(address, body, new DeliveryOptions().setSendTimeout(3000))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  // ---- raw messages, built as JSON so that any value can be put in any field ----------------------------

  private static JsonObject range(int from, int to) {
    return new JsonObject().put("from", from).put("to", to);
  }

  static JsonObject registration(String workerId, String nodeId, long heldEpoch) {
    return new JsonObject().put("v", 1).put("type", "registration").put("workerId", workerId).put("nodeId", nodeId)
        .put("host", "127.0.0.1").put("pid", 1).put("metricsPort", 0).put("heldEpoch", heldEpoch)
        .put("heldUsers", range(1, 0)).put("incarnation", INCARNATION);
  }

  static JsonObject heartbeat(String workerId, String nodeId, long heldEpoch) {
    return new JsonObject().put("v", 1).put("type", "heartbeat").put("workerId", workerId).put("nodeId", nodeId)
        .put("heldEpoch", heldEpoch).put("draining", false);
  }

  private static JsonObject counters() {
    return new JsonObject().put("generated", 0).put("acked", 0).put("failed", 0).put("pending", 0).put("late", 0)
        .put("sentEarly", 0);
  }

  static JsonObject stats(String workerId, Consumer<JsonObject> change) {
    JsonObject s = new JsonObject().put("v", 1).put("type", "stats").put("workerId", workerId).put("host", "h")
        .put("seq", 1).put("epoch", 1).put("users", range(1, 0)).put("targetRate", 0.0).put("producing", false)
        .put("totals", counters()).put("byType", new JsonObject()).put("intervalMillis", 1000)
        .put("interval", counters()).put("intervalByType", new JsonObject()).put("ackLatencyP50Ms", 0.0)
        .put("ackLatencyP99Ms", 0.0).put("ackLatencyMaxMs", 0.0).put("sendLagP50Ms", 0.0).put("sendLagP99Ms", 0.0)
        .put("sendLagMaxMs", 0.0);
    change.accept(s);
    return s;
  }

  private static String bits(int from, int toExclusive) {
    BitSet b = new BitSet();
    b.set(from, toExclusive);
    return Base64.getEncoder().encodeToString(b.toByteArray());
  }

  /** A truth report with one window part, which {@code window} may change. */
  static JsonObject truth(String workerId, String incarnation, long seq, Consumer<JsonObject> window) {
    JsonObject w = new JsonObject().put("start", 1_800_000_000_000L).put("end", 1_800_000_060_000L)
        .put("byType", new JsonArray().add(1).add(0).add(0).add(0).add(0)).put("revenueCents", 0)
        .put("usersFrom", 3).put("users", bits(0, 1)).put("latenessSeconds", new JsonArray().add(0))
        .put("arrivingAfter", new JsonArray().add(0)).put("firstEpoch", 1).put("lastEpoch", 1);
    window.accept(w);
    return new JsonObject().put("v", 1).put("type", "truth").put("workerId", workerId).put("incarnation", incarnation)
        .put("seq", seq).put("epoch", 1).put("completeBefore", 0).put("sessionClock", 0).put("sessionGapMillis", 60_000)
        .put("heldUntil", Long.MIN_VALUE).put("last", false).put("windows", new JsonArray().add(w))
        .put("sessions", new JsonArray()).put("starts", new JsonArray()).put("partitions", new JsonArray());
  }
}
