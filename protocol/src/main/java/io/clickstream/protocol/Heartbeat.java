package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A worker's liveness beat, about once a second, carrying the epoch it holds.
 *
 * @param nodeId the worker's cluster node, as it registered: a beat from another process under the same
 *     id (a duplicate, or an old process that woke from a freeze) renews nothing
 * @param draining the worker is stopping: it generates nothing new and only delivers its held-back late
 *     events, so its users go to the others while it keeps reporting until it leaves
 */
public record Heartbeat(String workerId, String nodeId, long heldEpoch, boolean draining) {
  public static final String TYPE = "heartbeat";

  public Heartbeat(String workerId, String nodeId, long heldEpoch) {
    this(workerId, nodeId, heldEpoch, false);
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE).put("workerId", workerId)
        .put("nodeId", nodeId).put("heldEpoch", heldEpoch).put("draining", draining);
  }

  public static Heartbeat fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    return new Heartbeat(Fields.workerId(json, "workerId"), Fields.string(json, "nodeId"),
        Fields.epoch(json, "heldEpoch"), Fields.bool(json, "draining"));
  }
}
