package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A worker's reply to an {@link Assignment}: sent only after its generator has stopped every user it
 * no longer holds, which is what lets the coordinator hand those users to another worker.
 *
 * @param accepted false when the assignment was older than what the worker holds
 * @param heldEpoch the epoch the worker holds after processing it
 * @param lastEventMillis the latest event time the worker has given any user so far (0 when none): what the
 *     users it let go must come after on their next worker
 */
public record AssignmentAck(String workerId, long heldEpoch, boolean accepted, long lastEventMillis) {
  public static final String TYPE = "assignment-ack";

  public AssignmentAck(String workerId, long heldEpoch, boolean accepted) {
    this(workerId, heldEpoch, accepted, 0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE).put("workerId", workerId)
        .put("heldEpoch", heldEpoch).put("accepted", accepted).put("lastEventMillis", lastEventMillis);
  }

  public static AssignmentAck fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    return new AssignmentAck(Fields.workerId(json, "workerId"), Fields.epoch(json, "heldEpoch"),
        Fields.bool(json, "accepted"), Fields.optionalTimeMillis(json, "lastEventMillis"));
  }
}
