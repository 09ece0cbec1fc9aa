package io.clickstream.worker.truth;

import io.clickstream.protocol.TruthReport;
import io.clickstream.protocol.UserRange;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.EventType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The ground truth of what this worker sent, kept beside the generator: tumbling event-time windows
 * (counts by type, distinct users, purchase revenue, and how many events arrived more than L after the
 * window's end for each allowed lateness L) and sessions as a session window with the inactivity gap
 * would find them. Pure and owned by the generator thread; the time is passed in.
 *
 * <p>Windows are counted when an event is sent, because arrival (processing_time) is only known then;
 * sessions are followed when an event is generated, in each user's event-time order. A window is final
 * here once nothing this worker still holds or will generate can fall into it.
 */
public final class TruthRecorder implements TruthTap {
  private static final int TYPES = EventType.values().length;

  private final long windowMillis;
  private final long[] latenessSeconds;
  private final long gapMillis;

  private final Map<Long, Window> windows = new HashMap<>();
  private Window recent;

  /** Sessions of the users held, indexed from {@code users.from()}; count 0 means none open. */
  private UserRange users = UserRange.EMPTY;
  private long[] sessionStart = new long[0];
  private long[] sessionLast = new long[0];
  private long[] sessionEvents = new long[0];
  private boolean[] sessionPurchased = new boolean[0];
  private boolean[] sessionContinues = new boolean[0];
  /** Taken over and not yet active here: its first session may continue the previous owner's. */
  private boolean[] takenOver = new boolean[0];
  private final List<TruthReport.SessionPart> closed = new ArrayList<>();
  private final List<TruthReport.SessionStart> starts = new ArrayList<>();

  private static final class Window {
    final long start;
    final long[] byType = new long[TYPES];
    final BitSet users = new BitSet();
    final long[] arrivingAfter;
    long revenueCents;
    long firstEpoch = Long.MAX_VALUE;
    long lastEpoch;

    Window(long start, int latenessCount) {
      this.start = start;
      this.arrivingAfter = new long[latenessCount];
    }
  }

  /**
   * @param latenessSeconds the allowed latenesses L to count arrivals after, ascending
   * @param gapMillis the session inactivity gap: a user's events less than this apart are one session
   */
  public TruthRecorder(long windowMillis, long[] latenessSeconds, long gapMillis) {
    if (windowMillis <= 0 || gapMillis <= 0) {
      throw new IllegalArgumentException("window and gap must be positive");
    }
    this.windowMillis = windowMillis;
    this.latenessSeconds = latenessSeconds.clone();
    this.gapMillis = gapMillis;
  }

  /**
   * Takes a new slice of users. A user leaving ends its open session as a handover (the next owner may
   * continue it); a user arriving is marked taken over, so its first session here says it may continue.
   */
  @Override
  public void assign(UserRange next) {
    int size = next.size();
    long[] start = new long[size];
    long[] last = new long[size];
    long[] events = new long[size];
    boolean[] purchased = new boolean[size];
    boolean[] continues = new boolean[size];
    boolean[] taken = new boolean[size];
    for (int i = 0; i < users.size(); i++) {
      int user = users.from() + i;
      if (!next.contains(user) && sessionEvents[i] > 0) {
        closeSession(i, true);
      }
    }
    for (int i = 0; i < size; i++) {
      int user = next.from() + i;
      if (users.contains(user)) {
        int old = user - users.from();
        start[i] = sessionStart[old];
        last[i] = sessionLast[old];
        events[i] = sessionEvents[old];
        purchased[i] = sessionPurchased[old];
        continues[i] = sessionContinues[old];
        taken[i] = takenOver[old];
      } else {
        taken[i] = true;
      }
    }
    users = next;
    sessionStart = start;
    sessionLast = last;
    sessionEvents = events;
    sessionPurchased = purchased;
    sessionContinues = continues;
    takenOver = taken;
  }

  /** Follows the user's session; events of one user come here in event-time order. */
  @Override
  public void generated(ClickEvent e) {
    int i = e.user - users.from();
    if (i < 0 || i >= users.size()) {
      throw new IllegalStateException("user " + e.user + " is not held (" + users + ")");
    }
    if (sessionEvents[i] > 0 && e.eventTime - sessionLast[i] >= gapMillis) {
      closeSession(i, false);
    }
    if (sessionEvents[i] == 0) {
      sessionStart[i] = e.eventTime;
      sessionPurchased[i] = false;
      sessionContinues[i] = takenOver[i];
      if (takenOver[i]) {
        starts.add(new TruthReport.SessionStart(e.user, e.eventTime));
        takenOver[i] = false;
      }
    }
    sessionEvents[i]++;
    sessionLast[i] = e.eventTime;
    if (e.type == EventType.PURCHASE) {
      sessionPurchased[i] = true;
    }
  }

  /** Counts an event into its window as it is sent at {@code processingTime}. */
  @Override
  public void sent(ClickEvent e, long processingTime, long epoch) {
    long start = Math.floorDiv(e.eventTime, windowMillis) * windowMillis;
    Window w = recent;
    if (w == null || w.start != start) {
      w = windows.computeIfAbsent(start, s -> new Window(s, latenessSeconds.length));
      recent = w;
    }
    w.byType[e.type.ordinal()]++;
    w.users.set(e.user);
    if (e.type == EventType.PURCHASE) {
      w.revenueCents += e.priceCents;
    }
    long lateBy = processingTime - (start + windowMillis);
    for (int k = 0; k < latenessSeconds.length && lateBy > latenessSeconds[k] * 1000; k++) {
      w.arrivingAfter[k]++;
    }
    w.firstEpoch = Math.min(w.firstEpoch, epoch);
    w.lastEpoch = Math.max(w.lastEpoch, epoch);
  }

  /** What a cut hands over: final windows, closed sessions and start notices since the previous cut. */
  public record Cut(List<TruthReport.WindowPart> windows, List<TruthReport.SessionPart> sessions,
                    List<TruthReport.SessionStart> starts) {
  }

  /**
   * Closes the sessions whose gap has passed at {@code clock} and hands over every window that ends at
   * or before {@code completeBefore}: the earliest event time this worker may still send.
   */
  @Override
  public Cut cut(long clock, long completeBefore) {
    for (int i = 0; i < users.size(); i++) {
      if (sessionEvents[i] > 0 && clock - sessionLast[i] >= gapMillis) {
        closeSession(i, false);
      }
    }
    return take(completeBefore);
  }

  /** The worker stops: every window is final, and every open session is handed over to whoever comes next. */
  @Override
  public Cut finish() {
    for (int i = 0; i < users.size(); i++) {
      if (sessionEvents[i] > 0) {
        closeSession(i, true);
      }
    }
    return take(Long.MAX_VALUE);
  }

  private Cut take(long completeBefore) {
    List<TruthReport.WindowPart> parts = new ArrayList<>();
    Iterator<Window> it = windows.values().iterator();
    while (it.hasNext()) {
      Window w = it.next();
      long end = w.start + windowMillis;
      if (end <= completeBefore) {
        parts.add(new TruthReport.WindowPart(w.start, end, w.byType, w.revenueCents, w.users, latenessSeconds,
            w.arrivingAfter, w.firstEpoch, w.lastEpoch));
        it.remove();
        if (w == recent) {
          recent = null;
        }
      }
    }
    parts.sort((a, b) -> Long.compare(a.start(), b.start()));
    Cut cut = new Cut(parts, List.copyOf(closed), List.copyOf(starts));
    closed.clear();
    starts.clear();
    return cut;
  }

  private void closeSession(int i, boolean handover) {
    closed.add(new TruthReport.SessionPart(users.from() + i, sessionStart[i], sessionLast[i], sessionEvents[i],
        sessionPurchased[i], sessionContinues[i], handover));
    sessionEvents[i] = 0;
  }
}
