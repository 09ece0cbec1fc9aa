package io.clickstream.coordinator.truth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.TreeMap;

/**
 * The published truth kept in memory for GET /api/truth: the latest windows by start and the latest
 * sessions, both bounded. The truth topic keeps everything; this is for a quick look and for tests.
 */
public final class TruthStore {
  private final int maxWindows;
  private final int maxSessions;
  private final TreeMap<Long, JsonObject> windows = new TreeMap<>();
  private final ArrayDeque<JsonObject> sessions = new ArrayDeque<>();
  private long windowsPublished;
  private long sessionsPublished;

  public TruthStore(int maxWindows, int maxSessions) {
    this.maxWindows = maxWindows;
    this.maxSessions = maxSessions;
  }

  public void window(JsonObject window) {
    windows.put(window.getLong("window_start"), window);
    windowsPublished++;
    while (windows.size() > maxWindows) {
      windows.pollFirstEntry();
    }
  }

  public void session(JsonObject session) {
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
  public JsonObject query(long from, long to, int sessionLimit) {
    JsonArray w = new JsonArray();
    windows.subMap(from, true, to, false).values().forEach(w::add);
    JsonArray s = new JsonArray();
    boolean truncated = false;
    for (JsonObject session : sessions) {
      long start = session.getLong("session_start");
      if (start >= from && start < to) {
        if (s.size() == sessionLimit) {
          truncated = true;
          break;
        }
        s.add(session);
      }
    }
    return new JsonObject().put("from", from).put("to", to).put("windows", w).put("sessions", s)
        .put("sessionsTruncated", truncated).put("windowsPublished", windowsPublished)
        .put("sessionsPublished", sessionsPublished);
  }
}
