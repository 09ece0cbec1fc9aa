package io.clickstream.worker.publish;

/**
 * Event time on a simulated clock (CLOCK=virtual): slot k of the global event sequence happens at
 * {@code START_TIME + k / EVENTS_PER_SECOND}, whatever the wall clock, the sending pace or the number of
 * workers. With a seed this makes the stream a pure function of the configuration. Generation stops at
 * {@code END_TIME} (exclusive) when one is set.
 */
public record VirtualClock(long startMillis, long endMillis, double eventsPerSecond) {
  public VirtualClock {
    if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
      throw new IllegalArgumentException("the virtual clock needs EVENTS_PER_SECOND > 0, got " + eventsPerSecond);
    }
    if (endMillis <= startMillis) {
      throw new IllegalArgumentException("END_TIME must be after START_TIME");
    }
  }

  public long timeOf(long slot) {
    return startMillis + (long) Math.floor(slot * 1000.0 / eventsPerSecond);
  }

  public boolean hasEnd() {
    return endMillis != Long.MAX_VALUE;
  }
}
