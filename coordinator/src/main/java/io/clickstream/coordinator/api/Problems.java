package io.clickstream.coordinator.api;

import io.clickstream.coordinator.Coordinator;
import io.clickstream.coordinator.membership.WorkerEntry;
import io.clickstream.coordinator.stats.ClusterStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The problems an operator must see without reading logs, each with a code (stable, for scripts and
 * tests) and a sentence with the reason. The dashboard shows them as banners.
 */
final class Problems {
  /** How long a lost worker stays a problem. */
  private static final long LOST_SHOWN_MILLIS = TimeUnit.MINUTES.toMillis(10);
  /** Seconds below 95 % of the target before "cannot reach the target" is raised. */
  private static final int BEHIND_SECONDS = 10;
  /** How many seconds a measured rate may trail a change of the target. */
  private static final int REPORT_LAG_SECONDS = 3;

  private Problems() {
  }

  static JsonArray of(Coordinator c, ClusterStats stats, KafkaLanding landing, double measured, long nowMillis) {
    JsonArray problems = new JsonArray();
    String open = HttpApi.exposureWarning(c.config());
    if (open != null) {
      problems.add(problem("CONTROL_OPEN", open));
    }
    if (landing.refused()) {
      problems.add(problem("BROKER_REFUSED", landing.error()));
    } else if (Boolean.FALSE.equals(landing.reachable())) {
      problems.add(problem("BROKER_UNREACHABLE", "Kafka broker unreachable: " + landing.error()));
    }
    stats.recentErrors(nowMillis).forEach((worker, error) ->
        problems.add(problem("SENDS_FAILING", "Sends failing on " + worker + ": " + error)));
    if (c.registry().live().isEmpty()) {
      problems.add(problem("NO_WORKERS", "No live workers: nothing is being generated"));
    }
    for (WorkerEntry w : c.registry().all()) {
      if (!w.isLive() && nowMillis - w.lostAtMillis() < LOST_SHOWN_MILLIS) {
        problems.add(problem("WORKER_LOST", "Worker " + w.id() + " on " + w.registration().host() + " lost "
            + (nowMillis - w.lostAtMillis()) / 1000 + " s ago (" + w.lostReason() + ")"));
      }
    }
    if (behindTarget(c, stats)) {
      problems.add(problem("BEHIND_TARGET", String.format("Cluster below target for %d s: %,.0f of %,.0f events/s",
          BEHIND_SECONDS, measured, c.effectiveRate())));
    }
    return problems;
  }

  private static boolean behindTarget(Coordinator c, ClusterStats stats) {
    if (c.effectiveRate() <= 0 || c.registry().live().isEmpty()) {
      return false;
    }
    List<ClusterStats.HistoryPoint> history = stats.history();
    if (history.size() < BEHIND_SECONDS + REPORT_LAG_SECONDS) {
      return false;
    }
    int first = history.size() - BEHIND_SECONDS;
    for (int i = first; i < history.size(); i++) {
      // Measured rates arrive a report or two after the target moved: under a rising ramp or shape each
      // point is held against the lowest target of the seconds before it, not against the newest one.
      double target = Double.MAX_VALUE;
      for (int j = i - REPORT_LAG_SECONDS; j <= i; j++) {
        target = Math.min(target, history.get(j).targetRate());
      }
      if (target <= 0 || history.get(i).measuredRate() >= 0.95 * target) {
        return false;
      }
    }
    return true;
  }

  private static JsonObject problem(String code, String message) {
    return new JsonObject().put("code", code).put("message", message);
  }
}
