package io.clickstream.coordinator.stats;

import io.clickstream.protocol.Counters;
import io.clickstream.protocol.StatsReport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the workers' reports. Totals add up the latest report of every worker that ever reported,
 * including lost ones, so nothing a lost worker produced disappears from the totals. Rates use only
 * reports fresher than {@code staleAfterMillis}; latency percentiles merge their histograms. Keeps one point per second for the last
 * {@code historySeconds}. Pure: the caller passes the time; owned by one event loop.
 */
public final class ClusterStats {
  private final long staleAfterMillis;
  private final int historySeconds;
  private final Map<String, Received> latest = new LinkedHashMap<>();
  private final Deque<HistoryPoint> history = new ArrayDeque<>();

  private record Received(StatsReport report, long receivedMillis) {
  }

  /** One second of the cluster: target and measured (acknowledged) rate, and each worker's rate. */
  public record HistoryPoint(long timeMillis, double targetRate, double measuredRate, Map<String, Double> workerRates) {
  }

  public ClusterStats(long staleAfterMillis, int historySeconds) {
    this.staleAfterMillis = staleAfterMillis;
    this.historySeconds = historySeconds;
  }

  /** Returns false for a report older than or equal to the one held (reordered or duplicated). */
  public boolean accept(StatsReport report, long nowMillis) {
    Received held = latest.get(report.workerId());
    // Worker ids are unique per process and seq grows by one per report: anything else is stale.
    if (held != null && report.seq() <= held.report.seq()) {
      return false;
    }
    latest.put(report.workerId(), new Received(report, nowMillis));
    return true;
  }

  public StatsReport latest(String workerId) {
    Received r = latest.get(workerId);
    return r == null ? null : r.report;
  }

  public boolean isFresh(String workerId, long nowMillis) {
    Received r = latest.get(workerId);
    return r != null && nowMillis - r.receivedMillis <= staleAfterMillis;
  }

  /** Sum of every worker's latest cumulative counters, lost workers included. */
  public Counters totals() {
    Counters sum = Counters.ZERO;
    for (Received r : latest.values()) {
      sum = sum.plus(r.report.totals());
    }
    return sum;
  }

  public Map<String, Long> byType() {
    Map<String, Long> sum = new LinkedHashMap<>();
    for (Received r : latest.values()) {
      r.report.byType().forEach((k, v) -> sum.merge(k, v, Long::sum));
    }
    return sum;
  }

  /** Event types per second over the last interval, fresh reports only. */
  public Map<String, Double> typeRates(long nowMillis) {
    Map<String, Double> sum = new LinkedHashMap<>();
    for (Received r : latest.values()) {
      if (nowMillis - r.receivedMillis <= staleAfterMillis && r.report.intervalMillis() > 0) {
        double perSecond = 1000.0 / r.report.intervalMillis();
        r.report.intervalByType().forEach((k, v) -> sum.merge(k, v * perSecond, Double::sum));
      }
    }
    return sum;
  }

  /** Acknowledged events per second, summed over fresh reports. */
  public double measuredRate(long nowMillis) {
    double sum = 0;
    for (Received r : latest.values()) {
      if (nowMillis - r.receivedMillis <= staleAfterMillis) {
        sum += r.report.ackedRate();
      }
    }
    return sum;
  }

  public double lateRate(long nowMillis) {
    double sum = 0;
    for (Received r : latest.values()) {
      if (nowMillis - r.receivedMillis <= staleAfterMillis && r.report.intervalMillis() > 0) {
        sum += r.report.interval().late() * 1000.0 / r.report.intervalMillis();
      }
    }
    return sum;
  }

  /**
   * The cluster's latencies over the last interval of every fresh report. Percentiles come from the sum
   * of the workers' histograms, as OMB's PeriodStats merges them: the worst worker's p99 overstates a
   * cluster where one worker of ten is slow. A report without histograms counts with its own percentiles
   * (worst case). The maxima are the workers' maxima, which include a send() blocked right now.
   */
  public Latencies latencies(long nowMillis) {
    LatencyMerge ack = new LatencyMerge();
    LatencyMerge lag = new LatencyMerge();
    for (Received r : latest.values()) {
      if (nowMillis - r.receivedMillis <= staleAfterMillis) {
        StatsReport s = r.report;
        ack.add(s.ackLatencyMicros(), s.ackLatencyP50Ms(), s.ackLatencyP99Ms(), s.ackLatencyMaxMs());
        lag.add(s.sendLagMicros(), s.sendLagP50Ms(), s.sendLagP99Ms(), s.sendLagMaxMs());
      }
    }
    return new Latencies(ack.p50Ms(), ack.p99Ms(), lag.p99Ms(), lag.maxMs());
  }

  public record Latencies(double ackP50Ms, double ackP99Ms, double sendLagP99Ms, double sendLagMaxMs) {
  }

  /** Errors reported by fresh reports, by worker. */
  public Map<String, String> recentErrors(long nowMillis) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Received r : latest.values()) {
      if (nowMillis - r.receivedMillis <= staleAfterMillis && r.report.lastError() != null) {
        out.put(r.report.workerId(), r.report.lastError());
      }
    }
    return out;
  }

  /** Appends this second's point and drops what is older than the history window. */
  public HistoryPoint record(long nowMillis, double targetRate, Collection<String> liveWorkers) {
    Map<String, Double> rates = new LinkedHashMap<>();
    for (String id : liveWorkers) {
      Received r = latest.get(id);
      rates.put(id, r != null && nowMillis - r.receivedMillis <= staleAfterMillis ? r.report.ackedRate() : 0.0);
    }
    HistoryPoint point = new HistoryPoint(nowMillis, targetRate, measuredRate(nowMillis), rates);
    history.addLast(point);
    while (history.size() > historySeconds) {
      history.removeFirst();
    }
    return point;
  }

  public List<HistoryPoint> history() {
    return new ArrayList<>(history);
  }
}
