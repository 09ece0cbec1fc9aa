package io.clickstream.coordinator.rate;

import io.vertx.core.json.JsonObject;

/** A shape the coordinator is following, with the wall-clock time it started at. */
public record ActiveShape(TrafficShape shape, long startMillis) {
  public long endMillis() {
    return startMillis + shape.durationMillis();
  }

  /** The shape's parameters plus when it started and ends, for the status and the dashboard. */
  public JsonObject toJson() {
    return shape.toJson().put("startMillis", startMillis).put("endMillis", endMillis())
        .put("finalRate", shape.finalRate());
  }
}
