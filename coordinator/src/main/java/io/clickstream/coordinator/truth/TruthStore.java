package io.clickstream.coordinator.truth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The published truth kept in memory for GET /api/truth: the latest windows by start and the latest
 * sessions, both bounded. The truth topic keeps everything; this is for a quick look and for tests. Kept
 * as the merger made them; {@link TruthJson} turns a {@link Slice} into JSON at the HTTP edge.
 */
public final class TruthStore {
  private final int maxWindows;
  private final int maxSessions;
  private final TreeMap<Long, MergedWindow> windows = new TreeMap<>();
  private final ArrayDeque<TruthMerger.Session> sessions = new ArrayDeque<>();
  private long windowsPublished;
  private long sessionsPublished;

  /**
   * What a query found.
   *
   * @param sessionsTruncated more sessions started in the range than the limit let through
   */
  public record Slice(long from, long to, List<MergedWindow> windows, List<TruthMerger.Session> sessions,
                      boolean sessionsTruncated, long windowsPublished, long sessionsPublished) {
  }

  public TruthStore(int maxWindows, int maxSessions) {
    this.maxWindows = maxWindows;
    this.maxSessions = maxSessions;
  }

  /** A final window: it is not merged into any more. */
  public void window(MergedWindow window) {
    windows.put(window.start(), window);
    windowsPublished++;
    while (windows.size() > maxWindows) {
      windows.pollFirstEntry();
    }
  }

  public void session(TruthMerger.Session session) {
    sessions.add(session);
    sessionsPublished++;
    while (sessions.size() > maxSessions) {
      sessions.poll();
    }
  }

  public long windowsPublished() {
    return windowsPublished;
  }

  public long sessionsPublished() {
    return sessionsPublished;
  }

  /** Windows starting in [from, to), and the sessions that started in it (at most {@code sessionLimit}). */
  public Slice query(long from, long to, int sessionLimit) {
    List<MergedWindow> w = List.copyOf(windows.subMap(from, true, to, false).values());
    List<TruthMerger.Session> s = new ArrayList<>();
    boolean truncated = false;
    for (TruthMerger.Session session : sessions) {
      if (session.start() >= from && session.start() < to) {
        if (s.size() == sessionLimit) {
          truncated = true;
          break;
        }
        s.add(session);
      }
    }
    return new Slice(from, to, w, List.copyOf(s), truncated, windowsPublished, sessionsPublished);
  }
}
