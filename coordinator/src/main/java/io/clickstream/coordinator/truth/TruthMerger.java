package io.clickstream.coordinator.truth;

import io.clickstream.protocol.TruthReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges the workers' truth reports into final windows and whole sessions. Pure and single-threaded
 * (the coordinator's event loop); the caller says which workers are live.
 *
 * <p>A window is final once every live worker has reported that nothing it still holds or will
 * generate falls before the window's end. Parts merge by sum, except distinct users, which merge as a
 * union: a user who moved between workers inside the window counts once.
 *
 * <p>Sessions split by a rebalance are joined by a {@link SessionJoiner}.
 */
public final class TruthMerger {
  private final Map<String, WorkerProgress> workers = new HashMap<>();
  private final TreeMap<Long, MergedWindow> open = new TreeMap<>();
  /** Workers lost (not stopped): windows after what they had reported may lack their part. */
  private final Map<String, long[]> lost = new HashMap<>();
  /** A worker that reported this recently counts as live even if the registry does not know it yet. */
  private static final long RECENT_REPORT_MILLIS = 5000;
  /** A restarted coordinator publishes nothing until the workers have had time to report. */
  private static final long STARTUP_MILLIS = 3000;
  /** How long after its last report a lost worker may still have produced (lease and report period). */
  private static final long LOST_REACH_MILLIS = 10_000;
  private final long publishFrom;
  private final SessionJoiner sessions = new SessionJoiner();
  private final List<MergedWindow> finalWindows = new ArrayList<>();
  private final List<Session> finalSessions = new ArrayList<>();

  private static final class WorkerProgress {
    final String incarnation;
    long seq;
    long lastReportMillis;
    long heldUntil = Long.MIN_VALUE;
    /**
     * Windows ending at or before this may lack a part this worker reported to a previous coordinator
     * (its first report here was not its first): Long.MIN_VALUE when it has reported only here.
     */
    long missedBefore = Long.MIN_VALUE;
    long completeBefore = Long.MIN_VALUE;
    long sessionClock = Long.MIN_VALUE;
    boolean last;
    List<TruthReport.PartitionMark> marks = List.of();

    WorkerProgress(String incarnation) {
      this.incarnation = incarnation;
    }
  }

  /** For tests: no start-up delay. */
  public TruthMerger() {
    this(Long.MIN_VALUE + STARTUP_MILLIS);
  }

  /** @param startedMillis when this coordinator started: it publishes nothing in its first seconds */
  public TruthMerger(long startedMillis) {
    this.publishFrom = startedMillis + STARTUP_MILLIS;
  }

  /** A whole session, as published. */
  public record Session(int user, long start, long end, long events, boolean purchased, long gapMillis) {
  }

  /** Merges a report; false when it was already merged (a re-send) or is older than one merged. */
  public boolean accept(TruthReport report) {
    return accept(report, 0);
  }

  public boolean accept(TruthReport report, long nowMillis) {
    WorkerProgress progress = workers.get(report.workerId());
    if (progress == null || !progress.incarnation.equals(report.incarnation())) {
      // New, or restarted under the same id (its seq starts again at 1).
      progress = new WorkerProgress(report.incarnation());
      workers.put(report.workerId(), progress);
      lost.remove(report.workerId());
    }
    if (report.seq() <= progress.seq) {
      return false;
    }
    if (report.seq() > progress.seq + 1) {
      // Reports this coordinator never saw: they went to a previous coordinator (a restart), or the worker
      // dropped them (it was cut off for hours). Windows they may have completed are flagged.
      progress.missedBefore = Math.max(progress.missedBefore, report.completeBefore());
    }
    progress.lastReportMillis = nowMillis;
    progress.heldUntil = report.heldUntil();
    progress.seq = report.seq();
    progress.completeBefore = Math.max(progress.completeBefore, report.completeBefore());
    progress.sessionClock = Math.max(progress.sessionClock, report.sessionClock());
    progress.last |= report.last();
    progress.marks = report.partitions();
    sessions.gap(report.sessionGapMillis());
    for (TruthReport.WindowPart part : report.windows()) {
      if (!open.containsKey(part.start()) && published(part.start())) {
        // A straggler (a worker that was declared lost, then woke): the window is out already.
        continue;
      }
      open.computeIfAbsent(part.start(), s -> new MergedWindow(s, part.end())).add(report.workerId(), part);
    }
    for (TruthReport.SessionStart start : report.starts()) {
      sessions.started(start.user(), start.start(), report.workerId());
    }
    for (TruthReport.SessionPart session : report.sessions()) {
      sessions.add(session, finalSessions);
    }
    return true;
  }

  /** The worker was declared lost: stop waiting for it, and flag what it may not have reported. */
  public void lost(String workerId) {
    WorkerProgress progress = workers.get(workerId);
    if (progress != null && !progress.last && !lost.containsKey(workerId)) {
      // Windows after what it reported and before it surely stopped producing may lack its part.
      long reach = progress.sessionClock == Long.MIN_VALUE ? progress.completeBefore
          : progress.sessionClock + LOST_REACH_MILLIS;
      lost.put(workerId, new long[] {progress.completeBefore, reach});
      // The sessions it had opened on users it took over will never close: nothing may wait for them.
      sessions.forget(workerId);
    }
  }

  /**
   * Moves what became final to the output lists, given the workers live now; returns whether anything
   * did. A live worker that has not reported yet holds everything back: it may have sent events already.
   */
  public boolean settle(Set<String> liveWorkers) {
    return settle(liveWorkers, 0);
  }

  public boolean settle(Set<String> liveWorkers, long nowMillis) {
    if (nowMillis < publishFrom) {
      return false;
    }
    Set<String> live = new java.util.HashSet<>(liveWorkers);
    workers.forEach((id, p) -> {
      // Reporting but not (yet) registered here, as after a coordinator restart: it may hold back a window.
      if (!p.last && !lost.containsKey(id) && nowMillis - p.lastReportMillis < RECENT_REPORT_MILLIS) {
        live.add(id);
      }
    });
    long completeBefore = Long.MAX_VALUE;
    long sessionClock = Long.MAX_VALUE;
    for (String id : live) {
      WorkerProgress p = workers.get(id);
      if (p == null) {
        completeBefore = Long.MIN_VALUE;
        sessionClock = Long.MIN_VALUE;
      } else if (!p.last) {
        completeBefore = Math.min(completeBefore, p.completeBefore);
        sessionClock = Math.min(sessionClock, p.sessionClock);
      }
    }
    int before = finalWindows.size() + finalSessions.size();
    while (!open.isEmpty() && open.firstEntry().getValue().end() <= completeBefore) {
      MergedWindow w = open.pollFirstEntry().getValue();
      for (long[] bounds : lost.values()) {
        if (w.end() > bounds[0] && w.start() < bounds[1]) {
          w.incomplete();
        }
      }
      for (WorkerProgress p : workers.values()) {
        if (w.end() <= p.missedBefore) {
          w.incomplete();
        }
      }
      finalWindows.add(w);
      lastPublishedStart = Math.max(lastPublishedStart, w.start());
    }
    sessions.settle(sessionClock, finalSessions);
    return finalWindows.size() + finalSessions.size() > before;
  }

  private long lastPublishedStart = Long.MIN_VALUE;

  private boolean published(long start) {
    return start <= lastPublishedStart;
  }

  public List<MergedWindow> takeWindows() {
    List<MergedWindow> out = List.copyOf(finalWindows);
    finalWindows.clear();
    return out;
  }

  public List<Session> takeSessions() {
    List<Session> out = List.copyOf(finalSessions);
    finalSessions.clear();
    return out;
  }

  /** Each worker's latest partition bounds, for the watermarks. */
  public Map<String, List<TruthReport.PartitionMark>> marks() {
    Map<String, List<TruthReport.PartitionMark>> out = new HashMap<>();
    workers.forEach((id, p) -> out.put(id, p.marks));
    return out;
  }

  /**
   * Workers not live that may still send held-back late events: lost (perhaps frozen, not dead) before
   * their held events fell due by the live workers' clock. Their last bounds stay in the watermark.
   */
  public Set<String> stillHolding(Set<String> liveWorkers) {
    long clock = Long.MAX_VALUE;
    for (String id : liveWorkers) {
      clock = Math.min(clock, clockOf(id));
    }
    Set<String> holding = new java.util.HashSet<>();
    for (Map.Entry<String, WorkerProgress> e : workers.entrySet()) {
      WorkerProgress p = e.getValue();
      if (!liveWorkers.contains(e.getKey()) && !p.last && p.heldUntil != Long.MIN_VALUE && p.heldUntil >= clock) {
        holding.add(e.getKey());
      }
    }
    return holding;
  }

  /** The event clock a worker last reported, Long.MIN_VALUE when none. */
  public long clockOf(String workerId) {
    WorkerProgress p = workers.get(workerId);
    return p == null ? Long.MIN_VALUE : p.sessionClock;
  }

  public int pendingSessions() {
    return sessions.pending();
  }
}
