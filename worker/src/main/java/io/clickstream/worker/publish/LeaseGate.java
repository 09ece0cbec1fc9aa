package io.clickstream.worker.publish;

import io.clickstream.protocol.Clock;

/**
 * The lease as the generator thread sees it: production is allowed while {@code nanoTime() - expiry < 0}.
 * Never a sentinel like Long.MIN_VALUE: the subtraction would overflow and read as a valid lease.
 * Written by the link's event loop, read by the generator thread before each event.
 */
final class LeaseGate {
  private final Clock clock;
  private volatile long expiryNanos;

  /** Starts expired: nothing is produced before the first lease. */
  LeaseGate(Clock clock) {
    this.clock = clock;
    this.expiryNanos = clock.nanoTime();
  }

  boolean validAt(long nowNanos) {
    return nowNanos - expiryNanos < 0;
  }

  void until(long expiryNanos) {
    this.expiryNanos = expiryNanos;
  }

  void revoke() {
    expiryNanos = clock.nanoTime();
  }
}
