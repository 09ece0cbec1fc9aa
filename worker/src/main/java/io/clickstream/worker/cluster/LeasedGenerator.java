package io.clickstream.worker.cluster;

import java.util.concurrent.CompletableFuture;

/**
 * What the {@link CoordinatorLink} needs of the thing that produces events: the generator thread in a
 * worker, a recording fake in the simulation. Everything that decides who may produce which user lives
 * on the link's side of this seam; the generator only obeys it.
 */
public interface LeasedGenerator {
  /** What it holds now (epoch, users, rate, pause). */
  Holding holding();

  /** This process's incarnation, told to the coordinator at registration. */
  String incarnation();

  /**
   * Takes an assignment: completes true once every user it no longer holds has stopped, false when the
   * assignment is older than what it holds. Users new to it act only after {@code notBeforeMillis}.
   */
  CompletableFuture<Boolean> apply(Holding next, long notBeforeMillis);

  /**
   * Changes the rate and pause of what it holds, moving no users (a {@link io.clickstream.protocol.RateChange}):
   * completes true once applied, false when it does not hold {@code epoch} (any more). A pause stops
   * generating and keeps delivering held-back late events, as a paused assignment does.
   *
   * <p>Default: refuses every change, for a generator that only takes assignments (the coordinator's next
   * assignment carries the rate anyway).
   */
  default CompletableFuture<Boolean> changeRate(long epoch, double eventsPerSecond, boolean paused) {
    return CompletableFuture.completedFuture(false);
  }

  /** Forgets every user (they may be someone else's now), keeping the epoch; updates {@link #latestEventAtApply}. */
  CompletableFuture<Void> release();

  /** Allows production until this monotonic time (the lease). */
  void leaseUntil(long expiryNanos);

  /** Stops production at once. */
  void revokeLease();

  /**
   * The latest event time given to any user when the last assignment was applied or the users were
   * released (0 when none).
   */
  long latestEventAtApply();
}
