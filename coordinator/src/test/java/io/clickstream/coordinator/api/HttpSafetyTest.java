package io.clickstream.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.coordinator.Coordinator;
import io.clickstream.coordinator.CoordinatorConfig;
import io.clickstream.coordinator.WorkerChannel;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.MetricsSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The control API as a hostile web page or a DNS-rebinding attacker meets it: a real server on loopback
 * with the coordinator's real router, and real HTTP requests carrying the headers a browser would send.
 * A refused command must leave the state unchanged.
 */
class HttpSafetyTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private Vertx vertx;
  private HttpServer server;
  private Coordinator coordinator;

  private void start(Map<String, String> extraEnv) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("HTTP_PORT", "0", "COORDINATOR_SETTLE_MS", "0",
        "EVENTS_PER_SECOND", "100", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"));
    env.putAll(extraEnv);
    CoordinatorConfig config = CoordinatorConfig.fromEnv(env);
    vertx = Vertx.vertx();
    WorkerChannel local = a -> Future.succeededFuture(new AssignmentAck(a.workerId(), a.epoch(), true));
    CompletableFuture<HttpServer> started = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      coordinator = new Coordinator(io.clickstream.protocol.Clock.SYSTEM, io.clickstream.protocol.Timers.of(vertx), config, local, "local");
      Router router = HttpApi.router(vertx, coordinator, config, new KafkaLanding(vertx, io.clickstream.protocol.Clock.SYSTEM, null, "t"), new StatusStream(),
          () -> true, MetricsSupport.newRegistry("test"));
      // A handler with a bug, to see what a 500 tells the client.
      router.get("/api/boom").handler(rc -> {
        throw new IllegalStateException("secret internals at /home/op/.kafka/jaas.conf");
      });
      // Always loopback here, whatever HTTP_HOST says: the tests only pretend to be bound elsewhere.
      vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onComplete(ar -> {
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

  /** A request with exactly the given headers (Java's client adds none of its own but Host). */
  private HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .timeout(Duration.ofSeconds(5))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The same request with a chosen Host header, as a browser sends after DNS rebinding (raw socket). */
  private String rawStatusLine(String method, String path, String host) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(5000);
      String request = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: 0\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return response.lines().findFirst().orElse("") + " " + response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }

  private boolean paused() throws Exception {
    return new JsonObject(call("GET", "/api/status", null).body()).getBoolean("paused");
  }

  private String origin() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Test
  void aFormPostFromAnotherSiteCannotPause() throws Exception {
    start(Map.of());
    // What <form method=post action=http://127.0.0.1:8088/api/pause> on evil.example sends.
    HttpResponse<String> form = call("POST", "/api/pause", "", "Content-Type", "application/x-www-form-urlencoded",
        "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
    assertThat(form.statusCode()).as(form.body()).isEqualTo(403);
    // The same without the browser's headers (an old browser): still not JSON, so still refused.
    HttpResponse<String> plain = call("POST", "/api/pause", "", "Content-Type", "text/plain");
    assertThat(plain.statusCode()).as(plain.body()).isEqualTo(415);
    assertThat(new JsonObject(plain.body()).getString("error")).contains("Content-Type: application/json");
    HttpResponse<String> bare = call("POST", "/api/pause", null);
    assertThat(bare.statusCode()).as("no body, no header: " + bare.body()).isEqualTo(415);
    assertThat(paused()).isFalse();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"PUT,/api/rate", "POST,/api/pause", "POST,/api/resume"})
  void everyCommandRefusesCrossSiteRequestsEvenAsJson(String method, String path) throws Exception {
    start(Map.of());
    String body = path.equals("/api/rate") ? "{\"eventsPerSecond\": 5}" : "{}";
    assertThat(call(method, path, body, "Content-Type", "application/json", "Origin", "https://evil.example")
        .statusCode()).as("foreign Origin").isEqualTo(403);
    assertThat(call(method, path, body, "Content-Type", "application/json", "Origin", "null").statusCode())
        .as("opaque Origin (sandboxed frame)").isEqualTo(403);
    assertThat(call(method, path, body, "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site")
        .statusCode()).as("Sec-Fetch-Site: cross-site").isEqualTo(403);
    assertThat(call(method, path, body, "Content-Type", "application/json", "Sec-Fetch-Site", "same-site")
        .statusCode()).as("Sec-Fetch-Site: same-site (another port or subdomain)").isEqualTo(403);
    HttpResponse<String> refused = call(method, path, body, "Content-Type", "application/json",
        "Origin", "http://127.0.0.1:1");
    assertThat(refused.statusCode()).as("another port is another origin").isEqualTo(403);
    assertThat(new JsonObject(refused.body()).getString("error")).contains("Origin").contains("http://127.0.0.1:1");
    JsonObject status = new JsonObject(call("GET", "/api/status", null).body());
    assertThat(status.getDouble("requestedRate")).isEqualTo(100.0);
    assertThat(status.getBoolean("paused")).isFalse();
  }

  @Test
  void theDashboardAndCurlStillWork() throws Exception {
    start(Map.of());
    // The dashboard's own fetch: same origin, JSON.
    assertThat(call("PUT", "/api/rate", "{\"eventsPerSecond\": 250}", "Content-Type", "application/json",
        "Origin", origin(), "Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(200);
    assertThat(call("POST", "/api/pause", "{}", "Content-Type", "application/json; charset=utf-8",
        "Origin", origin(), "Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(200);
    assertThat(paused()).isTrue();
    // curl -X POST -H 'Content-Type: application/json': no Origin, no Sec-Fetch-Site, no body.
    assertThat(call("POST", "/api/resume", null, "Content-Type", "application/json").statusCode()).isEqualTo(200);
    assertThat(paused()).isFalse();
    assertThat(new JsonObject(call("GET", "/api/status", null).body()).getDouble("requestedRate")).isEqualTo(250.0);
    // Reads need no header: a browser tab typed in by hand sends Sec-Fetch-Site: none.
    assertThat(call("GET", "/api/status", null, "Sec-Fetch-Site", "none").statusCode()).isEqualTo(200);
  }

  @Test
  void aForeignHostHeaderIsRefusedSoDnsRebindingGetsNothing() throws Exception {
    start(Map.of());
    // evil.example resolved to 127.0.0.1 after the page loaded: same origin for the browser, but Host names it.
    assertThat(rawStatusLine("POST", "/api/pause", "evil.example:8088")).startsWith("HTTP/1.1 403")
        .contains("HTTP_ALLOWED_HOSTS").contains("evil.example");
    assertThat(rawStatusLine("GET", "/api/status", "evil.example:8088")).startsWith("HTTP/1.1 403");
    assertThat(rawStatusLine("GET", "/", "evil.example")).startsWith("HTTP/1.1 403");
    assertThat(paused()).isFalse();
    // Loopback names and IP literals (which no one can rebind) pass; probes answer whatever the Host.
    assertThat(rawStatusLine("GET", "/api/status", "localhost:8088")).startsWith("HTTP/1.1 200");
    assertThat(rawStatusLine("GET", "/api/status", "127.0.0.1:8088")).startsWith("HTTP/1.1 200");
    assertThat(rawStatusLine("GET", "/api/status", "[::1]:8088")).startsWith("HTTP/1.1 200");
    assertThat(rawStatusLine("GET", "/api/status", "10.1.2.3:8088")).startsWith("HTTP/1.1 200");
    assertThat(rawStatusLine("GET", "/health", "evil.example")).startsWith("HTTP/1.1 200");
    assertThat(rawStatusLine("GET", "/ready", "evil.example")).startsWith("HTTP/1.1 ").doesNotStartWith("HTTP/1.1 403");
  }

  @Test
  void namesInHttpAllowedHostsAndTheBoundNamePass() throws Exception {
    start(Map.of("HTTP_HOST", "loadgen.internal", "HTTP_ALLOWED_HOSTS", "dash.example.com, coordinator",
        "CONTROL_TOKEN", "s3cret-token"));
    assertThat(rawStatusLine("GET", "/api/status", "dash.example.com")).startsWith("HTTP/1.1 200");
    assertThat(rawStatusLine("GET", "/api/status", "COORDINATOR:8088")).startsWith("HTTP/1.1 200");
    assertThat(rawStatusLine("GET", "/api/status", "loadgen.internal:8088")).startsWith("HTTP/1.1 200");
    assertThat(rawStatusLine("GET", "/api/status", "evil.example")).startsWith("HTTP/1.1 403");
    assertThat(rawStatusLine("GET", "/api/status", "dash.example.com.evil.example")).startsWith("HTTP/1.1 403");
  }

  @Test
  void httpAllowedHostsStarTurnsTheHostCheckOff() throws Exception {
    start(Map.of("HTTP_ALLOWED_HOSTS", "*"));
    assertThat(rawStatusLine("GET", "/api/status", "anything.example")).startsWith("HTTP/1.1 200");
  }

  @Test
  void badHttpAllowedHostsIsRefusedByName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CoordinatorConfig.fromEnv(
            Map.of("HTTP_ALLOWED_HOSTS", "good.example,http://bad.example/")))
        .hasMessageContaining("HTTP_ALLOWED_HOSTS").hasMessageContaining("http://bad.example/");
  }

  @Test
  void everyResponseCarriesTheBrowserHardeningHeaders() throws Exception {
    start(Map.of());
    for (String path : new String[] {"/", "/index.html", "/js/main.js", "/api/status", "/api/nothing", "/health"}) {
      HttpResponse<String> r = call("GET", path, null);
      assertThat(r.headers().firstValue("content-security-policy")).as(path).hasValueSatisfying(csp ->
          assertThat(csp).contains("frame-ancestors 'none'").contains("default-src 'self'"));
      assertThat(r.headers().firstValue("x-frame-options")).as(path).hasValue("DENY");
      assertThat(r.headers().firstValue("x-content-type-options")).as(path).hasValue("nosniff");
      assertThat(r.headers().firstValue("referrer-policy")).as(path).hasValue("no-referrer");
    }
    HttpResponse<String> refused = call("POST", "/api/pause", null);
    assertThat(refused.headers().firstValue("x-frame-options")).as("also on refusals").hasValue("DENY");
  }

  @Test
  void aFailingHandlerAnswersAnIdNotTheException() throws Exception {
    start(Map.of());
    HttpResponse<String> r = call("GET", "/api/boom", null);
    assertThat(r.statusCode()).isEqualTo(500);
    JsonObject body = new JsonObject(r.body());
    assertThat(r.body()).doesNotContain("IllegalStateException").doesNotContain("secret").doesNotContain("jaas");
    assertThat(body.getString("errorId")).matches("[0-9a-f]{8,}");
    assertThat(body.getString("error")).contains(body.getString("errorId"));
  }

  @Test
  void theDefaultBindIsLoopback() {
    CoordinatorConfig config = CoordinatorConfig.fromEnv(Map.of());
    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(config.controlOpenToNetwork()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "HTTP_HOST=0.0.0.0|true",
      "HTTP_HOST=10.0.0.5|true",
      "HTTP_HOST=::|true",
      "HTTP_HOST=127.0.0.1|false",
      "HTTP_HOST=127.0.0.2|false",
      "HTTP_HOST=localhost|false",
      "HTTP_HOST=::1|false",
      "HTTP_HOST=0.0.0.0,CONTROL_TOKEN=s3cret-token|false",
      // compose: bound to every interface inside the container, published on the host's loopback only.
      "HTTP_HOST=0.0.0.0,HTTP_PUBLISHED_HOST=127.0.0.1|false",
      "HTTP_HOST=0.0.0.0,HTTP_PUBLISHED_HOST=0.0.0.0|true",
  })
  void anOpenControlApiIsToldApart(String settings, boolean open) {
    Map<String, String> env = new HashMap<>();
    for (String pair : settings.split(",")) {
      env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }
    CoordinatorConfig config = CoordinatorConfig.fromEnv(env);
    assertThat(config.controlOpenToNetwork()).isEqualTo(open);
    assertThat(HttpApi.exposureWarning(config)).as("the start-up warning")
        .satisfies(w -> assertThat(w == null).isEqualTo(!open));
  }

  @Test
  void anOpenControlApiShowsABannerProblem() throws Exception {
    start(Map.of("HTTP_HOST", "0.0.0.0"));
    JsonArray problems = new JsonObject(call("GET", "/api/status", null).body()).getJsonArray("problems");
    assertThat(problems.stream().map(p -> ((JsonObject) p).getString("code"))).contains("CONTROL_OPEN");
    String message = problems.stream().map(p -> (JsonObject) p).filter(p -> p.getString("code").equals("CONTROL_OPEN"))
        .findFirst().orElseThrow().getString("message");
    assertThat(message).contains("0.0.0.0").contains("CONTROL_TOKEN");
    assertThat(HttpApi.exposureWarning(CoordinatorConfig.fromEnv(Map.of("HTTP_HOST", "0.0.0.0"))))
        .contains("CONTROL_TOKEN").contains("HTTP_HOST");
  }

  @Test
  void aLoopbackOrTokenProtectedApiShowsNoSuchBanner() throws Exception {
    start(Map.of("HTTP_HOST", "0.0.0.0", "CONTROL_TOKEN", "s3cret-token"));
    JsonArray problems = new JsonObject(call("GET", "/api/status", null).body()).getJsonArray("problems");
    assertThat(problems.stream().map(p -> ((JsonObject) p).getString("code"))).doesNotContain("CONTROL_OPEN");
  }
}
