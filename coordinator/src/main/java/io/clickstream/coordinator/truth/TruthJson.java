package io.clickstream.coordinator.truth;

import io.clickstream.protocol.EventTypes;
import io.clickstream.protocol.UserIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * The published forms of the truth, on the truth topic and at GET /api/truth. Times are epoch
 * milliseconds like the events' event_time; money is a number with two decimals like the events' price,
 * with the exact cents beside it.
 */
public final class TruthJson {

  private TruthJson() {
  }

  public static JsonObject window(MergedWindow w) {
    JsonObject byType = new JsonObject();
    long[] counts = w.byType();
    for (int i = 0; i < counts.length; i++) {
      byType.put(EventTypes.NAMES.get(i), counts[i]);
    }
    JsonObject arriving = new JsonObject();
    long[] lateness = w.latenessSeconds();
    long[] after = w.arrivingAfter();
    for (int i = 0; i < lateness.length; i++) {
      arriving.put(Long.toString(lateness[i]), after[i]);
    }
    JsonArray parts = new JsonArray();
    w.parts().forEach((worker, summary) -> parts.add(new JsonObject().put("worker", worker)
        .put("first_epoch", summary[0]).put("last_epoch", summary[1]).put("events", summary[2])));
    return new JsonObject().put("kind", "window").put("window_start", w.start()).put("window_end", w.end())
        .put("events", w.events()).put("events_by_type", byType).put("distinct_users", w.distinctUsers())
        .put("purchase_revenue", BigDecimal.valueOf(w.revenueCents(), 2))
        .put("purchase_revenue_cents", w.revenueCents())
        .put("arriving_after_window_end", arriving).put("complete", w.complete()).put("parts", parts);
  }

  public static JsonObject session(TruthMerger.Session s) {
    return new JsonObject().put("kind", "session").put("user_id", userId(s.user()))
        .put("session_start", s.start()).put("session_end", s.end())
        .put("session_window_end", s.end() + s.gapMillis()).put("events", s.events())
        .put("purchased", s.purchased()).put("gap_ms", s.gapMillis());
  }

  /** A record of TOPIC_NAME.watermarks. */
  public static JsonObject watermark(WatermarkMerger.Watermark w) {
    return new JsonObject().put("partition", w.partition()).put("watermark", w.watermark()).put("idle", w.idle())
        .put("published_at", w.publishedAt()).put("max_event_time", w.maxEventTime())
        .put("last_sent_at", w.lastSentAt());
  }

  /** GET /api/truth's answer. */
  public static JsonObject slice(TruthStore.Slice slice) {
    JsonArray windows = new JsonArray();
    slice.windows().forEach(w -> windows.add(window(w)));
    JsonArray sessions = new JsonArray();
    slice.sessions().forEach(s -> sessions.add(session(s)));
    return new JsonObject().put("from", slice.from()).put("to", slice.to()).put("windows", windows)
        .put("sessions", sessions).put("sessionsTruncated", slice.sessionsTruncated())
        .put("windowsPublished", slice.windowsPublished()).put("sessionsPublished", slice.sessionsPublished());
  }

  /** The events' user_id and Kafka key. */
  public static String userId(int user) {
    return UserIds.format(user);
  }
}
