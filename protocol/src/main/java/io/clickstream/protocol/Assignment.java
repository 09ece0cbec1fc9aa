package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The whole target for one worker: which users it simulates and at what rate. Absolute and
 * idempotent: a worker replaces what it holds with a newer assignment and drops one whose epoch is not
 * newer than its own. Delivery grants a lease of {@code leaseMillis}, renewed by heartbeat replies.
 *
 * @param coordinatorId the incarnation of the coordinator that issued it
 * @param epoch strictly increasing across the cluster's life, also across coordinator restarts
 * @param eventsPerSecond this worker's share of the global rate
 * @param paused when true the worker generates nothing new but still delivers held-back events
 */
public record Assignment(String workerId, String coordinatorId, long epoch, UserRange users,
                         double eventsPerSecond, boolean paused, long leaseMillis) {
  public static final String TYPE = "assignment";

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE)
        .put("workerId", workerId).put("coordinatorId", coordinatorId).put("epoch", epoch)
        .put("users", users.toJson()).put("eventsPerSecond", eventsPerSecond)
        .put("paused", paused).put("leaseMillis", leaseMillis);
  }

  public static Assignment fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    double rate = Fields.number(json, "eventsPerSecond");
    long lease = Fields.integer(json, "leaseMillis");
    if (rate < 0) {
      throw new MessageFormatException("assignment: eventsPerSecond must be >= 0, got " + rate);
    }
    if (lease <= 0) {
      throw new MessageFormatException("assignment: leaseMillis must be > 0, got " + lease);
    }
    return new Assignment(Fields.string(json, "workerId"), Fields.string(json, "coordinatorId"),
        Fields.integer(json, "epoch"), UserRange.fromJson(Fields.object(json, "users")), rate,
        Fields.bool(json, "paused"), lease);
  }
}
