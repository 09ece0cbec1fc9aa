package io.clickstream.worker.publish;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.UserRange;
import io.clickstream.worker.cluster.Holding;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.truth.TruthTap;

/**
 * What the generator holds, and every change to it: an assignment (users, epoch, rate, pause), a rate
 * change, a release. Changes run on the generator thread (through its mailbox); the holding itself is
 * published for other threads to read. A user who leaves finishes its payment here, before another
 * worker can have it.
 */
final class CurrentHolding {
  private final Clock clock;
  private final ClickSimulator simulator;
  private final TruthTap truth;
  private final RatePacer pacer;
  private final RecordSink sink;
  private final EventClock eventClock;
  private final EventOutlet outlet;
  private final LeaseGate lease;
  /** The loop's shared event instance, filled by a PURCHASE and read by the outlet. */
  private final ClickEvent event;
  /** The population's size when the coordinator does not say it (NUM_USERS). */
  private final int defaultPopulation;
  private volatile Holding holding = Holding.NOTHING;
  /** The outlet's latest event time as of the last assignment applied: published with its completion. */
  private volatile long latestEventAtApply;

  CurrentHolding(Clock clock, ClickSimulator simulator, TruthTap truth, RatePacer pacer, RecordSink sink,
                 EventClock eventClock, EventOutlet outlet, LeaseGate lease, ClickEvent event, int defaultPopulation) {
    this.clock = clock;
    this.simulator = simulator;
    this.truth = truth;
    this.pacer = pacer;
    this.sink = sink;
    this.eventClock = eventClock;
    this.outlet = outlet;
    this.lease = lease;
    this.event = event;
    this.defaultPopulation = defaultPopulation;
  }

  Holding get() {
    return holding;
  }

  long latestEventAtApply() {
    return latestEventAtApply;
  }

  /** Takes an assignment; false when its epoch is not newer than the one held. */
  boolean apply(Holding next, long notBeforeMillis) {
    Holding current = holding;
    if (next.epoch() <= current.epoch() && current != Holding.NOTHING) {
      return false;
    }
    if (!next.users().equals(current.users())) {
      completePayments(next.users());
      simulator.assign(next.users(), next.epoch(), notBeforeMillis);
      truth.assign(next.users());
    }
    pace(next);
    sink.epoch(next.epoch());
    holding = next;
    // Read by the acknowledgement once this completes: what the users it let go must come after.
    latestEventAtApply = outlet.latestEventMillis();
    return true;
  }

  /**
   * The rate and pause change, the users do not; false unless it holds {@code epoch}. A pause is then seen
   * by the loop as a paused assignment is: payments end, held-back events keep going out.
   */
  boolean changeRate(long epoch, double eventsPerSecond, boolean paused) {
    Holding current = holding;
    if (current.epoch() != epoch || current == Holding.NOTHING) {
      return false;
    }
    Holding next = new Holding(epoch, current.users(), eventsPerSecond, paused, current.population());
    pace(next);
    holding = next;
    return true;
  }

  /** Drops every user, keeping the epoch (see {@link GeneratorLoop#release()}). */
  void release() {
    Holding current = holding;
    if (!current.users().isEmpty()) {
      completePayments(UserRange.EMPTY);
      simulator.assign(UserRange.EMPTY, current.epoch());
      truth.assign(UserRange.EMPTY);
      holding = new Holding(current.epoch(), UserRange.EMPTY, 0, current.paused(), current.population());
    }
    // Told at the registration that follows: the users let go come after it on their next worker
    // (simulation, seed 349).
    latestEventAtApply = outlet.latestEventMillis();
  }

  /** The rate the pacer walks at for what is held now. */
  double pacedRate() {
    Holding h = holding;
    return eventClock.pacedRate(h, population(h));
  }

  /** The population's size: as the coordinator says, or NUM_USERS. */
  int population() {
    return population(holding);
  }

  /**
   * Cuts short the payments of the users outside {@code keep} (all for an empty range): every CHECKOUT
   * gets its PURCHASE before anything can interrupt the session (a pause, a move, a stop).
   */
  void completePayments(UserRange keep) {
    if (simulator.paymentsInProgress() == 0) {
      return;
    }
    long now = clock.nanoTime();
    // With the lease run out (frozen during the payment), the users may be another worker's by now: the
    // purchase is dated just after its checkout, before any handover, never after it.
    long time = lease.validAt(now) ? eventClock.paymentCutMillis(now) : Long.MIN_VALUE;
    for (int user : simulator.endPaymentsOutside(keep)) {
      simulator.completePayment(user, time, event);
      outlet.emit(now, now, eventClock.processingTime(now, event.eventTime));
    }
  }

  private void pace(Holding next) {
    double rate = eventClock.pacedRate(next, population(next));
    if (rate != pacer.rate()) {
      pacer.setRate(rate, clock.nanoTime());
    }
  }

  private int population(Holding h) {
    return h.population() > 0 ? h.population() : defaultPopulation;
  }
}
