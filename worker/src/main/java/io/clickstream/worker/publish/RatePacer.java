package io.clickstream.worker.publish;

/**
 * Decides how many events are due at a given instant for a target rate, on a uniform schedule: event k
 * (from the anchor) is intended at {@code anchor + k / rate}. Because the count is derived from elapsed
 * time, not accumulated per tick, pacing does not drift however the caller's loop jitters.
 *
 * <p>If the caller falls more than {@code maxBacklog} behind (a stalled broker, a long GC), the
 * backlog is dropped instead of sent in a burst: the slots are counted as {@link #skipped()}, never as
 * events. The intended time of each event is kept, so send lag is measured honestly (no coordinated
 * omission). Pure and single-threaded: the time is passed in.
 */
public final class RatePacer {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final double maxBacklogSeconds;
  private double ratePerSecond;
  private long anchorNanos;
  /** Events taken since the anchor. */
  private long taken;
  private long skipped;

  public RatePacer(double maxBacklogSeconds) {
    this.maxBacklogSeconds = maxBacklogSeconds;
  }

  public double rate() {
    return ratePerSecond;
  }

  /** Changes the rate from {@code now} on; what was due before is kept due. */
  public void setRate(double eventsPerSecond, long now) {
    if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
      throw new IllegalArgumentException("rate must be a finite number >= 0, got " + eventsPerSecond);
    }
    double due = ratePerSecond > 0 ? Math.max(0, (now - anchorNanos) * ratePerSecond / NANOS_PER_SECOND - taken) : 0;
    long backlog = (long) due;
    // The part of the next event already elapsed carries over too: dropping it at each change loses up to one
    // event per change, which a shape changing the rate twice a second turns into a measurable undercount.
    double progress = due - backlog;
    ratePerSecond = eventsPerSecond;
    anchorNanos = eventsPerSecond > 0 ? now - (long) (progress * NANOS_PER_SECOND / eventsPerSecond) : now;
    // Carry the backlog over so a rate change does not silently drop events already due.
    taken = -Math.min(backlog, maxBacklog());
  }

  /** Takes up to {@code limit} due events and returns how many; call {@link #intendedNanos} per event before. */
  public int take(long now, int limit) {
    if (ratePerSecond <= 0) {
      return 0;
    }
    long due = dueSinceAnchor(now) - taken;
    long cap = maxBacklog();
    if (due > cap) {
      skipped += due - cap;
      taken += due - cap;
      due = cap;
    }
    int n = (int) Math.min(due, limit);
    taken += n;
    return n;
  }

  /**
   * Returns the last {@code n} events of the batch {@link #take} just returned, untaken: they stay due and
   * come back with the next take (the generator could not place them in this millisecond).
   */
  public void giveBack(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("cannot give back " + n + " events");
    }
    taken -= n;
  }

  /**
   * Intended send time of the i-th event (0-based) of the batch that {@link #take} just returned n
   * events for.
   */
  public long intendedNanos(int indexInBatch, int batchSize) {
    long k = taken - batchSize + indexInBatch + 1;
    return anchorNanos + (long) (k * NANOS_PER_SECOND / ratePerSecond);
  }

  /** When the next event falls due; Long.MAX_VALUE when the rate is 0. */
  public long nextDueNanos() {
    if (ratePerSecond <= 0) {
      return Long.MAX_VALUE;
    }
    return anchorNanos + (long) ((taken + 1) * NANOS_PER_SECOND / ratePerSecond);
  }

  /** Slots dropped because the caller fell more than the backlog limit behind. */
  public long skipped() {
    return skipped;
  }

  private long dueSinceAnchor(long now) {
    return (long) ((now - anchorNanos) * ratePerSecond / NANOS_PER_SECOND);
  }

  private long maxBacklog() {
    return Math.max(1, (long) Math.ceil(ratePerSecond * maxBacklogSeconds));
  }
}
