package io.clickstream.worker.cluster;

import io.clickstream.protocol.UserRange;

/**
 * What the generator holds right now: the epoch and users of its assignment, the rate, and whether it
 * is allowed to produce, and the size of the whole population (0 when not known). Immutable snapshot, published by the generator thread.
 */
public record Holding(long epoch, UserRange users, double eventsPerSecond, boolean paused, int population) {
  public static final Holding NOTHING = new Holding(0, UserRange.EMPTY, 0, false, 0);
}
