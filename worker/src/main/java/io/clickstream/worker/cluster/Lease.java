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
 *       still valid, the worker keeps its last assignment for a grace period, one lease at a time: each
 *       heartbeat that finds no coordinator renews it from when it was sent. A worker whose lease had
 *       already expired (it was the one cut off) gets no grace.</li>
 * </ul>
 */
public final class Lease {
  private final long graceNanos;
  private long expiryNanos;
  private boolean valid;
  private boolean coordinatorAway;
  private long graceEndsNanos;
  /** The length of the last renewal: what a beat that finds no coordinator extends the lease by. */
  private long leaseNanos;

  public Lease(long graceNanos) {
    this.graceNanos = graceNanos;
  }

  public void renewed(long beatSentNanos, long leaseMillis) {
    leaseNanos = leaseMillis * 1_000_000L;
    long candidate = beatSentNanos + leaseNanos;
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
   * A heartbeat sent at {@code beatSentNanos} found no coordinator in the cluster. While the lease is still
   * valid, the first such beat starts a grace period (returns true, the caller logs it once) and each one
   * extends the lease by one lease length from when it was sent, up to the grace period's end. So a worker
   * frozen or cut off during the grace period stops one lease after its last look, as with a coordinator:
   * a new coordinator, which cannot know it, only has to wait one lease before it grants its users. A
   * worker whose lease had already expired (it was the one cut off) gets no grace.
   */
  public boolean coordinatorGone(long beatSentNanos, long now) {
    if (!isValid(now)) {
      return false;
    }
    boolean starts = !coordinatorAway;
    if (starts) {
      coordinatorAway = true;
      graceEndsNanos = now + graceNanos;
    }
    long candidate = Math.min(graceEndsNanos, beatSentNanos + leaseNanos);
    if (candidate - expiryNanos > 0) {
      expiryNanos = candidate;
    }
    return starts;
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
