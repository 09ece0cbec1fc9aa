package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The coordinator's answer to a {@link Heartbeat}. When {@code known} is true it renews the worker's
 * lease for {@code leaseMillis}, counted by the worker from the moment it sent the beat (so the worker's
 * lease always ends before the coordinator's idea of it). When false, the worker must stop producing
 * at once and register again.
 *
 * @param coordinatorNodeId the coordinator's cluster node: a worker takes a renewal only from a
 *     coordinator in its own view of the cluster, never from one on the other side of a split
 */
public record HeartbeatReply(String coordinatorId, String coordinatorNodeId, boolean known, long leaseMillis) {
  public static final String TYPE = "heartbeat-reply";

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE)
        .put("coordinatorId", coordinatorId).put("coordinatorNodeId", coordinatorNodeId).put("known", known)
        .put("leaseMillis", leaseMillis);
  }

  public static HeartbeatReply fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    return new HeartbeatReply(Fields.string(json, "coordinatorId"), Fields.string(json, "coordinatorNodeId"),
        Fields.bool(json, "known"),
        Fields.integerIn(json, "leaseMillis", 0, Protocol.MAX_LEASE_MILLIS));
  }
}
