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
    double rate = Fields.numberIn(json, "eventsPerSecond", 0, Protocol.MAX_EVENTS_PER_SECOND);
    long lease = Fields.integerIn(json, "leaseMillis", 1, Protocol.MAX_LEASE_MILLIS);
    return new Assignment(Fields.workerId(json, "workerId"), Fields.string(json, "coordinatorId"),
        Fields.integerIn(json, "epoch", 1, Protocol.MAX_EPOCH), UserRange.fromJson(Fields.object(json, "users")), rate,
        Fields.bool(json, "paused"), lease);
  }
}
