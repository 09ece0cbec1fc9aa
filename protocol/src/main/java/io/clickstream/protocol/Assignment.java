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
 * @param notBeforeMillis no event of a user new to this worker may be at or before this time: the latest event
 *     time the users' previous owners reported when they let them go (0 when none), so that a moved user's
 *     events stay strictly ordered even when the two workers' clocks differ
 */
public record Assignment(String workerId, String coordinatorId, long epoch, UserRange users,
                         double eventsPerSecond, boolean paused, long leaseMillis, long notBeforeMillis) {
  public static final String TYPE = "assignment";

  public Assignment(String workerId, String coordinatorId, long epoch, UserRange users, double eventsPerSecond,
                    boolean paused, long leaseMillis) {
    this(workerId, coordinatorId, epoch, users, eventsPerSecond, paused, leaseMillis, 0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE)
        .put("workerId", workerId).put("coordinatorId", coordinatorId).put("epoch", epoch)
        .put("users", users.toJson()).put("eventsPerSecond", eventsPerSecond)
        .put("paused", paused).put("leaseMillis", leaseMillis).put("notBeforeMillis", notBeforeMillis);
  }

  public static Assignment fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    double rate = Fields.numberIn(json, "eventsPerSecond", 0, Protocol.MAX_EVENTS_PER_SECOND);
    long lease = Fields.integerIn(json, "leaseMillis", 1, Protocol.MAX_LEASE_MILLIS);
    return new Assignment(Fields.workerId(json, "workerId"), Fields.string(json, "coordinatorId"),
        Fields.integerIn(json, "epoch", 1, Protocol.MAX_EPOCH), UserRange.fromJson(Fields.object(json, "users")), rate,
        Fields.bool(json, "paused"), lease, Fields.optionalTimeMillis(json, "notBeforeMillis"));
  }
}
