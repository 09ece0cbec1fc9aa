package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The accounting identity of a producer: {@code generated = acked + failed + pending} at every instant.
 * {@code late} counts generated events that were (or are being) held back; it is a subset of generated.
 * {@code sentEarly} counts late events sent before their due time because a stop was forced (a second
 * signal, or STOP_DRAIN_SECONDS ran out); a subset of late.
 */
public record Counters(long generated, long acked, long failed, long pending, long late, long sentEarly) {
  public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0);

  public Counters plus(Counters o) {
    return new Counters(generated + o.generated, acked + o.acked, failed + o.failed,
        pending + o.pending, late + o.late, sentEarly + o.sentEarly);
  }

  public JsonObject toJson() {
    return new JsonObject().put("generated", generated).put("acked", acked).put("failed", failed)
        .put("pending", pending).put("late", late).put("sentEarly", sentEarly);
  }

  public static Counters fromJson(JsonObject json) {
    return new Counters(Fields.integer(json, "generated"), Fields.integer(json, "acked"),
        Fields.integer(json, "failed"), Fields.integer(json, "pending"), Fields.integer(json, "late"),
        Fields.integer(json, "sentEarly"));
  }
}
