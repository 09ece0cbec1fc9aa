package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A worker's liveness beat, about once a second, carrying the epoch it holds.
 *
 * @param draining the worker is stopping: it generates nothing new and only delivers its held-back late
 *     events, so its users go to the others while it keeps reporting until it leaves
 */
public record Heartbeat(String workerId, long heldEpoch, boolean draining) {
  public static final String TYPE = "heartbeat";

  public Heartbeat(String workerId, long heldEpoch) {
    this(workerId, heldEpoch, false);
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE).put("workerId", workerId)
        .put("heldEpoch", heldEpoch).put("draining", draining);
  }

  public static Heartbeat fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    return new Heartbeat(Fields.string(json, "workerId"), Fields.integer(json, "heldEpoch"),
        Fields.bool(json, "draining"));
  }
}
