package io.clickstream.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;

/**
 * A worker's share of the ground truth since its previous report: the event-time windows that became
 * final at the worker, the sessions it closed, the sessions it opened for users it took over, and a
 * watermark candidate per partition. Sent request/reply in {@code seq} order, one at a time, and
 * re-sent until acknowledged, so nothing is lost while the coordinator is briefly away; the coordinator
 * drops a seq it has already merged.
 *
 * @param incarnation one worker process: a worker restarted under the same id starts again at seq 1
 * @param completeBefore every window ending at or before this (event-time ms) has been reported:
 *     nothing the worker still holds or will generate falls before it; Long.MAX_VALUE in the last report
 * @param sessionClock the worker's event clock when the report was cut: every session it opened before
 *     this has been reported, in a start notice or closed; Long.MAX_VALUE in the last report
 * @param sessionGapMillis the inactivity gap that closes a session (the worker's session timeout)
 * @param heldUntil the latest due time (event clock) of the late events it still holds, Long.MIN_VALUE
 *     when none: if the worker is lost, it may still send them until then (a freeze, not a death)
 * @param last the worker is stopping: it will generate nothing more
 */
public record TruthReport(String workerId, String incarnation, long seq, long epoch, long completeBefore, long sessionClock,
                          long sessionGapMillis, long heldUntil, boolean last, List<WindowPart> windows, List<SessionPart> sessions,
                          List<SessionStart> starts, List<PartitionMark> partitions) {
  public static final String TYPE = "truth";
  /** Event times (window bounds) run from 1970 to the end of year 9999, as START_TIME and END_TIME do. */
  public static final long MAX_EVENT_TIME = java.time.Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
  /** Window bounds: the last window of year 9999 may end up to one window (TRUTH_WINDOW_SECONDS, a day) later. */
  static final long MAX_WINDOW_TIME = MAX_EVENT_TIME + 86_400_000L;
  /** TRUTH_LATENESS_SECONDS holds at most this many values, each at most a week. */
  public static final int MAX_LATENESSES = 32;
  public static final long MAX_LATENESS_SECONDS = 604_800;
  /** TOPIC_PARTITIONS' maximum. */
  public static final int MAX_PARTITIONS = 10_000;
  /** Per report: far above what a worker sends in a second, even on a fast virtual clock. */
  static final int MAX_WINDOWS = 100_000;
  static final int MAX_SESSIONS = 10_000_000;

  public TruthReport {
    windows = List.copyOf(windows);
    sessions = List.copyOf(sessions);
    starts = List.copyOf(starts);
    partitions = List.copyOf(partitions);
  }

  /**
   * What one worker sent for one tumbling window, by event time.
   *
   * @param byType event counts in {@code EventType} order: VIEW, ADD_TO_CART, REMOVE_FROM_CART,
   *     CHECKOUT, PURCHASE
   * @param users the users who acted in the window (bit i = user i), so parts merge into exact distinct
   *     counts even when a user moved between workers inside the window
   * @param arrivingAfter for each allowed lateness L (same order as {@code latenessSeconds}), how many
   *     events were sent (processing_time) more than L after the window's end
   * @param firstEpoch the assignment epochs under which these events were sent
   */
  public record WindowPart(long start, long end, long[] byType, long revenueCents, BitSet users,
                           long[] latenessSeconds, long[] arrivingAfter, long firstEpoch, long lastEpoch) {
    JsonObject toJson() {
      int from = Math.max(0, users.nextSetBit(0));
      return new JsonObject().put("start", start).put("end", end).put("byType", longs(byType))
          .put("revenueCents", revenueCents).put("usersFrom", from)
          .put("users", Base64.getEncoder().encodeToString(users.get(from, Math.max(from, users.length())).toByteArray()))
          .put("latenessSeconds", longs(latenessSeconds)).put("arrivingAfter", longs(arrivingAfter))
          .put("firstEpoch", firstEpoch).put("lastEpoch", lastEpoch);
    }

    static WindowPart fromJson(JsonObject json, int population) {
      long[] lateness = longs(json, "latenessSeconds", MAX_LATENESSES, 0, MAX_LATENESS_SECONDS);
      long[] after = longs(json, "arrivingAfter", MAX_LATENESSES, 0, Long.MAX_VALUE);
      long[] byType = longs(json, "byType", 5, 0, Long.MAX_VALUE);
      if (lateness.length != after.length) {
        throw new MessageFormatException("truth window: latenessSeconds and arrivingAfter differ in length");
      }
      if (byType.length != 5) {
        throw new MessageFormatException("truth window: byType must have 5 counts, got " + byType.length);
      }
      int from = (int) Fields.integerIn(json, "usersFrom", 0, population);
      BitSet relative = new BitSet();
      // "" is a window without users. The longest a population allows is its users' bits in base64: the
      // general string limit (1 KB) would refuse a window whose users span more than about 6,000.
      if (!"".equals(json.getValue("users"))) {
        int maxBytes = population / 8 + 1;
        String encoded = Fields.string(json, "users", 4 * ((maxBytes + 2) / 3));
        try {
          relative = BitSet.valueOf(Base64.getDecoder().decode(encoded));
        } catch (IllegalArgumentException e) {
          throw new MessageFormatException("truth window: field 'users' is not base64: " + e.getMessage());
        }
      }
      // Checked before the shift: a BitSet allocates up to its highest bit, so usersFrom near
      // Integer.MAX_VALUE would cost 256 MB for one set bit.
      if (!relative.isEmpty() && (long) from + relative.length() - 1 > population) {
        throw new MessageFormatException("truth window: users from " + from + " reach user "
            + ((long) from + relative.length() - 1) + ", above the population of " + population);
      }
      BitSet users = new BitSet();
      relative.stream().forEach(i -> users.set(from + i));
      long start = Fields.integerIn(json, "start", 0, MAX_WINDOW_TIME);
      long end = Fields.integerIn(json, "end", 0, MAX_WINDOW_TIME);
      if (end <= start) {
        throw new MessageFormatException("truth window: end " + end + " is not after start " + start);
      }
      return new WindowPart(start, end, byType, Fields.integerIn(json, "revenueCents", 0, Long.MAX_VALUE), users,
          lateness, after, Fields.epoch(json, "firstEpoch"), Fields.epoch(json, "lastEpoch"));
    }
  }

  /**
   * A session as a session window with the inactivity gap would see it, or the part of one that this
   * worker saw.
   *
   * @param continues the first session of a user this worker took over: it may continue the previous
   *     owner's last one
   * @param handover cut because the user left this worker (rebalance or stop), not by the gap: the next
   *     owner may continue it
   */
  public record SessionPart(int user, long start, long end, long events, boolean purchased, boolean continues,
                            boolean handover) {
    JsonArray toJson() {
      return new JsonArray().add(user).add(start).add(end).add(events).add(purchased ? 1 : 0).add(continues ? 1 : 0)
          .add(handover ? 1 : 0);
    }

    static SessionPart fromJson(Object value, int population) {
      long[] f = numbers(value, 7, "truth session");
      checkUser(f[0], population, "truth session");
      return new SessionPart((int) f[0], f[1], f[2], f[3], f[4] != 0, f[5] != 0, f[6] != 0);
    }
  }

  /** A session opened on a user this worker took over, still open: its predecessor must wait for it. */
  public record SessionStart(int user, long start) {
    JsonArray toJson() {
      return new JsonArray().add(user).add(start);
    }

    static SessionStart fromJson(Object value, int population) {
      long[] f = numbers(value, 2, "truth session start");
      checkUser(f[0], population, "truth session start");
      return new SessionStart((int) f[0], f[1]);
    }
  }

  /**
   * This worker's bound on one partition: it will send no event to it with event_time below
   * {@code watermark} (its held-back late events and its clock, counted only once every earlier send
   * to the partition was acknowledged); {@code lastSent} is the event clock of its last send there, or
   * Long.MIN_VALUE.
   */
  public record PartitionMark(int partition, long maxEventTime, long watermark, long lastSent) {
    JsonArray toJson() {
      return new JsonArray().add(partition).add(maxEventTime).add(watermark).add(lastSent);
    }

    static PartitionMark fromJson(Object value) {
      long[] f = numbers(value, 4, "truth partition mark");
      if (f[0] < 0 || f[0] >= MAX_PARTITIONS) {
        throw new MessageFormatException("truth partition mark: partition must be from 0 to " + (MAX_PARTITIONS - 1)
            + ", got " + f[0]);
      }
      return new PartitionMark((int) f[0], f[1], f[2], f[3]);
    }
  }

  public JsonObject toJson() {
    JsonArray w = new JsonArray();
    windows.forEach(p -> w.add(p.toJson()));
    JsonArray s = new JsonArray();
    sessions.forEach(p -> s.add(p.toJson()));
    JsonArray st = new JsonArray();
    starts.forEach(p -> st.add(p.toJson()));
    JsonArray pm = new JsonArray();
    partitions.forEach(p -> pm.add(p.toJson()));
    return new JsonObject().put("v", Protocol.VERSION).put("type", TYPE).put("workerId", workerId)
        .put("incarnation", incarnation).put("seq", seq)
        .put("epoch", epoch).put("completeBefore", completeBefore).put("sessionClock", sessionClock)
        .put("sessionGapMillis", sessionGapMillis).put("heldUntil", heldUntil).put("last", last)
        .put("windows", w).put("sessions", s).put("starts", st).put("partitions", pm);
  }

  /** Reads a report with the largest population allowed; the coordinator passes its own. */
  public static TruthReport fromJson(Object body) {
    return fromJson(body, Protocol.MAX_USERS);
  }

  /**
   * Reads a report whose users all lie in 1..population: nothing is allocated by a size or an offset
   * that was not checked against it first.
   */
  public static TruthReport fromJson(Object body, int population) {
    JsonObject json = Fields.checkVersion(body, TYPE);
    String workerId = Fields.workerId(json, "workerId");
    List<WindowPart> windows = new ArrayList<>();
    array(json, "windows", MAX_WINDOWS).forEach(v -> {
      if (!(v instanceof JsonObject o)) {
        throw new MessageFormatException("truth: every entry of 'windows' must be an object, got " + v);
      }
      windows.add(WindowPart.fromJson(o, population));
    });
    List<SessionPart> sessions = new ArrayList<>();
    array(json, "sessions", MAX_SESSIONS).forEach(v -> sessions.add(SessionPart.fromJson(v, population)));
    List<SessionStart> starts = new ArrayList<>();
    array(json, "starts", MAX_SESSIONS).forEach(v -> starts.add(SessionStart.fromJson(v, population)));
    List<PartitionMark> partitions = new ArrayList<>();
    array(json, "partitions", MAX_PARTITIONS).forEach(v -> partitions.add(PartitionMark.fromJson(v)));
    return new TruthReport(workerId, Fields.string(json, "incarnation"),
        Fields.integerIn(json, "seq", 1, Long.MAX_VALUE), Fields.epoch(json, "epoch"),
        Fields.integer(json, "completeBefore"), Fields.integer(json, "sessionClock"),
        Fields.integerIn(json, "sessionGapMillis", 1, MAX_LATENESS_SECONDS * 1000), Fields.integer(json, "heldUntil"),
        Fields.bool(json, "last"), windows, sessions, starts, partitions);
  }

  private static void checkUser(long user, int population, String what) {
    if (user < 1 || user > population) {
      throw new MessageFormatException(what + ": user must be from 1 to " + population + ", got " + user);
    }
  }

  private static JsonArray array(JsonObject json, String field, int maxLength) {
    Object v = json.getValue(field);
    if (!(v instanceof JsonArray a)) {
      throw new MessageFormatException("field '" + field + "' must be a JSON array, got " + v);
    }
    if (a.size() > maxLength) {
      throw new MessageFormatException("field '" + field + "' must hold at most " + maxLength + " entries, got "
          + a.size());
    }
    return a;
  }

  private static JsonArray longs(long[] values) {
    JsonArray a = new JsonArray();
    for (long v : values) {
      a.add(v);
    }
    return a;
  }

  private static long[] longs(JsonObject json, String field, int maxLength, long min, long max) {
    long[] values = integers(array(json, field, maxLength), bad -> "field '" + field + "' must hold integers, got " + bad);
    for (long v : values) {
      if (v < min || v > max) {
        throw new MessageFormatException("field '" + field + "' must hold integers from " + min + " to " + max
            + ", got " + v);
      }
    }
    return values;
  }

  private static long[] numbers(Object value, int count, String what) {
    String problem = what + " must be an array of " + count + " integers, got " + value;
    if (!(value instanceof JsonArray a) || a.size() != count) {
      throw new MessageFormatException(problem);
    }
    return integers(a, bad -> problem);
  }

  /** The array's values as longs; the first value that is not an integer is refused with {@code problem}. */
  private static long[] integers(JsonArray a, java.util.function.Function<Object, String> problem) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      // Integer or Long only: a BigInteger beyond long would be truncated silently by longValue().
      if (!(a.getValue(i) instanceof Integer || a.getValue(i) instanceof Long) || !(a.getValue(i) instanceof Number n)) {
        throw new MessageFormatException(problem.apply(a.getValue(i)));
      }
      out[i] = n.longValue();
    }
    return out;
  }
}
