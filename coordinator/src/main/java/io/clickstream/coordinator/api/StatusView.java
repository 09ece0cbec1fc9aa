package io.clickstream.coordinator.api;

import io.clickstream.coordinator.Coordinator;
import io.clickstream.coordinator.membership.WorkerEntry;
import io.clickstream.coordinator.rate.ActiveShape;
import io.clickstream.coordinator.rate.ShapeCourse;
import io.clickstream.coordinator.rate.TrafficShape;
import io.clickstream.coordinator.stats.ClusterStats;
import io.clickstream.protocol.Counters;
import io.clickstream.protocol.StatsReport;
import io.clickstream.protocol.UserRange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The JSON of GET /api/status, also pushed to the dashboard. Field names documented in the README are a
 * contract (scripts depend on them): add fields freely, never rename.
 */
public final class StatusView {
  private StatusView() {
  }

  public static JsonObject status(Coordinator c, KafkaLanding landing, long nowMillis) {
    ClusterStats stats = c.stats();
    JsonArray workers = new JsonArray();
    for (WorkerEntry w : c.registry().all()) {
      StatsReport r = stats.latest(w.id());
      Counters t = r == null ? Counters.ZERO : r.totals();
      boolean fresh = stats.isFresh(w.id(), nowMillis);
      UserRange users = w.isLive() ? w.assignedUsers() : w.heldUsers();
      JsonObject json = new JsonObject()
          .put("id", w.id())
          .put("host", w.registration().host())
          .put("pid", w.registration().pid())
          .put("state", w.isLive() ? "live" : "lost")
          .put("draining", w.draining())
          .put("users", new JsonObject().put("from", users.isEmpty() ? 0 : users.from()).put("to", users.isEmpty() ? 0 : users.to()))
          .put("userCount", users.size())
          .put("targetRate", w.isLive() ? w.assignedRate() : 0.0)
          .put("measuredRate", r != null && fresh && w.isLive() ? r.ackedRate() : 0.0)
          .put("producing", r != null && fresh && r.producing())
          .put("epoch", w.heldEpoch())
          .put("generated", t.generated()).put("acked", t.acked()).put("failed", t.failed())
          .put("pending", t.pending()).put("late", t.late()).put("sentEarly", t.sentEarly())
          .put("sendLagMs", r == null ? 0.0 : r.sendLagP99Ms())
          .put("ackLatencyP99Ms", r == null ? 0.0 : r.ackLatencyP99Ms());
      if (!w.isLive()) {
        json.put("lostAtMillis", w.lostAtMillis()).put("lostSecondsAgo", (nowMillis - w.lostAtMillis()) / 1000)
            .put("lostReason", w.lostReason());
      }
      if (r != null && fresh && r.lastError() != null) {
        json.put("lastError", r.lastError());
      }
      workers.add(json);
    }
    Counters totals = stats.totals();
    ClusterStats.Latencies latencies = stats.latencies(nowMillis);
    double measured = stats.measuredRate(nowMillis);
    JsonObject json = new JsonObject()
        .put("coordinatorId", c.id())
        .put("targetRate", c.effectiveRate())
        .put("requestedRate", c.targetRate())
        .put("measuredRate", measured)
        .put("paused", c.paused())
        .put("epoch", c.epoch())
        .put("rebalancing", c.rebalancing())
        .put("rebalances", c.rebalances())
        .put("lastRebalanceMs", c.lastRebalanceDurationMillis())
        .put("liveWorkers", c.registry().live().size())
        .put("workers", workers)
        .put("totals", totals.toJson())
        .put("byType", numbers(stats.byType()))
        .put("typeRates", numbers(stats.typeRates(nowMillis)))
        .put("lateRate", stats.lateRate(nowMillis))
        .put("latency", new JsonObject().put("ackP50Ms", latencies.ackP50Ms()).put("ackP99Ms", latencies.ackP99Ms())
            .put("sendLagP99Ms", latencies.sendLagP99Ms()).put("sendLagMaxMs", latencies.sendLagMaxMs()))
        .put("kafka", landing.toJson())
        .put("timeMillis", nowMillis);
    ActiveShape active = c.shape();
    if (active != null) {
      // The course is the server's so that the page draws the shape without a copy of its maths.
      json.put("shape", active.toJson().put("plan", ShapeCourse.json(active, nowMillis)));
      if (active.shape() instanceof TrafficShape.Ramp ramp) {
        // The field ramps had before shapes existed; scripts may read it.
        json.put("ramp", new JsonObject().put("from", ramp.from()).put("to", ramp.to())
            .put("startMillis", active.startMillis()).put("durationMillis", ramp.durationMillis()));
      }
    }
    json.put("problems", Problems.of(c, stats, landing, measured, nowMillis));
    return json;
  }

  public static JsonObject history(ClusterStats stats) {
    JsonArray points = new JsonArray();
    for (ClusterStats.HistoryPoint p : stats.history()) {
      points.add(new JsonObject().put("t", p.timeMillis()).put("target", p.targetRate()).put("measured", p.measuredRate())
          .put("workers", numbers(p.workerRates())));
    }
    return new JsonObject().put("points", points);
  }

  private static JsonObject numbers(Map<String, ? extends Number> values) {
    JsonObject json = new JsonObject();
    values.forEach(json::put);
    return json;
  }
}
