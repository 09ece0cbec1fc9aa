package io.clickstream.coordinator.api;

import io.clickstream.protocol.EventTypes;
import io.clickstream.protocol.UserIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code GET /api/meta}: the schema's constants the dashboard needs, from the Java classes that define
 * them, so that the page holds no copy: the event types in schema order and the user-id format. A running
 * shape's course comes with each status instead (see {@code ShapeCourse}).
 */
final class PageMeta {
  private PageMeta() {
  }

  static JsonObject json() {
    return new JsonObject().put("eventTypes", new JsonArray(EventTypes.NAMES))
        .put("userId", new JsonObject().put("prefix", UserIds.PREFIX).put("minDigits", UserIds.MIN_DIGITS)
            .put("example", UserIds.format(42)));
  }
}
