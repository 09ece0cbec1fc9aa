package io.clickstream.coordinator.api;

import io.clickstream.coordinator.AllowedHosts;
import io.clickstream.coordinator.Coordinator;
import io.clickstream.coordinator.CoordinatorConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API and the dashboard's files. Each handler parses, validates (400 with a JSON error that
 * names the problem), calls the {@link Coordinator} and replies with JSON. Bad input never changes
 * state.
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  public static final String STATUS = "/api/status";
  public static final String HISTORY = "/api/history";
  public static final String META = "/api/meta";
  public static final String EVENTS = "/api/events";
  public static final String RATE = "/api/rate";
  public static final String PAUSE = "/api/pause";
  public static final String RESUME = "/api/resume";
  public static final String HEALTH = "/health";
  public static final String READY = "/ready";
  public static final String METRICS = "/metrics";
  /** For 405 answers: our own error handler replaces Vert.x's, which would have set Allow. */
  private static final Map<String, String> ALLOWED = Map.of(STATUS, "GET", HISTORY, "GET", META, "GET", EVENTS, "GET",
      RATE, "PUT", PAUSE, "POST", RESUME, "POST", HEALTH, "GET", READY, "GET", METRICS, "GET");

  private HttpApi() {
  }

  public static Router router(Vertx vertx, Coordinator coordinator, CoordinatorConfig config, KafkaLanding landing,
                              StatusStream stream, BooleanSupplier clusterJoined, PrometheusMeterRegistry registry) {
    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders());
    // No CORS handler on purpose: browsers on other origins cannot drive the control API, and the guard
    // refuses what a browser sends without asking first (form posts, foreign Host or Origin).
    router.route().handler(new RequestGuard(AllowedHosts.of(config.allowedHosts(), config.httpHost())));
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.bodyLimitBytes()));
    if (config.controlToken() != null) {
      ControlToken commands = ControlToken.forCommands(config.controlToken());
      router.put(RATE).handler(commands);
      router.post(PAUSE).handler(commands);
      router.post(RESUME).handler(commands);
      if (config.protectReads()) {
        ControlToken reads = ControlToken.forReads(config.controlToken());
        for (String path : new String[] {STATUS, HISTORY, EVENTS, METRICS}) {
          router.get(path).handler(reads);
        }
      }
    }
    router.get(STATUS).handler(rc -> json(rc, 200, StatusView.status(coordinator, landing, coordinator.clock().currentTimeMillis())));
    router.get(HISTORY).handler(rc -> json(rc, 200, StatusView.history(coordinator.stats())));
    // The schema's constants, public as the page's own files are: no token needed.
    router.get(META).handler(rc -> json(rc, 200, PageMeta.json()));
    router.get(EVENTS).handler(rc -> {
      stream.open(rc.response());
      rc.response().write("event: status\ndata: "
          + StatusView.status(coordinator, landing, coordinator.clock().currentTimeMillis()).encode() + "\n\n");
    });
    router.put(RATE).handler(rc -> {
      RateCommand command;
      try {
        // On the coordinator's event loop: the current rate a shape may start from cannot move meanwhile.
        command = RateCommand.parse(rc.body().asString(), config.maxEventsPerSecond(), coordinator.targetRate());
      } catch (RateCommand.Invalid e) {
        error(rc, 400, e.getMessage());
        return;
      }
      if (command instanceof RateCommand.StartShape start) {
        coordinator.startShape(start.shape());
      } else if (command instanceof RateCommand.SetRate set) {
        coordinator.setRate(set.eventsPerSecond(), set.rampSeconds());
      }
      json(rc, 200, StatusView.status(coordinator, landing, coordinator.clock().currentTimeMillis()));
    });
    router.post(PAUSE).handler(rc -> {
      coordinator.setPaused(true);
      json(rc, 200, StatusView.status(coordinator, landing, coordinator.clock().currentTimeMillis()));
    });
    router.post(RESUME).handler(rc -> {
      coordinator.setPaused(false);
      json(rc, 200, StatusView.status(coordinator, landing, coordinator.clock().currentTimeMillis()));
    });
    router.get(METRICS).handler(rc -> rc.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape()));
    router.get(HEALTH).handler(rc -> json(rc, 200, new JsonObject().put("status", "UP")));
    router.get(READY).handler(rc -> {
      boolean joined = clusterJoined.getAsBoolean();
      boolean kafka = Boolean.TRUE.equals(landing.reachable());
      JsonObject body = new JsonObject().put("status", joined && kafka ? "READY" : "NOT_READY")
          .put("clusterJoined", joined).put("kafkaReachable", kafka);
      if (landing.error() != null) {
        body.put("kafkaError", landing.error());
      }
      json(rc, joined && kafka ? 200 : 503, body);
    });
    // GET only, and never under /api/: a catch-all would turn the API's 405s into 404s.
    router.getWithRegex("^/(?!api/).*").handler(StaticHandler.create("webroot").setCachingEnabled(false));

    router.errorHandler(400, rc -> error(rc, 400, "bad request"));
    router.errorHandler(404, rc -> error(rc, 404, "no such resource: " + rc.request().method() + " " + rc.request().path()));
    router.errorHandler(405, rc -> {
      String allowed = ALLOWED.get(rc.request().path());
      if (allowed != null) {
        rc.response().putHeader(HttpHeaders.ALLOW, allowed);
      }
      error(rc, 405, "method " + rc.request().method() + " not allowed on " + rc.request().path()
          + (allowed == null ? "" : "; use " + allowed));
    });
    router.errorHandler(413, rc -> error(rc, 413, "request body larger than " + config.bodyLimitBytes()
        + " bytes (HTTP_BODY_LIMIT_BYTES)"));
    router.errorHandler(500, rc -> {
      // The exception may name files, hosts or settings: it goes to the log only, under an id the client
      // can quote.
      String id = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
      LOG.error("HTTP {} {} failed (error id {})", rc.request().method(), rc.request().path(), id, rc.failure());
      if (!rc.response().ended()) {
        json(rc, 500, new JsonObject().put("error", "internal error " + id + " (details in the coordinator's log)")
            .put("errorId", id).put("status", 500));
      }
    });
    return router;
  }

  /** What to warn about at start and on the page when anyone on the network may send commands; else null. */
  public static String exposureWarning(CoordinatorConfig config) {
    if (!config.controlOpenToNetwork()) {
      return null;
    }
    String where = config.publishedHost() != null ? "published on " + config.publishedHost() + " (HTTP_PUBLISHED_HOST)"
        : "bound to " + config.httpHost() + " (HTTP_HOST)";
    return "The control API is open to the network: the HTTP server is " + where + " and there is no CONTROL_TOKEN, "
        + "so anyone who reaches port " + config.httpPort() + " can change the rate. Set CONTROL_TOKEN, or bind "
        + "to loopback (HTTP_HOST=127.0.0.1).";
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }

  /** The API's error body, {"error": ..., "status": ...}; also used by {@link TruthApi}. */
  static void error(RoutingContext rc, int status, String message) {
    if (rc.response().ended()) {
      return;
    }
    json(rc, status, new JsonObject().put("error", message).put("status", status));
  }
}
