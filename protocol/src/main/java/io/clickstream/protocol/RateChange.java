package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Coordinator → one worker: a new rate (or pause) for the users it already holds. Unlike an
 * {@link Assignment} it moves no users, so it needs no new epoch and no revoke-before-grant round: a
 * traffic shape can step twice a second without a rebalance.
 *
 * <p>Idempotent and ordered by {@code seq}: a worker applies it only while it holds exactly
 * {@code epoch} from {@code coordinatorId}, and only when {@code seq} is above the last one it applied;
 * a duplicate or a late copy is acknowledged and ignored. A worker that holds another epoch answers
 * {@code applied=false}; its next assignment carries the rate anyway.
 *
 * @param epoch the assignment epoch whose rate this changes
 * @param seq the coordinator's rate sequence, increasing across all its rate changes
 */
public record RateChange(String workerId, String coordinatorId, long epoch, long seq, double eventsPerSecond,
                         boolean paused) {
  public static final String TYPE = "rate-change";

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE).put("workerId", workerId)
        .put("coordinatorId", coordinatorId).put("epoch", epoch).put("seq", seq)
        .put("eventsPerSecond", eventsPerSecond).put("paused", paused);
  }

  public static RateChange fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    return new RateChange(Fields.workerId(json, "workerId"), Fields.string(json, "coordinatorId"),
        Fields.integerIn(json, "epoch", 1, Protocol.MAX_EPOCH), Fields.integerIn(json, "seq", 1, Protocol.MAX_EPOCH),
        Fields.numberIn(json, "eventsPerSecond", 0, Protocol.MAX_EVENTS_PER_SECOND),
        Fields.bool(json, "paused"));
  }

  /** The worker's answer: whether it applied the change, and the epoch it holds. */
  public record Ack(String workerId, long heldEpoch, boolean applied) {
    public static final String TYPE = "rate-change-ack";

    public JsonObject toJson() {
      return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE).put("workerId", workerId)
          .put("heldEpoch", heldEpoch).put("applied", applied);
    }

    public static Ack fromJson(Object body) {
      JsonObject json = Fields.checkVersion(body, TYPE);
      return new Ack(Fields.workerId(json, "workerId"), Fields.epoch(json, "heldEpoch"), Fields.bool(json, "applied"));
    }
  }
}
