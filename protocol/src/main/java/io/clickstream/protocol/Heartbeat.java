package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/** A worker's liveness beat, about once a second, carrying the epoch it holds. */
public record Heartbeat(String workerId, long heldEpoch) {
  public static final String TYPE = "heartbeat";

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE).put("workerId", workerId)
        .put("heldEpoch", heldEpoch);
  }

  public static Heartbeat fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    return new Heartbeat(Fields.string(json, "workerId"), Fields.integer(json, "heldEpoch"));
  }
}
