package io.clickstream.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeaseTest {
  private static final long MS = 1_000_000L;

  @Test
  void countsFromWhenTheBeatWasSentNotWhenTheReplyArrived() {
    Lease lease = new Lease(60_000 * MS);
    assertThat(lease.isValid(0)).isFalse();
    lease.renewed(1000 * MS, 3000);
    assertThat(lease.isValid(3999 * MS)).isTrue();
    assertThat(lease.isValid(4000 * MS)).isFalse();
  }

  @Test
  void aReplyToABeatSentBeforeAFreezeGrantsNothing() {
    Lease lease = new Lease(60_000 * MS);
    lease.renewed(0, 3000);
    // Frozen for 20 s; the reply to the beat sent at t=0 is processed at t=20 s.
    lease.renewed(0, 3000);
    assertThat(lease.isValid(20_000 * MS)).isFalse();
  }

  @Test
  void coordinatorGoneStartsAGracePeriodOnlyWhileTheLeaseIsValid() {
    Lease lease = new Lease(60_000 * MS);
    lease.renewed(0, 3000);
    assertThat(lease.coordinatorGone(1000 * MS, 1000 * MS)).isTrue();
    assertThat(lease.isValid(3900 * MS)).as("one lease from the beat that found no coordinator").isTrue();
    assertThat(lease.coordinatorGone(2000 * MS, 2000 * MS)).as("one grace period per absence").isFalse();
    for (long t = 3000; t <= 60_000; t += 1000) {
      lease.coordinatorGone(t * MS, t * MS);
    }
    assertThat(lease.isValid(60_900 * MS)).isTrue();
    assertThat(lease.isValid(61_000 * MS)).as("the grace period's end").isFalse();

    Lease frozen = new Lease(60_000 * MS);
    frozen.renewed(0, 3000);
    assertThat(frozen.coordinatorGone(20_000 * MS, 20_000 * MS)).as("a worker that was cut off gets no grace").isFalse();
    assertThat(frozen.isValid(20_000 * MS)).isFalse();
  }

  /** Found by the simulation (seed 1): a new coordinator cannot know a frozen worker, and waits one lease only. */
  @Test
  void aWorkerFrozenInItsGracePeriodStopsOneLeaseAfterItsLastBeat() {
    Lease lease = new Lease(60_000 * MS);
    lease.renewed(0, 3000);
    lease.coordinatorGone(1000 * MS, 1000 * MS);
    lease.coordinatorGone(2000 * MS, 2000 * MS);
    // Frozen from t=2 s on: nothing extends the lease any more.
    assertThat(lease.isValid(4900 * MS)).isTrue();
    assertThat(lease.isValid(5000 * MS)).isFalse();
    assertThat(lease.coordinatorGone(2000 * MS, 9000 * MS)).as("a beat's failure read after the freeze").isFalse();
    assertThat(lease.isValid(9000 * MS)).isFalse();
  }

  @Test
  void revocationStopsAtOnceAndARenewalRestarts() {
    Lease lease = new Lease(60_000 * MS);
    lease.renewed(0, 3000);
    lease.revoked();
    assertThat(lease.isValid(1)).isFalse();
    assertThat(lease.expiryNanos(10)).isLessThan(10);
    lease.renewed(5000 * MS, 3000);
    assertThat(lease.isValid(6000 * MS)).isTrue();
    assertThat(lease.coordinatorAway()).isFalse();
  }
}
