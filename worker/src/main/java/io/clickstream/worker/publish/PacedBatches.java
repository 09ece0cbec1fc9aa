package io.clickstream.worker.publish;

import io.clickstream.protocol.Clock;
import io.clickstream.worker.simulation.ClickSimulator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the events the {@link RatePacer} says are due, a batch per turn of the loop, each checked against
 * the lease first; and says how long the loop may park until the next is due. Owned by the generator thread.
 */
final class PacedBatches {
  private static final Logger LOG = LoggerFactory.getLogger(PacedBatches.class);
  private static final int MAX_BATCH = 512;
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long WAIT_FOR_NEXT_MILLISECOND_NANOS = 250_000;

  private final Clock clock;
  private final RatePacer pacer;
  private final EventClock eventClock;
  private final LeaseGate lease;
  private final CurrentHolding holding;
  private final ClickSimulator simulator;
  private long skippedTurnsLogged;
  private long lastSkipLogNanos;

  PacedBatches(Clock clock, RatePacer pacer, EventClock eventClock, LeaseGate lease, CurrentHolding holding,
               ClickSimulator simulator) {
    this.clock = clock;
    this.pacer = pacer;
    this.eventClock = eventClock;
    this.lease = lease;
    this.holding = holding;
    this.simulator = simulator;
  }

  /** Makes what is due at {@code nowNanos}, at most a batch; returns how many turns it took. */
  int makeDue(long nowNanos) {
    int n = pacer.take(nowNanos, MAX_BATCH);
    for (int i = 0; i < n; i++) {
      long intended = pacer.intendedNanos(i, n);
      long now = clock.nanoTime();
      if (!lease.validAt(now)) {
        // The lease ran out mid-batch (for example the thread was frozen): stop here.
        return i + 1;
      }
      EventClock.Turn turn = eventClock.next(now, intended, holding.population());
      if (turn == EventClock.Turn.BUSY) {
        // The rest of the batch stays due for the next millisecond instead of being lost, so the rate holds.
        pacer.giveBack(n - i);
        LockSupport.parkNanos(this, WAIT_FOR_NEXT_MILLISECOND_NANOS);
        return i + 1;
      }
      if (turn == EventClock.Turn.ENDED) {
        return i + 1;
      }
    }
    logSkippedTurns();
    return n;
  }

  /** Parks until the next event or held-back event is due, or for a short idle wait. */
  void park(long nowNanos, boolean mayProduce) {
    long wait = IDLE_PARK_NANOS;
    if (mayProduce) {
      wait = Math.min(wait, pacer.nextDueNanos() - nowNanos);
    }
    // On the virtual clock held events fall due with the slots, not with the monotonic clock.
    wait = Math.min(wait, eventClock.nanosUntilHeldDue(nowNanos));
    if (wait > 0) {
      LockSupport.parkNanos(this, wait);
    }
  }

  /** Turns postponed because every user was busy in that millisecond: at debug level, every 10 s at most. */
  private void logSkippedTurns() {
    long skipped = simulator.skippedTurns();
    long now = clock.nanoTime();
    if (skipped != skippedTurnsLogged && now - lastSkipLogNanos > TimeUnit.SECONDS.toNanos(10)) {
      LOG.debug("{} turns waited for the next millisecond: every user was paying or had an event in it already (a"
          + " user's events are at least 1 ms apart)", skipped - skippedTurnsLogged);
      skippedTurnsLogged = skipped;
      lastSkipLogNanos = now;
    }
  }
}
