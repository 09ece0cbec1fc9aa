package io.clickstream.coordinator.truth;

import io.clickstream.protocol.TruthReport.SessionPart;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Joins the parts of a user's sessions that a rebalance split between workers, as a session window with
 * the same gap would see them. A part cut by a handover and the next part, which the new owner marks as
 * possibly continuing, are one session when less than the gap lies between them; a chain can span
 * several handovers. Pure and single-threaded.
 *
 * <p>Most parts (closed by the gap, not the first on a new owner) are whole and go out at once. The
 * others wait per user, ordered by start, until both ends of their chain are settled:
 * <ul>
 *   <li>the beginning, once every live worker has reported past it (a predecessor, cut before the new
 *       owner started, would have come with those reports);</li>
 *   <li>the end, once no continuation within the gap is open (the new owner's start notices say which are)
 *       and every live worker has reported past the end plus the gap.</li>
 * </ul>
 */
final class SessionJoiner {
  private final Map<Integer, TreeMap<Long, SessionPart>> pending = new HashMap<>();
  /** Start times of possibly-continuing sessions still open, per user, with the worker that has them. */
  private final Map<Integer, TreeMap<Long, String>> openContinuations = new HashMap<>();
  private long gapMillis = Long.MAX_VALUE;

  void gap(long millis) {
    gapMillis = millis;
  }

  void started(int user, long start, String workerId) {
    openContinuations.computeIfAbsent(user, u -> new TreeMap<>()).put(start, workerId);
  }

  /** A lost worker will never close the sessions it opened: forget its notices. */
  void forget(String workerId) {
    openContinuations.values().forEach(starts -> starts.values().removeIf(workerId::equals));
    openContinuations.values().removeIf(Map::isEmpty);
  }

  /** Takes a part; returns the sessions that are whole already. */
  List<TruthMerger.Session> add(SessionPart part, List<TruthMerger.Session> out) {
    if (part.continues()) {
      TreeMap<Long, String> open = openContinuations.get(part.user());
      if (open != null) {
        open.remove(part.start());
        if (open.isEmpty()) {
          openContinuations.remove(part.user());
        }
      }
    }
    if (!part.continues() && !part.handover()) {
      out.add(session(part));
    } else {
      pending.computeIfAbsent(part.user(), u -> new TreeMap<>()).put(part.start(), part);
    }
    return out;
  }

  /**
   * Publishes the chains whose both ends are settled, given the smallest event clock any live worker has
   * reported (Long.MAX_VALUE when none is live, Long.MIN_VALUE while one has not reported).
   */
  void settle(long clock, List<TruthMerger.Session> out) {
    Iterator<Map.Entry<Integer, TreeMap<Long, SessionPart>>> users = pending.entrySet().iterator();
    while (users.hasNext()) {
      Map.Entry<Integer, TreeMap<Long, SessionPart>> entry = users.next();
      TreeMap<Long, SessionPart> parts = entry.getValue();
      List<SessionPart> chain = new ArrayList<>();
      List<List<SessionPart>> chains = new ArrayList<>();
      for (SessionPart part : parts.values()) {
        if (!chain.isEmpty() && !joins(chain.get(chain.size() - 1), part)) {
          chains.add(chain);
          chain = new ArrayList<>();
        }
        chain.add(part);
      }
      chains.add(chain);
      for (List<SessionPart> c : chains) {
        if (settled(entry.getKey(), c, clock)) {
          out.add(joined(c));
          c.forEach(p -> parts.remove(p.start()));
        }
      }
      if (parts.isEmpty()) {
        users.remove();
      }
    }
  }

  int pending() {
    return pending.values().stream().mapToInt(Map::size).sum();
  }

  private boolean joins(SessionPart before, SessionPart after) {
    return before.handover() && after.continues() && after.start() - before.end() < gapMillis;
  }

  private boolean settled(int user, List<SessionPart> chain, long clock) {
    SessionPart first = chain.get(0);
    SessionPart last = chain.get(chain.size() - 1);
    boolean beginning = !first.continues() || clock >= first.start();
    if (!beginning) {
      return false;
    }
    if (!last.handover()) {
      return true;
    }
    TreeMap<Long, String> open = openContinuations.get(user);
    Long next = open == null ? null : open.ceilingKey(last.end());
    boolean continuationOpen = next != null && next - last.end() < gapMillis;
    return !continuationOpen && clock != Long.MIN_VALUE && clock - gapMillis >= last.end();
  }

  private TruthMerger.Session joined(List<SessionPart> chain) {
    SessionPart first = chain.get(0);
    long events = 0;
    boolean purchased = false;
    for (SessionPart p : chain) {
      events += p.events();
      purchased |= p.purchased();
    }
    return new TruthMerger.Session(first.user(), first.start(), chain.get(chain.size() - 1).end(), events, purchased,
        gapMillis);
  }

  private TruthMerger.Session session(SessionPart part) {
    return new TruthMerger.Session(part.user(), part.start(), part.end(), part.events(), part.purchased(), gapMillis);
  }
}
