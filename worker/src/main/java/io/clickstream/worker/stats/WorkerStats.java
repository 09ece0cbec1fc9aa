package io.clickstream.worker.stats;

import io.clickstream.protocol.Counters;
import io.clickstream.protocol.HistogramCodec;
import io.clickstream.worker.simulation.EventType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The worker's counters and latency recorders, written by the generator thread and the Kafka I/O thread,
 * read once a second by the verticle. {@code generated = acked + failed + pending} holds by construction:
 * pending is derived, never counted.
 */
public final class WorkerStats {
  private final LongAdder generated = new LongAdder();
  private final LongAdder acked = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final LongAdder sentEarly = new LongAdder();
  private final LongAdder[] byType = new LongAdder[EventType.values().length];
  /** Kafka acknowledgement latency in microseconds. */
  private final Recorder ackLatencyMicros = new Recorder(HistogramCodec.SIGNIFICANT_DIGITS);
  /** How far behind its intended time each event was handed to the producer, in microseconds. */
  private final Recorder sendLagMicros = new Recorder(HistogramCodec.SIGNIFICANT_DIGITS);
  private volatile String lastError;
  /** Optional Prometheus histogram of the same latency; null when metrics are off. */
  private volatile io.micrometer.core.instrument.Timer ackTimer;

  private Histogram ackInterval;
  private Histogram lagInterval;
  private Counters previous = Counters.ZERO;
  private long[] previousByType = new long[EventType.values().length];
  private long previousMillis;

  public WorkerStats(long startMillis) {
    for (int i = 0; i < byType.length; i++) {
      byType[i] = new LongAdder();
    }
    previousMillis = startMillis;
  }

  public void generated(EventType type, boolean isLate) {
    generated.increment();
    byType[type.ordinal()].increment();
    if (isLate) {
      late.increment();
    }
  }

  /** A held-back late event went out before its due time: a forced stop. */
  public void sentEarly() {
    sentEarly.increment();
  }

  public void acked(long latencyNanos) {
    acked.increment();
    ackLatencyMicros.recordValue(micros(latencyNanos));
    io.micrometer.core.instrument.Timer timer = ackTimer;
    if (timer != null) {
      timer.record(latencyNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  public void exportAckLatency(io.micrometer.core.instrument.Timer timer) {
    this.ackTimer = timer;
  }

  public long count(EventType type) {
    return byType[type.ordinal()].sum();
  }

  public void failed(Throwable cause) {
    failed.increment();
    lastError = cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  public void sendLag(long lagNanos) {
    sendLagMicros.recordValue(micros(lagNanos));
  }

  /** Clamped to the range a histogram may carry on the wire, so that the coordinator accepts it. */
  private static long micros(long nanos) {
    return Math.min(HistogramCodec.MAX_RECORDED_MICROS, Math.max(0, nanos / 1000));
  }

  /** Cumulative counters. Failed and acked are read before generated so pending is never negative. */
  public Counters totals() {
    long f = failed.sum();
    long a = acked.sum();
    long l = late.sum();
    long g = generated.sum();
    return new Counters(g, a, f, g - a - f, l, sentEarly.sum());
  }

  public Map<String, Long> byType() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (EventType t : EventType.values()) {
      out.put(t.name(), byType[t.ordinal()].sum());
    }
    return out;
  }

  /** Closes the current interval: its counters and latency percentiles. Called from one thread. */
  public synchronized Interval closeInterval(long nowMillis) {
    Counters now = totals();
    Counters delta = new Counters(now.generated() - previous.generated(), now.acked() - previous.acked(),
        now.failed() - previous.failed(), now.pending(), now.late() - previous.late(),
        now.sentEarly() - previous.sentEarly());
    Map<String, Long> typeDelta = new LinkedHashMap<>();
    long[] current = new long[byType.length];
    for (EventType t : EventType.values()) {
      current[t.ordinal()] = byType[t.ordinal()].sum();
      typeDelta.put(t.name(), current[t.ordinal()] - previousByType[t.ordinal()]);
    }
    ackInterval = ackLatencyMicros.getIntervalHistogram(ackInterval);
    lagInterval = sendLagMicros.getIntervalHistogram(lagInterval);
    String error = lastError;
    lastError = null;
    Interval interval = new Interval(now, byType(), Math.max(0, nowMillis - previousMillis), delta, typeDelta,
        millis(ackInterval, 50), millis(ackInterval, 99), maxMillis(ackInterval),
        millis(lagInterval, 50), millis(lagInterval, 99), maxMillis(lagInterval), error,
        ackInterval.copy(), lagInterval.copy());
    previous = now;
    previousByType = current;
    previousMillis = nowMillis;
    return interval;
  }

  private static double millis(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static double maxMillis(Histogram h) {
    return h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0;
  }

  /**
   * One closed interval, with the cumulative totals at its end. The histograms (microseconds) are copies:
   * the recorders recycle theirs at the next close.
   */
  public record Interval(Counters totals, Map<String, Long> byType, long millis, Counters delta,
                         Map<String, Long> deltaByType, double ackP50Ms, double ackP99Ms, double ackMaxMs,
                         double lagP50Ms, double lagP99Ms, double lagMaxMs, String lastError,
                         Histogram ackMicros, Histogram lagMicros) {
  }
}
