package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The coordinator's answer to a {@link Registration}: who it is, the population it splits, and its epoch
 * when it took the registration. Every assignment it sent before then was meant for what the worker held
 * before registering, so the worker refuses any with an epoch at or below {@code epoch}.
 */
public record RegistrationReply(String coordinatorId, int numUsers, long epoch) {
  public static final String TYPE = "registration-reply";

  public RegistrationReply(String coordinatorId, int numUsers) {
    this(coordinatorId, numUsers, 0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE)
        .put("coordinatorId", coordinatorId).put("numUsers", numUsers).put("epoch", epoch);
  }

  public static RegistrationReply fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    return new RegistrationReply(Fields.string(json, "coordinatorId"),
        (int) Fields.integerIn(json, "numUsers", 1, Protocol.MAX_USERS),
        json.getValue("epoch") == null ? 0 : Fields.integerIn(json, "epoch", 0, Protocol.MAX_EPOCH));
  }
}
