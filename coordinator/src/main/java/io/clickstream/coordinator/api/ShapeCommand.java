package io.clickstream.coordinator.api;

import static io.clickstream.coordinator.api.RateCommand.number;
import static io.clickstream.coordinator.api.RateCommand.rate;

import io.clickstream.coordinator.api.RateCommand.Invalid;
import io.clickstream.coordinator.rate.TrafficShape;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The shape form of PUT /api/rate, parsed strictly: every rate is a finite number from 0 to the ceiling,
 * every time within its limits, and each shape takes exactly its own fields (a field of another shape is
 * refused by name, since silently ignoring it would run a different test than the one asked for).
 * <ul>
 *   <li>{@code {"shape":"step","from":1000,"to":5000,"steps":4,"durationSeconds":300}}: levels 1000,
 *       2000, ... 5000, 60 s each; {@code from} defaults to the current rate, {@code steps} to 1.</li>
 *   <li>{@code {"shape":"ramp","from":0,"to":5000,"durationSeconds":60}}: {@code from} defaults to the
 *       current rate.</li>
 *   <li>{@code {"shape":"sine","min":500,"max":5000,"periodSeconds":600,"durationSeconds":3600}}: starts
 *       at min, rising.</li>
 *   <li>{@code {"shape":"spike","base":1000,"peak":8000,"atSeconds":60,"spikeSeconds":30,"durationSeconds":180}}.</li>
 * </ul>
 */
final class ShapeCommand {
  /** A week: long enough for a diurnal soak test, short enough that a typo in the unit is caught. */
  static final double MAX_DURATION_SECONDS = 7 * 86_400;
  /**
   * Rates are re-sent at most twice a second, so a faster wave would be followed only roughly: below
   * this period the ±2 % per 10 s promise would not hold.
   */
  static final double MIN_PERIOD_SECONDS = 10;
  static final int MAX_STEPS = 1000;
  private static final Map<String, List<String>> FIELDS = Map.of(
      "step", List.of("from", "to", "steps", "durationSeconds"),
      "ramp", List.of("from", "to", "durationSeconds"),
      "sine", List.of("min", "max", "periodSeconds", "durationSeconds"),
      "spike", List.of("base", "peak", "atSeconds", "spikeSeconds", "durationSeconds"));

  private ShapeCommand() {
  }

  static TrafficShape parse(JsonObject json, double ceiling, double currentRate) {
    Object kind = json.getValue("shape");
    List<String> fields = kind instanceof String s ? FIELDS.get(s) : null;
    if (fields == null) {
      throw new Invalid("shape must be one of \"step\", \"ramp\", \"sine\" or \"spike\", got "
          + (kind instanceof String s ? "\"" + s + "\"" : RateCommand.kind(kind)));
    }
    for (String field : json.fieldNames()) {
      if (!field.equals("shape") && !fields.contains(field)) {
        throw new Invalid("unknown field \"" + field + "\" for shape " + kind + " (expected " + String.join(", ", fields) + ")");
      }
    }
    long duration = millis(json, "durationSeconds", 1, MAX_DURATION_SECONDS);
    switch ((String) kind) {
      case "step": {
        double from = json.containsKey("from") ? rate(json, "from", ceiling) : currentRate;
        double to = rate(required(json, "to"), "to", ceiling);
        int steps = json.containsKey("steps") ? steps(json) : 1;
        if (duration < 1000L * (steps + 1)) {
          throw new Invalid("durationSeconds " + json.getValue("durationSeconds") + " is too short for " + steps
              + " steps: each of the " + (steps + 1) + " levels must last at least 1 s");
        }
        return new TrafficShape.Step(from, to, steps, duration);
      }
      case "ramp": {
        double from = json.containsKey("from") ? rate(json, "from", ceiling) : currentRate;
        return new TrafficShape.Ramp(from, rate(required(json, "to"), "to", ceiling), duration);
      }
      case "sine": {
        double min = rate(required(json, "min"), "min", ceiling);
        double max = rate(required(json, "max"), "max", ceiling);
        if (max < min) {
          throw new Invalid("max must be >= min (" + json.getValue("min") + "), got " + json.getValue("max"));
        }
        long period = millis(required(json, "periodSeconds"), "periodSeconds", MIN_PERIOD_SECONDS, MAX_DURATION_SECONDS);
        return new TrafficShape.Sine(min, max, period, duration);
      }
      default: {
        double base = rate(required(json, "base"), "base", ceiling);
        double peak = rate(required(json, "peak"), "peak", ceiling);
        long at = millis(required(json, "atSeconds"), "atSeconds", 0, MAX_DURATION_SECONDS);
        long spike = millis(required(json, "spikeSeconds"), "spikeSeconds", 1, MAX_DURATION_SECONDS);
        if (at + spike > duration) {
          throw new Invalid("the spike must end within the shape: atSeconds + spikeSeconds ("
              + (at + spike) / 1000.0 + ") is after durationSeconds (" + duration / 1000.0 + ")");
        }
        return new TrafficShape.Spike(base, peak, at, spike, duration);
      }
    }
  }

  private static JsonObject required(JsonObject json, String field) {
    if (!json.containsKey(field)) {
      throw new Invalid("missing field " + field + " for shape " + json.getValue("shape"));
    }
    return json;
  }

  private static long millis(JsonObject json, String field, double min, double max) {
    if (!json.containsKey(field)) {
      throw new Invalid("missing field " + field + " for shape " + json.getValue("shape"));
    }
    double seconds = number(json, field);
    if (seconds < min || seconds > max) {
      throw new Invalid(field + " must be from " + fmt(min) + " to " + fmt(max) + ", got " + json.getValue(field));
    }
    return Math.round(seconds * 1000);
  }

  private static int steps(JsonObject json) {
    double steps = number(json, "steps");
    if (steps != Math.rint(steps) || steps < 1 || steps > MAX_STEPS) {
      throw new Invalid("steps must be a whole number from 1 to " + MAX_STEPS + ", got " + json.getValue("steps"));
    }
    return (int) steps;
  }

  private static String fmt(double seconds) {
    return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
  }
}
