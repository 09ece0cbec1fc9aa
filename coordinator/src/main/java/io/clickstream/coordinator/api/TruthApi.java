package io.clickstream.coordinator.api;

import io.clickstream.coordinator.CoordinatorConfig;
import io.clickstream.coordinator.truth.TruthJson;
import io.clickstream.coordinator.truth.TruthStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * GET /api/truth?from=&amp;to=: the published truth windows that start in [from, to) and the sessions
 * that started in it. from and to are epoch milliseconds or ISO-8601 instants; both default to
 * everything kept. 404 with a reason when TRUTH=off.
 */
public final class TruthApi {
  public static final String TRUTH = "/api/truth";
  private static final int SESSION_LIMIT = 10_000;

  private TruthApi() {
  }

  public static void mount(Router router, CoordinatorConfig config, TruthStore store) {
    if (config.controlToken() != null && config.protectReads()) {
      router.get(TRUTH).handler(ControlToken.forReads(config.controlToken()));
    }
    router.get(TRUTH).handler(rc -> {
      if (store == null) {
        HttpApi.error(rc, 404, "the ground truth is off (TRUTH=off)");
        return;
      }
      long from;
      long to;
      try {
        from = time(rc, "from", Long.MIN_VALUE);
        to = time(rc, "to", Long.MAX_VALUE);
      } catch (IllegalArgumentException e) {
        HttpApi.error(rc, 400, e.getMessage());
        return;
      }
      if (to < from) {
        HttpApi.error(rc, 400, "to (" + to + ") is before from (" + from + ")");
        return;
      }
      HttpApi.json(rc, 200, TruthJson.slice(store.query(from, to, SESSION_LIMIT)));
    });
  }

  private static long time(RoutingContext rc, String name, long fallback) {
    String value = rc.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      try {
        return Instant.parse(value).toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e2) {
        // ArithmeticException: a valid instant in a year beyond what epoch milliseconds hold (was a 500).
        throw new IllegalArgumentException(name + " must be epoch milliseconds or an ISO-8601 instant like "
            + "2026-11-27T10:00:00Z, got \"" + value + "\"");
      }
    }
  }
}
