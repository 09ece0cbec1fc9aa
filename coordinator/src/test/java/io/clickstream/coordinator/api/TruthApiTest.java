package io.clickstream.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.coordinator.CoordinatorConfig;
import io.clickstream.coordinator.truth.MergedWindow;
import io.clickstream.coordinator.truth.TruthMerger;
import io.clickstream.coordinator.truth.TruthStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET /api/truth on a real server: ranges in epoch ms or ISO-8601, bad parameters named, the token kept. */
class TruthApiTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private Vertx vertx;
  private HttpServer server;

  private void start(TruthStore store, Map<String, String> extraEnv) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("HTTP_PORT", "0"));
    env.putAll(extraEnv);
    CoordinatorConfig config = CoordinatorConfig.fromEnv(env);
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    TruthApi.mount(router, config, store);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + pathAndQuery));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static TruthStore store() {
    TruthStore store = new TruthStore(2, 10);
    for (long start = 0; start < 4 * 60_000; start += 60_000) {
      store.window(new MergedWindow(start, start + 60_000));
    }
    store.session(new TruthMerger.Session(7, 130_000L, 140_000L, 3, false, 30_000));
    return store;
  }

  @Test
  void windowsAndSessionsInTheRangeAndOnlyTheLatestKept() throws Exception {
    start(store(), Map.of());
    JsonObject all = new JsonObject(get("/api/truth").body());
    // Kept at most 2 windows: the two latest.
    assertThat(all.getJsonArray("windows").stream().map(w -> ((JsonObject) w).getLong("window_start")))
        .containsExactly(120_000L, 180_000L);
    assertThat(all.getLong("windowsPublished")).isEqualTo(4);
    JsonObject range = new JsonObject(get("/api/truth?from=120000&to=180000").body());
    assertThat(range.getJsonArray("windows")).hasSize(1);
    assertThat(range.getJsonArray("sessions")).hasSize(1);
    // Typed in the store, JSON at the edge: the published form of the session.
    assertThat(range.getJsonArray("sessions").getJsonObject(0).getString("user_id")).isEqualTo("USER_0007");
    assertThat(range.getJsonArray("sessions").getJsonObject(0).getLong("session_window_end")).isEqualTo(170_000L);
    assertThat(range.getJsonArray("windows").getJsonObject(0).getLong("window_end")).isEqualTo(180_000L);
    JsonObject iso = new JsonObject(get("/api/truth?from=1970-01-01T00:03:00Z").body());
    assertThat(iso.getJsonArray("windows")).hasSize(1);
    assertThat(iso.getJsonArray("sessions")).isEmpty();
  }

  @Test
  void badParametersAreNamed() throws Exception {
    start(store(), Map.of());
    HttpResponse<String> bad = get("/api/truth?from=yesterday");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("from must be epoch milliseconds or an ISO-8601 instant").contains("yesterday");
    assertThat(get("/api/truth?from=10&to=5").statusCode()).isEqualTo(400);
    // A valid instant whose epoch milliseconds overflow a long: was a 500 (ArithmeticException).
    HttpResponse<String> far = get("/api/truth?to=%2B999999999-12-31T23:59:59Z");
    assertThat(far.statusCode()).as(far.body()).isEqualTo(400);
    assertThat(far.body()).contains("to must be epoch milliseconds or an ISO-8601 instant");
  }

  @Test
  void offWhenTruthIsOffAndProtectedWithTheReadToken() throws Exception {
    start(null, Map.of());
    HttpResponse<String> off = get("/api/truth");
    assertThat(off.statusCode()).isEqualTo(404);
    assertThat(off.body()).contains("TRUTH=off");
    stop();
    start(store(), Map.of("CONTROL_TOKEN", "s3cret-token", "CONTROL_TOKEN_PROTECT_READS", "true"));
    assertThat(get("/api/truth").statusCode()).isEqualTo(401);
    assertThat(get("/api/truth", "Authorization", "Bearer s3cret-token").statusCode()).isEqualTo(200);
  }
}
