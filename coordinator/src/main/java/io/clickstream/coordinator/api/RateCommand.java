package io.clickstream.coordinator.api;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The body of PUT /api/rate, parsed strictly: anything but a JSON object with a finite, non-negative
 * {@code eventsPerSecond} at or below the ceiling (and an optional {@code rampSeconds}) is refused with
 * a message naming the problem. Unknown fields are refused too, so a typo is never silently ignored.
 */
public record RateCommand(double eventsPerSecond, double rampSeconds) {
  static final double MAX_RAMP_SECONDS = 86_400;
  private static final Set<String> FIELDS = Set.of("eventsPerSecond", "rampSeconds");

  /** A refused command; the message goes back to the client as is. */
  public static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  public static RateCommand parse(String body, double ceiling) {
    if (body == null || body.isBlank()) {
      throw new Invalid("body must be a JSON object like {\"eventsPerSecond\": 1000}");
    }
    JsonObject json;
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(body);
      if (!(parsed instanceof JsonObject object)) {
        throw new Invalid("body must be a JSON object like {\"eventsPerSecond\": 1000}, got " + kind(parsed));
      }
      json = object;
    } catch (DecodeException e) {
      throw new Invalid("body is not valid JSON: " + firstLine(e.getMessage()));
    }
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new Invalid("unknown field \"" + field + "\" (expected eventsPerSecond and optionally rampSeconds)");
      }
    }
    if (!json.containsKey("eventsPerSecond")) {
      throw new Invalid("missing field eventsPerSecond");
    }
    double rate = number(json, "eventsPerSecond");
    if (rate < 0) {
      throw new Invalid("eventsPerSecond must be >= 0, got " + json.getValue("eventsPerSecond"));
    }
    if (rate > ceiling) {
      throw new Invalid("eventsPerSecond " + json.getValue("eventsPerSecond") + " is above the ceiling of "
          + ceiling + " (MAX_EVENTS_PER_SECOND)");
    }
    double ramp = json.containsKey("rampSeconds") ? number(json, "rampSeconds") : 0;
    if (ramp < 0 || ramp > MAX_RAMP_SECONDS) {
      throw new Invalid("rampSeconds must be from 0 to " + (long) MAX_RAMP_SECONDS + ", got " + json.getValue("rampSeconds"));
    }
    return new RateCommand(rate, ramp);
  }

  private static double number(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof Number n)) {
      throw new Invalid(field + " must be a number, got " + (value instanceof String s ? "\"" + s + "\"" : kind(value)));
    }
    double d = n.doubleValue();
    if (!Double.isFinite(d)) {
      throw new Invalid(field + " must be a finite number, got " + value);
    }
    return d;
  }

  private static String kind(Object value) {
    if (value == null) {
      return "null";
    }
    return value instanceof io.vertx.core.json.JsonArray ? "an array" : value.getClass().getSimpleName();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
