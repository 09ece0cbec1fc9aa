package io.clickstream.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.coordinator.Coordinator;
import io.clickstream.coordinator.CoordinatorConfig;
import io.clickstream.coordinator.WorkerChannel;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.MetricsSupport;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.UserRange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The HTTP API against a real server on loopback, with the coordinator's real router and logic; the
 * worker side is an in-process channel that acknowledges at once (OpenMessaging Benchmark's
 * "local worker" idea), since this test is about input handling, not the cluster.
 */
class HttpApiTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private Vertx vertx;
  private HttpServer server;
  private Coordinator coordinator;
  private final Map<String, Double> assignedRates = new ConcurrentHashMap<>();

  private void start(Map<String, String> extraEnv) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1",
        "COORDINATOR_SETTLE_MS", "0", "EVENTS_PER_SECOND", "100", "MAX_EVENTS_PER_SECOND", "50000",
        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"));
    env.putAll(extraEnv);
    CoordinatorConfig config = CoordinatorConfig.fromEnv(env);
    vertx = Vertx.vertx();
    // Holds what it is sent; rate changes (rates, shape steps) come as RateChange for the epoch it holds.
    WorkerChannel local = new WorkerChannel() {
      @Override
      public Future<AssignmentAck> send(io.clickstream.protocol.Assignment assignment) {
        assignedRates.put(assignment.workerId(), assignment.eventsPerSecond());
        return Future.succeededFuture(new AssignmentAck(assignment.workerId(), assignment.epoch(), true));
      }

      @Override
      public Future<io.clickstream.protocol.RateChange.Ack> send(io.clickstream.protocol.RateChange change) {
        assignedRates.put(change.workerId(), change.eventsPerSecond());
        return Future.succeededFuture(new io.clickstream.protocol.RateChange.Ack(change.workerId(), change.epoch(), true));
      }
    };
    CompletableFuture<HttpServer> started = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      coordinator = new Coordinator(io.clickstream.protocol.Clock.SYSTEM, io.clickstream.protocol.Timers.of(vertx), config, local, "local");
      KafkaLanding landing = new KafkaLanding(vertx, io.clickstream.protocol.Clock.SYSTEM, null, "t");
      vertx.createHttpServer()
          .requestHandler(HttpApi.router(vertx, coordinator, config, landing, new StatusStream(), () -> true,
              MetricsSupport.newRegistry("test")))
          .listen(0, "127.0.0.1").onComplete(ar -> {
            if (ar.succeeded()) {
              started.complete(ar.result());
            } else {
              started.completeExceptionally(ar.cause());
            }
          });
    });
    server = started.get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .timeout(Duration.ofSeconds(5))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    if (!method.equals("GET") && !List.of(headers).contains("Content-Type")) {
      // As the dashboard and the README's curl commands send commands (HttpSafetyTest: without it, 415).
      request.header("Content-Type", "application/json");
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private double targetRate() throws Exception {
    return new JsonObject(call("GET", "/api/status", null).body()).getDouble("requestedRate");
  }

  @Test
  void aValidRateCommandChangesTheTarget() throws Exception {
    start(Map.of());
    HttpResponse<String> response = call("PUT", "/api/rate", "{\"eventsPerSecond\": 2500}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(targetRate()).isEqualTo(2500.0);
    assertThat(call("POST", "/api/pause", null).statusCode()).isEqualTo(200);
    assertThat(new JsonObject(call("GET", "/api/status", null).body()).getBoolean("paused")).isTrue();
    assertThat(new JsonObject(call("GET", "/api/status", null).body()).getDouble("targetRate")).isZero();
    assertThat(call("POST", "/api/resume", null).statusCode()).isEqualTo(200);
    assertThat(new JsonObject(call("GET", "/api/status", null).body()).getDouble("targetRate")).isEqualTo(2500.0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not JSON|hello|body is not valid JSON",
      "NaN literal|{\"eventsPerSecond\": NaN}|body is not valid JSON",
      "truncated|{\"eventsPerSecond\": 5|body is not valid JSON",
      "array|[1000]|body must be a JSON object",
      "JSON null|null|body must be a JSON object",
      "empty object|{}|missing field eventsPerSecond",
      "string value|{\"eventsPerSecond\": \"ten\"}|eventsPerSecond must be a number, got \"ten\"",
      "boolean value|{\"eventsPerSecond\": true}|eventsPerSecond must be a number",
      "null value|{\"eventsPerSecond\": null}|eventsPerSecond must be a number, got null",
      "negative|{\"eventsPerSecond\": -5}|eventsPerSecond must be >= 0",
      "huge|{\"eventsPerSecond\": 1e300}|is above the ceiling of 50000.0 (MAX_EVENTS_PER_SECOND)",
      "above ceiling|{\"eventsPerSecond\": 50001}|is above the ceiling",
      "typo in field|{\"eventPerSecond\": 10}|unknown field \"eventPerSecond\"",
      "negative ramp|{\"eventsPerSecond\": 10, \"rampSeconds\": -1}|rampSeconds must be from 0 to 86400",
      "string ramp|{\"eventsPerSecond\": 10, \"rampSeconds\": \"slow\"}|rampSeconds must be a number",
  })
  void badRateBodiesAreRefusedByNameAndChangeNothing(String name, String body, String message) throws Exception {
    start(Map.of());
    HttpResponse<String> response = call("PUT", "/api/rate", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    JsonObject error = new JsonObject(response.body());
    assertThat(error.getString("error")).contains(message);
    assertThat(error.getInteger("status")).isEqualTo(400);
    assertThat(targetRate()).isEqualTo(100.0);
  }

  @Test
  void aShapeIsFollowedShownInTheStatusAndLeavesItsFinalRate() throws Exception {
    start(Map.of());
    coordinator(() -> coordinator.onRegister(new Registration("w1", "n1", "h", 1, 0, 0, UserRange.EMPTY, "i1")));
    // A coordinator grants nothing for its first lease and a second, whatever COORDINATOR_SETTLE_MS says (a
    // worker it cannot know may still hold users): the 3-second ramp starts once the first split is out.
    awaitAssigned(r -> r == 100, "the first split");
    HttpResponse<String> response = call("PUT", "/api/rate",
        "{\"shape\": \"ramp\", \"to\": 10000, \"durationSeconds\": 3}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject shape = new JsonObject(response.body()).getJsonObject("shape");
    assertThat(shape.getString("shape")).isEqualTo("ramp");
    assertThat(shape.getDouble("from")).as("from defaults to the current rate").isEqualTo(100.0);
    assertThat(shape.getDouble("to")).isEqualTo(10000.0);
    assertThat(shape.getLong("endMillis") - shape.getLong("startMillis")).isEqualTo(3000L);
    assertThat(new JsonObject(response.body()).getJsonObject("ramp").getDouble("to"))
        .as("ramps keep the field they always had").isEqualTo(10000.0);
    // The worker is sent the moving rate, then the final one; then the shape is gone.
    awaitAssigned(r -> r > 2000 && r < 10000, "a rate on the way up");
    awaitAssigned(r -> r == 10000, "the final rate");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline && new JsonObject(call("GET", "/api/status", null).body()).containsKey("shape")) {
      Thread.sleep(20);
    }
    JsonObject status = new JsonObject(call("GET", "/api/status", null).body());
    assertThat(status.containsKey("shape")).isFalse();
    assertThat(status.getDouble("requestedRate")).isEqualTo(10000.0);
  }

  @Test
  void theSchemaConstantsAreServedForThePageWithoutAToken() throws Exception {
    start(Map.of("CONTROL_TOKEN", "s3cret-token-for-tests", "CONTROL_TOKEN_PROTECT_READS", "true"));
    HttpResponse<String> response = call("GET", "/api/meta", null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject meta = new JsonObject(response.body());
    assertThat(meta.getJsonArray("eventTypes").getList()).isEqualTo(io.clickstream.protocol.EventTypes.NAMES);
    assertThat(meta.getJsonObject("userId").getString("prefix")).isEqualTo("USER_");
    assertThat(meta.getJsonObject("userId").getInteger("minDigits")).isEqualTo(4);
    assertThat(meta.getJsonObject("userId").getString("example")).isEqualTo("USER_0042");
    assertThat(call("POST", "/api/meta", null).statusCode()).isEqualTo(405);
  }

  @Test
  void aSineStartsAtItsMinimumAndAPlainRateEndsIt() throws Exception {
    start(Map.of());
    HttpResponse<String> response = call("PUT", "/api/rate",
        "{\"shape\": \"sine\", \"min\": 500, \"max\": 5000, \"periodSeconds\": 600, \"durationSeconds\": 3600}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject status = new JsonObject(response.body());
    assertThat(status.getJsonObject("shape").fieldNames())
        .containsExactlyInAnyOrder("shape", "min", "max", "periodSeconds", "durationSeconds", "startMillis", "endMillis",
            "finalRate", "plan");
    // The page draws the server's course: ten minutes ahead, starting at the minimum.
    io.vertx.core.json.JsonArray plan = status.getJsonObject("shape").getJsonArray("plan");
    long start = status.getJsonObject("shape").getLong("startMillis");
    assertThat(plan.getJsonArray(0).getDouble(1)).isCloseTo(500, org.assertj.core.data.Offset.offset(1.0));
    assertThat(plan.getJsonArray(plan.size() - 1).getLong(0) - plan.getJsonArray(0).getLong(0)).isEqualTo(600_000L);
    assertThat(plan.getJsonArray(0).getLong(0)).isGreaterThanOrEqualTo(start);
    assertThat(status.containsKey("ramp")).isFalse();
    assertThat(status.getDouble("requestedRate")).isCloseTo(500, org.assertj.core.data.Offset.offset(1.0));
    assertThat(call("PUT", "/api/rate", "{\"eventsPerSecond\": 42}").statusCode()).isEqualTo(200);
    status = new JsonObject(call("GET", "/api/status", null).body());
    assertThat(status.containsKey("shape")).isFalse();
    assertThat(status.getDouble("requestedRate")).isEqualTo(42.0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "step|{\"shape\":\"step\",\"from\":1000,\"to\":5000,\"steps\":4,\"durationSeconds\":300}|1000.0",
      "step from current|{\"shape\":\"step\",\"to\":5000,\"durationSeconds\":60}|100.0",
      "ramp|{\"shape\":\"ramp\",\"from\":0,\"to\":5000,\"durationSeconds\":60}|20.833",
      "sine|{\"shape\":\"sine\",\"min\":0,\"max\":0,\"periodSeconds\":10,\"durationSeconds\":604800}|0.0",
      "spike|{\"shape\":\"spike\",\"base\":1000,\"peak\":50000,\"atSeconds\":60,\"spikeSeconds\":30,\"durationSeconds\":90}|1000.0",
      "spike at once|{\"shape\":\"spike\",\"base\":1000,\"peak\":8000,\"atSeconds\":0,\"spikeSeconds\":1,\"durationSeconds\":1}|8000.0",
  })
  void everyShapeIsAccepted(String name, String body, double firstRate) throws Exception {
    start(Map.of());
    HttpResponse<String> response = call("PUT", "/api/rate", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject status = new JsonObject(response.body());
    // The mean of the first half second.
    assertThat(status.getDouble("requestedRate")).isCloseTo(firstRate, org.assertj.core.data.Offset.offset(0.01));
    JsonObject sent = new JsonObject(body);
    JsonObject shown = status.getJsonObject("shape");
    for (String field : sent.fieldNames()) {
      assertThat(shown.getValue(field)).as(field).isIn(sent.getValue(field),
          ((Number) (sent.getValue(field) instanceof Number n ? n : 0)).doubleValue());
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown shape|{\"shape\":\"square\",\"durationSeconds\":10}|shape must be one of \"step\", \"ramp\", \"sine\" or \"spike\", got \"square\"",
      "shape not a string|{\"shape\":3}|shape must be one of",
      "shape null|{\"shape\":null}|got null",
      "field of another shape|{\"shape\":\"sine\",\"min\":1,\"max\":2,\"periodSeconds\":60,\"durationSeconds\":60,\"to\":5}|unknown field \"to\" for shape sine",
      "rate field with a shape|{\"shape\":\"ramp\",\"to\":5,\"durationSeconds\":60,\"eventsPerSecond\":5}|unknown field \"eventsPerSecond\"",
      "missing duration|{\"shape\":\"ramp\",\"to\":5}|missing field durationSeconds for shape ramp",
      "missing to|{\"shape\":\"ramp\",\"durationSeconds\":60}|missing field to for shape ramp",
      "missing max|{\"shape\":\"sine\",\"min\":1,\"periodSeconds\":60,\"durationSeconds\":60}|missing field max",
      "zero duration|{\"shape\":\"ramp\",\"to\":5,\"durationSeconds\":0}|durationSeconds must be from 1 to 604800, got 0",
      "over a week|{\"shape\":\"ramp\",\"to\":5,\"durationSeconds\":604801}|durationSeconds must be from 1 to 604800",
      "string duration|{\"shape\":\"ramp\",\"to\":5,\"durationSeconds\":\"1m\"}|durationSeconds must be a number, got \"1m\"",
      "negative to|{\"shape\":\"ramp\",\"to\":-1,\"durationSeconds\":60}|to must be >= 0, got -1",
      "from above ceiling|{\"shape\":\"ramp\",\"from\":60000,\"to\":1,\"durationSeconds\":60}|from 60000 is above the ceiling of 50000.0",
      "max above ceiling|{\"shape\":\"sine\",\"min\":1,\"max\":1e9,\"periodSeconds\":60,\"durationSeconds\":60}|max 1.0E9 is above the ceiling",
      "min above max|{\"shape\":\"sine\",\"min\":5000,\"max\":500,\"periodSeconds\":60,\"durationSeconds\":60}|max must be >= min (5000), got 500",
      "period too short|{\"shape\":\"sine\",\"min\":1,\"max\":2,\"periodSeconds\":5,\"durationSeconds\":60}|periodSeconds must be from 10 to 604800, got 5",
      "period zero|{\"shape\":\"sine\",\"min\":1,\"max\":2,\"periodSeconds\":0,\"durationSeconds\":60}|periodSeconds must be from 10",
      "negative base|{\"shape\":\"spike\",\"base\":-1,\"peak\":2,\"atSeconds\":1,\"spikeSeconds\":1,\"durationSeconds\":60}|base must be >= 0",
      "peak a string|{\"shape\":\"spike\",\"base\":1,\"peak\":\"lots\",\"atSeconds\":1,\"spikeSeconds\":1,\"durationSeconds\":60}|peak must be a number, got \"lots\"",
      "negative at|{\"shape\":\"spike\",\"base\":1,\"peak\":2,\"atSeconds\":-1,\"spikeSeconds\":1,\"durationSeconds\":60}|atSeconds must be from 0",
      "zero spike|{\"shape\":\"spike\",\"base\":1,\"peak\":2,\"atSeconds\":1,\"spikeSeconds\":0,\"durationSeconds\":60}|spikeSeconds must be from 1",
      "spike past the end|{\"shape\":\"spike\",\"base\":1,\"peak\":2,\"atSeconds\":50,\"spikeSeconds\":20,\"durationSeconds\":60}|atSeconds + spikeSeconds (70.0) is after durationSeconds (60.0)",
      "fractional steps|{\"shape\":\"step\",\"to\":5,\"steps\":2.5,\"durationSeconds\":60}|steps must be a whole number from 1 to 1000, got 2.5",
      "zero steps|{\"shape\":\"step\",\"to\":5,\"steps\":0,\"durationSeconds\":60}|steps must be a whole number",
      "levels under a second|{\"shape\":\"step\",\"to\":5,\"steps\":9,\"durationSeconds\":5}|too short for 9 steps: each of the 10 levels must last at least 1 s",
  })
  void badShapesAreRefusedByNameAndChangeNothing(String name, String body, String message) throws Exception {
    start(Map.of());
    HttpResponse<String> response = call("PUT", "/api/rate", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(new JsonObject(response.body()).getString("error")).contains(message);
    JsonObject status = new JsonObject(call("GET", "/api/status", null).body());
    assertThat(status.getDouble("requestedRate")).isEqualTo(100.0);
    assertThat(status.containsKey("shape")).isFalse();
  }

  private void awaitAssigned(java.util.function.DoublePredicate wanted, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && !wanted.test(sum(assignedRates))) {
      Thread.sleep(10);
    }
    assertThat(sum(assignedRates)).as("rate assigned to the worker: " + what).matches(wanted::test);
  }

  @Test
  void oversizedBodiesUnknownRoutesAndWrongMethodsGetJsonErrors() throws Exception {
    start(Map.of());
    HttpResponse<String> big = call("PUT", "/api/rate", "{\"eventsPerSecond\": 1, \"pad\": \"" + "x".repeat(10_000) + "\"}");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(big.body()).getString("error")).contains("larger than 4096 bytes");

    HttpResponse<String> unknown = call("GET", "/api/nothing", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("error")).contains("/api/nothing");

    HttpResponse<String> wrongMethod = call("GET", "/api/rate", null);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("allow")).hasValue("PUT");
    assertThat(new JsonObject(wrongMethod.body()).getString("error")).contains("use PUT");
    assertThat(call("DELETE", "/api/status", null).statusCode()).isEqualTo(405);
    assertThat(call("POST", "/api/rate", "{\"eventsPerSecond\": 1}").statusCode()).isEqualTo(405);
    assertThat(targetRate()).isEqualTo(100.0);
    assertThat(call("GET", "/health", null).statusCode()).isEqualTo(200);
  }

  @Test
  void concurrentConflictingCommandsLeaveOneConsistentState() throws Exception {
    start(Map.of());
    coordinator(() -> coordinator.onRegister(new Registration("w1", "n1", "h", 1, 0, 0, UserRange.EMPTY, "i1")));
    coordinator(() -> coordinator.onRegister(new Registration("w2", "n2", "h", 2, 0, 0, UserRange.EMPTY, "i1")));
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/api/rate"))
          .header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString("{\"eventsPerSecond\": " + (i * 100) + "}")).build();
      responses.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    Set<Double> sent = new java.util.HashSet<>();
    for (int i = 1; i <= 40; i++) {
      sent.add(i * 100.0);
    }
    for (CompletableFuture<HttpResponse<String>> r : responses) {
      assertThat(r.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    double finalRate = targetRate();
    assertThat(sent).contains(finalRate);
    // Every command ran to completion on one event loop: the workers end up with shares of the final
    // rate, never a mix of two commands.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline && Math.abs(sum(assignedRates) - finalRate) > 1e-6) {
      Thread.sleep(20);
    }
    assertThat(sum(assignedRates)).isCloseTo(finalRate, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void aControlTokenGuardsCommandsAndOptionallyReads() throws Exception {
    start(Map.of("CONTROL_TOKEN", "s3cret-token"));
    HttpResponse<String> missing = call("PUT", "/api/rate", "{\"eventsPerSecond\": 7}");
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("www-authenticate")).isPresent();
    assertThat(new JsonObject(missing.body()).getString("error")).contains("needs the control token");
    assertThat(call("PUT", "/api/rate", "{\"eventsPerSecond\": 7}", "Authorization", "Bearer wrong-token").statusCode())
        .isEqualTo(401);
    assertThat(call("POST", "/api/pause", null).statusCode()).isEqualTo(401);
    assertThat(targetRate()).as("reads stay open by default").isEqualTo(100.0);
    assertThat(call("PUT", "/api/rate", "{\"eventsPerSecond\": 7}", "Authorization", "Bearer s3cret-token").statusCode())
        .isEqualTo(200);
    assertThat(targetRate()).isEqualTo(7.0);
  }

  @Test
  void protectedReadsNeedTheTokenButProbesStayOpen() throws Exception {
    start(Map.of("CONTROL_TOKEN", "s3cret-token", "CONTROL_TOKEN_PROTECT_READS", "true"));
    assertThat(call("GET", "/api/status", null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/metrics", null).statusCode()).isEqualTo(401);
    assertThat(call("GET", "/api/status", null, "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
    assertThat(call("GET", "/api/history?access_token=s3cret-token", null).statusCode()).isEqualTo(200);
    assertThat(call("PUT", "/api/rate?access_token=s3cret-token", "{\"eventsPerSecond\": 7}").statusCode())
        .as("commands only take the header").isEqualTo(401);
    assertThat(call("GET", "/health", null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/ready", null).statusCode()).isIn(200, 503);
  }

  @Test
  void metricsAreServedInPrometheusFormat() throws Exception {
    start(Map.of());
    HttpResponse<String> metrics = call("GET", "/metrics", null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
  }

  private static double sum(Map<String, Double> rates) {
    return rates.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private void coordinator(Runnable action) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      action.run();
      done.complete(null);
    });
    done.get(5, TimeUnit.SECONDS);
  }
}
