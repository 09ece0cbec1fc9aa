package io.clickstream.coordinator.server;

import io.clickstream.coordinator.CoordinatorConfig;
import io.clickstream.coordinator.api.HttpApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a standby coordinator serves on HTTP_PORT while another one holds the cluster: alive on /health, not
 * ready on /ready (503 with the reason, so an orchestrator sends no traffic and an operator sees why), and
 * 503 for everything else: a standby takes no commands. Closed before the real API starts.
 */
final class StandbyHttp {
  private static final Logger LOG = LoggerFactory.getLogger(StandbyHttp.class);

  private StandbyHttp() {
  }

  /** Never fails: a port taken (the holder on the same host) only costs the standby its /ready answer. */
  static Future<HttpServer> listen(Vertx vertx, CoordinatorConfig config, Supplier<String> reason) {
    return vertx.createHttpServer().requestHandler(request -> answer(request, reason.get()))
        .listen(config.httpPort(), config.httpHost())
        .onSuccess(s -> LOG.info("Standby coordinator answering /health and /ready (503) at http://{}:{}/",
            config.httpHost(), s.actualPort()))
        .otherwise(err -> {
          LOG.warn("Standby coordinator cannot listen on {}:{} ({}): /ready stays unanswered until it takes over",
              config.httpHost(), config.httpPort(), err.getMessage());
          return null;
        });
  }

  private static void answer(HttpServerRequest request, String reason) {
    String why = reason == null ? "taking over" : reason;
    JsonObject body;
    int status;
    if (request.path().equals(HttpApi.HEALTH)) {
      status = 200;
      body = new JsonObject().put("status", "UP").put("standby", true);
    } else if (request.path().equals(HttpApi.READY)) {
      status = 503;
      body = new JsonObject().put("status", "NOT_READY").put("clusterJoined", true).put("standby", true)
          .put("reason", why);
    } else {
      status = 503;
      body = new JsonObject().put("error", "standby coordinator: " + why);
    }
    request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encode());
  }
}
