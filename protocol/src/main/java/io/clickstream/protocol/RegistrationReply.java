package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/** The coordinator's answer to a {@link Registration}: who it is, and the population it splits. */
public record RegistrationReply(String coordinatorId, int numUsers) {
  public static final String TYPE = "registration-reply";

  public JsonObject toJson() {
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE)
        .put("coordinatorId", coordinatorId).put("numUsers", numUsers);
  }

  public static RegistrationReply fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    return new RegistrationReply(Fields.string(json, "coordinatorId"), 
        (int) Fields.integerIn(json, "numUsers", 1, Protocol.MAX_USERS));
  }
}
