package io.clickstream.coordinator;

import io.clickstream.coordinator.membership.WorkerEntry;
import io.clickstream.coordinator.membership.WorkerRegistry;
import io.clickstream.coordinator.partition.Partitioner;
import io.clickstream.coordinator.rate.RateController;
import io.clickstream.protocol.RateChange;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every worker that holds users to the current rate version ({@link RateController#version()}) with
 * {@link RateChange} messages, for the epoch it holds: no new epoch, no rebalance. Runs on each change and
 * on each tick, so a change that was refused (the worker holds another epoch: an assignment crossed it)
 * or lost is sent again until the worker acknowledges this version or takes an assignment made at it.
 * A worker that does not answer is not declared lost for that: heartbeats decide liveness. One change in
 * flight per worker; single-threaded (the coordinator's event loop).
 *
 * <p>Every message gets the next {@code seq}, a resend too: a worker applies only a seq above every one it
 * admitted from this coordinator, whatever the epoch, so a resend under the seq of a change it admitted
 * at an earlier epoch (before an assignment made at an older rate reached it), or whose answer was lost,
 * would be refused as a duplicate forever. A later seq always carries a rate at least as recent.
 */
final class RateSync {
  private static final Logger LOG = LoggerFactory.getLogger(RateSync.class);

  private final WorkerChannel channel;
  private final WorkerRegistry registry;
  private final RateController rates;
  private final String coordinatorId;
  private final int numUsers;
  private final Set<String> inFlight = new HashSet<>();
  private long seq;

  RateSync(WorkerChannel channel, WorkerRegistry registry, RateController rates, String coordinatorId, int numUsers) {
    this.channel = channel;
    this.registry = registry;
    this.rates = rates;
    this.coordinatorId = coordinatorId;
    this.numUsers = numUsers;
  }

  /** Rate changes sent so far, resends included: the last seq. */
  long sent() {
    return seq;
  }

  /** Sends the current rate to every live worker that holds users at an older version. */
  void sync() {
    for (WorkerEntry w : registry.live()) {
      if (behind(w) && !inFlight.contains(w.id())) {
        send(w);
      }
    }
  }

  private boolean behind(WorkerEntry w) {
    // A worker without users produces nothing at any rate; its next grant carries the current one.
    return !w.heldUsers().isEmpty() && w.heldEpoch() > 0 && w.rateVersion() < rates.version();
  }

  private void send(WorkerEntry entry) {
    double rate = Partitioner.rateShare(rates.effectiveRate(), entry.heldUsers(), numUsers);
    long version = rates.version();
    RateChange change = new RateChange(entry.id(), coordinatorId, entry.heldEpoch(), ++seq, rate, rates.paused());
    inFlight.add(entry.id());
    channel.send(change).onComplete(ar -> {
      inFlight.remove(entry.id());
      // The same entry still, at the epoch the change was for: a later assignment or a re-registration
      // replaced what the answer is about.
      boolean current = registry.get(entry.id()) == entry && entry.heldEpoch() == change.epoch();
      if (ar.failed()) {
        LOG.debug("Rate change {} to worker {} failed: {}; sent again on the next tick", change.seq(), entry.id(),
            ar.cause().getMessage());
      } else if (!ar.result().applied()) {
        LOG.debug("Worker {} did not apply rate change {} for epoch {} (it holds epoch {}); sent again on the next"
            + " tick", entry.id(), change.seq(), change.epoch(), ar.result().heldEpoch());
      } else if (current) {
        entry.rateApplied(version, rate);
        if (entry.isLive() && behind(entry)) {
          // Another change came while this one travelled.
          send(entry);
        }
      }
    });
  }
}
