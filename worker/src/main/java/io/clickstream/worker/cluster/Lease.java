package io.clickstream.worker.cluster;

/**
 * The worker's right to produce its users, on the monotonic clock. Pure; the caller passes the time.
 *
 * <ul>
 *   <li>A heartbeat reply renews it for {@code leaseMillis} counted from when the beat was <em>sent</em>,
 *       so the worker's lease always ends before the coordinator believes it does. A reply that arrives
 *       after a freeze therefore grants nothing.</li>
 *   <li>An assignment never grants a lease by itself: a stale assignment read after a freeze must not
 *       restart production.</li>
 *   <li>When the coordinator is seen to be <em>gone</em> (no handler in the cluster) while the lease is
 *       still valid, the worker keeps its last assignment for a grace period. A worker whose lease had
 *       already expired (it was the one cut off) gets no grace.</li>
 * </ul>
 */
public final class Lease {
  private final long graceNanos;
  private long expiryNanos;
  private boolean valid;
  private boolean coordinatorAway;

  public Lease(long graceNanos) {
    this.graceNanos = graceNanos;
  }

  public void renewed(long beatSentNanos, long leaseMillis) {
    long candidate = beatSentNanos + leaseMillis * 1_000_000L;
    if (!valid || candidate - expiryNanos > 0) {
      expiryNanos = candidate;
    }
    valid = true;
    coordinatorAway = false;
  }

  /** The coordinator does not know us (it restarted, or declared us lost): stop at once. */
  public void revoked() {
    valid = false;
    coordinatorAway = false;
  }

  /**
   * The coordinator has no handler in the cluster. Returns true when this starts a grace period (the
   * caller logs it once).
   */
  public boolean coordinatorGone(long now) {
    if (coordinatorAway || !isValid(now)) {
      return false;
    }
    coordinatorAway = true;
    expiryNanos = now + graceNanos;
    return true;
  }

  public boolean isValid(long now) {
    return valid && now - expiryNanos < 0;
  }

  public boolean coordinatorAway() {
    return coordinatorAway;
  }

  /** The expiry for the generator; a time in the past when not valid. */
  public long expiryNanos(long now) {
    return valid ? expiryNanos : now - 1;
  }
}
