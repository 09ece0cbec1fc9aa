package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A worker's report, sent every second. {@code totals} and {@code byType} are cumulative since the
 * worker started; the interval fields cover the time since the previous report and are what rates and
 * latencies are computed from. Latencies are milliseconds over the interval.
 *
 * @param seq increases by one per report, so the coordinator can drop reordered or duplicated ones
 * @param ackLatencyP50Ms Kafka acknowledgement latency, send() to callback
 * @param sendLagP99Ms how late events were sent against their intended time (coordinated omission)
 * @param lastError the last Kafka error seen in the interval, or null
 * @param ackLatencyMicros the interval's acknowledgement latencies in microseconds, or null: what the
 *     coordinator merges into the cluster's percentiles (the p50/p99/max fields stay for scripts). Not to
 *     be modified: the record holds its own copy.
 * @param sendLagMicros the interval's send lags in microseconds, or null; see {@code ackLatencyMicros}
 */
public record StatsReport(String workerId, String host, long seq, long epoch, UserRange users,
                          double targetRate, boolean producing, Counters totals, Map<String, Long> byType,
                          long intervalMillis, Counters interval, Map<String, Long> intervalByType,
                          double ackLatencyP50Ms, double ackLatencyP99Ms, double ackLatencyMaxMs,
                          double sendLagP50Ms, double sendLagP99Ms, double sendLagMaxMs, String lastError,
                          Histogram ackLatencyMicros, Histogram sendLagMicros) {
  public static final String TYPE = "stats";

  public StatsReport {
    byType = Map.copyOf(byType);
    intervalByType = Map.copyOf(intervalByType);
    ackLatencyMicros = ackLatencyMicros == null ? null : ackLatencyMicros.copy();
    sendLagMicros = sendLagMicros == null ? null : sendLagMicros.copy();
  }

  /** A report without histograms: the coordinator then counts its percentiles as they are (worst case). */
  public StatsReport(String workerId, String host, long seq, long epoch, UserRange users,
                     double targetRate, boolean producing, Counters totals, Map<String, Long> byType,
                     long intervalMillis, Counters interval, Map<String, Long> intervalByType,
                     double ackLatencyP50Ms, double ackLatencyP99Ms, double ackLatencyMaxMs,
                     double sendLagP50Ms, double sendLagP99Ms, double sendLagMaxMs, String lastError) {
    this(workerId, host, seq, epoch, users, targetRate, producing, totals, byType, intervalMillis, interval,
        intervalByType, ackLatencyP50Ms, ackLatencyP99Ms, ackLatencyMaxMs, sendLagP50Ms, sendLagP99Ms, sendLagMaxMs,
        lastError, null, null);
  }

  /** Acknowledged events per second over the interval: the honest measured rate. */
  public double ackedRate() {
    return intervalMillis <= 0 ? 0 : interval.acked() * 1000.0 / intervalMillis;
  }

  public double generatedRate() {
    return intervalMillis <= 0 ? 0 : interval.generated() * 1000.0 / intervalMillis;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("v", Protocol.VERSION).put("type", TYPE)
        .put("workerId", workerId).put("host", host).put("seq", seq).put("epoch", epoch)
        .put("users", users.toJson()).put("targetRate", targetRate).put("producing", producing)
        .put("totals", totals.toJson()).put("byType", new JsonObject(new LinkedHashMap<>(byType)))
        .put("intervalMillis", intervalMillis).put("interval", interval.toJson())
        .put("intervalByType", new JsonObject(new LinkedHashMap<>(intervalByType)))
        .put("ackLatencyP50Ms", ackLatencyP50Ms).put("ackLatencyP99Ms", ackLatencyP99Ms)
        .put("ackLatencyMaxMs", ackLatencyMaxMs).put("sendLagP50Ms", sendLagP50Ms)
        .put("sendLagP99Ms", sendLagP99Ms).put("sendLagMaxMs", sendLagMaxMs);
    if (ackLatencyMicros != null) {
      json.put("ackLatencyHistogram", HistogramCodec.encode(ackLatencyMicros));
    }
    if (sendLagMicros != null) {
      json.put("sendLagHistogram", HistogramCodec.encode(sendLagMicros));
    }
    if (lastError != null) {
      // Cut here, so that a long exception message does not get the whole report refused by the reader.
      json.put("lastError", lastError.length() > Protocol.MAX_STRING_LENGTH
          ? lastError.substring(0, Protocol.MAX_STRING_LENGTH - 3) + "..." : lastError);
    }
    return json;
  }

  public static StatsReport fromJson(Object body) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    Object error = json.getValue("lastError");
    if (error != null && !(error instanceof String)) {
      throw new MessageFormatException("field 'lastError' must be a string, got " + error);
    }
    if (error != null && !((String) error).isEmpty()) {
      Fields.string(json, "lastError");
    }
    return new StatsReport(Fields.workerId(json, "workerId"), Fields.string(json, "host"),
        Fields.integerIn(json, "seq", 0, Long.MAX_VALUE), Fields.epoch(json, "epoch"),
        UserRange.fromJson(Fields.object(json, "users")),
        Fields.numberIn(json, "targetRate", 0, Protocol.MAX_EVENTS_PER_SECOND),
        Fields.bool(json, "producing"), Counters.fromJson(Fields.object(json, "totals")),
        counts(Fields.object(json, "byType")), Fields.integerIn(json, "intervalMillis", 0, Long.MAX_VALUE),
        Counters.fromJson(Fields.object(json, "interval")), counts(Fields.object(json, "intervalByType")),
        millis(json, "ackLatencyP50Ms"), millis(json, "ackLatencyP99Ms"), millis(json, "ackLatencyMaxMs"),
        millis(json, "sendLagP50Ms"), millis(json, "sendLagP99Ms"), millis(json, "sendLagMaxMs"), (String) error,
        HistogramCodec.optional(json, "ackLatencyHistogram"), HistogramCodec.optional(json, "sendLagHistogram"));
  }

  private static double millis(JsonObject json, String field) {
    return Fields.numberIn(json, field, 0, Double.MAX_VALUE);
  }

  /** Event types are a handful: more keys than that is not a report of this protocol. */
  private static final int MAX_TYPES = 32;

  private static Map<String, Long> counts(JsonObject json) {
    if (json.size() > MAX_TYPES) {
      throw new MessageFormatException("stats: at most " + MAX_TYPES + " event types, got " + json.size());
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (String key : json.fieldNames()) {
      out.put(key, Fields.integer(json, key));
    }
    return out;
  }
}
