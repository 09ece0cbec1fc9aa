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
 * Brings every worker that holds users to the current rate version ({@link RateController#seq()}) with
 * {@link RateChange} messages, for the epoch it holds: no new epoch, no rebalance. Runs on each change and
 * on each tick, so a change that was refused (the worker holds another epoch: an assignment crossed it)
 * or lost is sent again until the worker acknowledges this version or takes an assignment made at it.
 * A worker that does not answer is not declared lost for that: heartbeats decide liveness. One change in
 * flight per worker; single-threaded (the coordinator's event loop).
 */
final class RateSync {
  private static final Logger LOG = LoggerFactory.getLogger(RateSync.class);

  private final WorkerChannel channel;
  private final WorkerRegistry registry;
  private final RateController rates;
  private final String coordinatorId;
  private final int numUsers;
  private final Set<String> inFlight = new HashSet<>();
  private long sent;

  RateSync(WorkerChannel channel, WorkerRegistry registry, RateController rates, String coordinatorId, int numUsers) {
    this.channel = channel;
    this.registry = registry;
    this.rates = rates;
    this.coordinatorId = coordinatorId;
    this.numUsers = numUsers;
  }

  /** Rate changes sent so far, retries included. */
  long sent() {
    return sent;
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
    return !w.heldUsers().isEmpty() && w.heldEpoch() > 0 && w.rateSeq() < rates.seq();
  }

  private void send(WorkerEntry entry) {
    double rate = Partitioner.rateShare(rates.effectiveRate(), entry.heldUsers(), numUsers);
    RateChange change = new RateChange(entry.id(), coordinatorId, entry.heldEpoch(), rates.seq(), rate, rates.paused());
    inFlight.add(entry.id());
    sent++;
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
        entry.rateApplied(change.seq(), rate);
        if (entry.isLive() && behind(entry)) {
          // Another change came while this one travelled.
          send(entry);
        }
      }
    });
  }
}
