package io.clickstream.worker.publish;

import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.simulation.PopulationPicker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The walk along the virtual clock's global slot sequence (CLOCK=virtual): every worker walks every slot,
 * picks the slot's user from the whole population with the shared seed, and acts only for its own users.
 * Held-back events and payments fall due with the slots, each at its own time, so a user's stream does
 * not depend on what else a worker holds. Owned by the generator thread.
 */
final class VirtualSlots {
  private static final Logger LOG = LoggerFactory.getLogger(VirtualSlots.class);

  private final VirtualClock clock;
  private final ClickSimulator simulator;
  private final LateEventQueue lateQueue;
  private final LateDelivery lateDelivery;
  private final Outlet outlet;
  /** The loop's shared event instance, which {@link Outlet#emit} reads. */
  private final ClickEvent event;
  private long slot;
  private PopulationPicker picker;
  private volatile boolean complete;

  VirtualSlots(VirtualClock clock, ClickSimulator simulator, LateEventQueue lateQueue, LateDelivery lateDelivery,
               Outlet outlet, ClickEvent event) {
    this.clock = clock;
    this.simulator = simulator;
    this.lateQueue = lateQueue;
    this.lateDelivery = lateDelivery;
    this.outlet = outlet;
    this.event = event;
  }

  /** True once END_TIME is reached and everything held back has been sent. */
  boolean complete() {
    return complete;
  }

  long endMillis() {
    return clock.endMillis();
  }

  /** The earliest event time anything generated from now on can have. */
  long clockMillis() {
    return complete ? Long.MAX_VALUE : clock.timeOf(slot);
  }

  /**
   * One slot: first what falls due, then the slot's action if the picked user is ours (and free to act).
   * Returns false once END_TIME is reached.
   */
  boolean next(long nowNanos, long intendedNanos, int population) {
    long time = clock.timeOf(slot);
    if (time >= clock.endMillis()) {
      finish();
      return false;
    }
    sendDue(time);
    if (picker == null) {
      picker = simulator.picker(population);
    }
    int user = picker.next();
    slot++;
    if (simulator.users().contains(user) && simulator.actAs(user, time, event)) {
      outlet.emit(nowNanos, intendedNanos, time);
    }
    return true;
  }

  /** The held-back late events and the PURCHASEs of payments due by {@code time}, in the order of their due times. */
  private void sendDue(long time) {
    while (true) {
      long paymentDue = simulator.nextPaymentDueMillis();
      long lateDue = lateQueue.nextDueMillis();
      if (Math.min(paymentDue, lateDue) > time) {
        return;
      }
      if (paymentDue <= lateDue) {
        simulator.completeNextPayment(paymentDue, event);
        long now = System.nanoTime();
        outlet.emit(now, now, event.eventTime);
      } else {
        lateDelivery.sendDueVirtual(lateDue);
      }
    }
  }

  /** END_TIME: payments end just before it (every CHECKOUT keeps its PURCHASE), held-back events go out. */
  private void finish() {
    while (simulator.paymentsInProgress() > 0) {
      simulator.completeNextPayment(Math.min(simulator.nextPaymentDueMillis(), clock.endMillis() - 1), event);
      long now = System.nanoTime();
      outlet.emit(now, now, event.eventTime);
    }
    int held = lateDelivery.sendAllAtDueTimes();
    complete = true;
    LOG.info("Virtual stream complete: END_TIME reached after {} slots; {} held-back events sent at their due times",
        slot, held);
  }
}
