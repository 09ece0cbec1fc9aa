package io.clickstream.simulation;

import io.clickstream.coordinator.Coordinator;
import io.clickstream.protocol.Protocol;
import java.util.SplittableRandom;

/**
 * One schedule's settings, drawn from its seed: the cluster's size and timing settings, how faulty the
 * network is, how often members fail, and how long the chaos lasts before the cluster is left alone.
 *
 * @param numUsers NUM_USERS
 * @param initialWorkers workers started at time zero
 * @param maxWorkers at most this many worker processes alive at once
 * @param leaseMillis WORKER_LEASE_MS
 * @param lostAfterMillis WORKER_LOST_AFTER_MS
 * @param settleMillis COORDINATOR_SETTLE_MS
 * @param minWorkers MIN_WORKERS
 * @param graceMillis the workers' COORDINATOR_GRACE_SECONDS, in ms
 * @param maxSkewMillis how far a member's wall clock may be off (each draws its own skew)
 * @param maxLatencyMicros a normal one-way message delay is up to this
 * @param slowRate share of messages delayed up to {@code slowMessageMillis} (they overtake others)
 * @param dropRate share of messages lost
 * @param duplicateRate share of messages delivered twice
 * @param meanFaultGapMillis mean time between member faults and commands in the chaos phase
 * @param maxAckDelayMillis the fake generator takes up to this long to apply an assignment (slow acks)
 * @param slowAckRate share of assignments applied slowly
 * @param maxViewLagMillis how late a member's view of the cluster follows a join or a leave
 * @param chaosMillis how long faults are injected; then the cluster is left alone
 * @param failureDetectionMillis a member frozen this long is dropped from the others' views
 */
record SimParams(int numUsers, int initialWorkers, int maxWorkers, long leaseMillis, long lostAfterMillis,
                 long settleMillis, int minWorkers, long graceMillis, long maxSkewMillis, long maxLatencyMicros,
                 double slowRate, long slowMessageMillis, double dropRate, double duplicateRate,
                 long meanFaultGapMillis, long maxAckDelayMillis, double slowAckRate, long maxViewLagMillis,
                 long chaosMillis, long failureDetectionMillis) {
  /** The coordinator's timeouts, as CoordinatorVerticle and CoordinatorLink have them. */
  static final long ASSIGNMENT_TIMEOUT_MILLIS = 3000;
  static final long REGISTER_TIMEOUT_MILLIS = 5000;

  static SimParams draw(long seed) {
    // A stream of its own, so that the run's draws do not shift when a setting is added here.
    SplittableRandom r = new SplittableRandom(seed ^ 0x5EED_5EED_5EEDL);
    long lostAfter = 1500 + r.nextLong(4501);
    long lease = Math.max(2 * Protocol.HEARTBEAT_INTERVAL_MILLIS,
        Math.min(lostAfter - 500, 2000 + r.nextLong(2001)));
    if (lease >= lostAfter) {
      lostAfter = lease + 500;
    }
    int maxWorkers = 1 + r.nextInt(6);
    return new SimParams(1 + r.nextInt(40), 1 + r.nextInt(maxWorkers), maxWorkers, lease, lostAfter,
        r.nextInt(4) == 0 ? 0 : r.nextLong(3001), r.nextInt(6) == 0 ? 2 : 1, 1000 + r.nextLong(60_001),
        r.nextLong(21), 200 + r.nextLong(20_000), r.nextDouble() * 0.05, 100 + r.nextLong(2500),
        r.nextDouble() * 0.05, r.nextDouble() * 0.05, 300 + r.nextLong(3000), 100 + r.nextLong(2000),
        r.nextDouble() * 0.3, r.nextLong(800), 10_000 + r.nextLong(30_001), 2000 + r.nextLong(8001));
  }

  /**
   * How long after the last fault every user must be covered again. The worst chain: a worker's
   * registration was lost just before the quiet began (its timeout), a lost worker is noticed (lost-after
   * plus a tick) and its lease waited out, then a rebalance whose assignment to a member that left times out
   * and is retried, each phase (revoke, grant) with a slow ack and message delays; plus the settle time
   * of a coordinator that just started and the beats that renew leases.
   */
  long settleBoundMillis() {
    long messages = 4 * (maxLatencyMicros / 1000 + 1);
    long rebalance = 2 * (maxAckDelayMillis + messages) + 200;
    return settleMillis + REGISTER_TIMEOUT_MILLIS + lostAfterMillis + Coordinator.TICK_MILLIS + leaseMillis + 50
        + ASSIGNMENT_TIMEOUT_MILLIS + 2 * rebalance + 2 * Protocol.HEARTBEAT_INTERVAL_MILLIS + maxViewLagMillis
        + messages;
  }

  String describe() {
    return String.format(java.util.Locale.ROOT,
        "users=%d workers=%d..%d lease=%d lostAfter=%d settle=%d minWorkers=%d grace=%d skew<=%d latency<=%dus "
            + "slow=%.3f(<=%dms) drop=%.3f dup=%.3f faultGap~%dms ackDelay<=%dms(%.2f) viewLag<=%dms chaos=%dms detection=%dms",
        numUsers, initialWorkers, maxWorkers, leaseMillis, lostAfterMillis, settleMillis, minWorkers, graceMillis,
        maxSkewMillis, maxLatencyMicros, slowRate, slowMessageMillis, dropRate, duplicateRate, meanFaultGapMillis,
        maxAckDelayMillis, slowAckRate, maxViewLagMillis, chaosMillis, failureDetectionMillis);
  }
}
