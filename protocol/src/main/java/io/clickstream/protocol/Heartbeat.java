package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A worker's liveness beat, about once a second, carrying the epoch it holds.
 *
 * @param nodeId the worker's cluster node, as it registered: a beat from another process under the same
 *     id (a duplicate, or an old process that woke from a freeze) renews nothing
 */
public record Heartbeat(String workerId, String nodeId, long heldEpoch) {
  public static final String TYPE = "heartbeat";

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE).put("workerId", workerId)
        .put("nodeId", nodeId).put("heldEpoch", heldEpoch);
  }

  public static Heartbeat fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    return new Heartbeat(Fields.workerId(json, "workerId"), Fields.string(json, "nodeId"),
        Fields.epoch(json, "heldEpoch"));
  }
}
