package io.clickstream.coordinator.api;

import io.clickstream.coordinator.rate.TrafficShape;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The body of PUT /api/rate, parsed strictly. Two forms: a rate ({@code eventsPerSecond}, optionally
 * reached by a linear ramp over {@code rampSeconds}), or a traffic shape ({@code "shape": ...}, see
 * {@link ShapeCommand}). Anything else is refused with a message naming the problem; unknown fields are
 * refused too, so a typo is never silently ignored.
 */
public sealed interface RateCommand {
  double MAX_RAMP_SECONDS = 86_400;
  Set<String> FIELDS = Set.of("eventsPerSecond", "rampSeconds");

  /** The rate now ({@code rampSeconds} 0) or after a linear ramp from the current one. */
  record SetRate(double eventsPerSecond, double rampSeconds) implements RateCommand {
  }

  /** A shape to follow from now on. */
  record StartShape(TrafficShape shape) implements RateCommand {
  }

  /** A refused command; the message goes back to the client as is. */
  final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  /**
   * @param ceiling MAX_EVENTS_PER_SECOND: no rate of any form may exceed it
   * @param currentRate where shapes with an optional start ({@code from}) begin when it is left out
   */
  static RateCommand parse(String body, double ceiling, double currentRate) {
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
    if (json.containsKey("shape")) {
      return new StartShape(ShapeCommand.parse(json, ceiling, currentRate));
    }
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new Invalid("unknown field \"" + field + "\" (expected eventsPerSecond and optionally rampSeconds,"
            + " or a \"shape\")");
      }
    }
    if (!json.containsKey("eventsPerSecond")) {
      throw new Invalid("missing field eventsPerSecond");
    }
    double rate = rate(json, "eventsPerSecond", ceiling);
    double ramp = json.containsKey("rampSeconds") ? number(json, "rampSeconds") : 0;
    if (ramp < 0 || ramp > MAX_RAMP_SECONDS) {
      throw new Invalid("rampSeconds must be from 0 to " + (long) MAX_RAMP_SECONDS + ", got " + json.getValue("rampSeconds"));
    }
    return new SetRate(rate, ramp);
  }

  /** A rate field: a finite number from 0 to the ceiling. */
  static double rate(JsonObject json, String field, double ceiling) {
    double rate = number(json, field);
    if (rate < 0) {
      throw new Invalid(field + " must be >= 0, got " + json.getValue(field));
    }
    if (rate > ceiling) {
      throw new Invalid(field + " " + json.getValue(field) + " is above the ceiling of " + ceiling
          + " (MAX_EVENTS_PER_SECOND)");
    }
    return rate;
  }

  static double number(JsonObject json, String field) {
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

  static String kind(Object value) {
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
