package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A worker announcing itself, at start and again whenever the coordinator does not know it (for
 * example after a coordinator restart). It says what it still holds, so a new coordinator can revoke
 * before it grants and never lets two workers produce one user.
 *
 * @param nodeId the worker's cluster-manager node id, to match node-left events
 * @param heldEpoch epoch of the assignment it holds, 0 if none
 * @param heldUsers users it is producing now (empty if none or if its lease expired)
 * @param incarnation this worker process, as its truth reports name it: the coordinator takes truth for
 *     this id only from this incarnation
 * @param lastEventMillis the latest event time the worker has given any user (0 when none): users it let go
 *     without an acknowledged assignment (it was declared lost) must come after it on their next worker
 */
public record Registration(String workerId, String nodeId, String host, long pid, int metricsPort,
                           long heldEpoch, UserRange heldUsers, String incarnation, long lastEventMillis) {
  public static final String TYPE = "registration";

  public Registration(String workerId, String nodeId, String host, long pid, int metricsPort, long heldEpoch,
                      UserRange heldUsers, String incarnation) {
    this(workerId, nodeId, host, pid, metricsPort, heldEpoch, heldUsers, incarnation, 0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE).put("workerId", workerId)
        .put("nodeId", nodeId).put("host", host).put("pid", pid).put("metricsPort", metricsPort)
        .put("heldEpoch", heldEpoch).put("heldUsers", heldUsers.toJson()).put("incarnation", incarnation)
        .put("lastEventMillis", lastEventMillis);
  }

  public static Registration fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    return new Registration(Fields.workerId(json, "workerId"), Fields.string(json, "nodeId"),
        Fields.string(json, "host"), Fields.integerIn(json, "pid", 0, Long.MAX_VALUE),
        (int) Fields.integerIn(json, "metricsPort", 0, 65535), Fields.epoch(json, "heldEpoch"),
        UserRange.fromJson(Fields.object(json, "heldUsers")), Fields.string(json, "incarnation"),
        Fields.optionalTimeMillis(json, "lastEventMillis"));
  }
}
