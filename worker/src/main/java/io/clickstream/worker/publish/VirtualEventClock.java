package io.clickstream.worker.publish;

import io.clickstream.protocol.Clock;
import io.clickstream.worker.cluster.Holding;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.simulation.PopulationPicker;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event time on the virtual clock (CLOCK=virtual), a walk along its global slot sequence: every worker
 * walks every slot, picks the slot's user from the whole population with the shared seed, and acts only
 * for its own users. Held-back events and payments fall due with the slots, each at its own time, so a
 * user's stream does not depend on what else a worker holds. Owned by the generator thread.
 */
final class VirtualEventClock implements EventClock {
  private static final Logger LOG = LoggerFactory.getLogger(VirtualEventClock.class);

  private final VirtualClock clock;
  /** Only for the send lag: event times come from the slots. */
  private final Clock monotonic;
  private final ClickSimulator simulator;
  private final LateEventQueue lateQueue;
  private final LateDelivery lateDelivery;
  private final Outlet outlet;
  /** The loop's shared event instance, which {@link Outlet#emit} reads. */
  private final ClickEvent event;
  private long slot;
  private PopulationPicker picker;
  private volatile boolean complete;

  VirtualEventClock(VirtualClock clock, Clock monotonic, ClickSimulator simulator, LateEventQueue lateQueue,
                    LateDelivery lateDelivery, Outlet outlet, ClickEvent event) {
    this.clock = clock;
    this.monotonic = monotonic;
    this.simulator = simulator;
    this.lateQueue = lateQueue;
    this.lateDelivery = lateDelivery;
    this.outlet = outlet;
    this.event = event;
  }

  /** True once END_TIME is reached and everything held back has been sent. */
  @Override
  public boolean complete() {
    return complete;
  }

  @Override
  public long clockMillis(long nowNanos) {
    return complete ? Long.MAX_VALUE : clock.timeOf(slot);
  }

  /** Every worker walks every slot: it paces at the whole cluster's rate to give its users theirs. */
  @Override
  public double pacedRate(Holding holding, int population) {
    if (holding.users().isEmpty()) {
      return holding.eventsPerSecond();
    }
    return holding.eventsPerSecond() * population / holding.users().size();
  }

  /** Held events fall due with the slots (see {@link #next}), not with the monotonic clock. */
  @Override
  public void sendDue(long nowNanos) {
  }

  @Override
  public long nanosUntilHeldDue(long nowNanos) {
    return Long.MAX_VALUE;
  }

  /** Dated by this clock, and before END_TIME. */
  @Override
  public long paymentCutMillis(long nowNanos) {
    return Math.min(clockMillis(nowNanos), clock.endMillis() - 1);
  }

  /** The event's own time: the stream is a pure function of the configuration. */
  @Override
  public long processingTime(long nowNanos, long eventTime) {
    return eventTime;
  }

  @Override
  public long markMillis(long nowNanos, boolean last) {
    return last ? Long.MAX_VALUE : clockMillis(nowNanos);
  }

  @Override
  public boolean idleBoundsNothing() {
    return true;
  }

  /** At a stop, nothing is waited for: all at once, stamped with their due times, so the stream stays exact. */
  @Override
  public void drainHeld(BooleanSupplier forced, Runnable meanwhile) {
    int held = lateDelivery.sendAllAtDueTimes();
    LOG.info("Generator stopped: sent {} held-back late events at their due times (virtual clock)", held);
  }

  /**
   * One slot: first what falls due, then the slot's action if the picked user is ours (and free to act).
   * {@link Turn#ENDED} once END_TIME is reached.
   */
  @Override
  public Turn next(long nowNanos, long intendedNanos, int population) {
    long time = clock.timeOf(slot);
    if (time >= clock.endMillis()) {
      finish();
      return Turn.ENDED;
    }
    sendDueBy(time);
    if (picker == null) {
      picker = simulator.picker(population);
    }
    int user = picker.next();
    slot++;
    if (simulator.users().contains(user) && simulator.actAs(user, time, event)) {
      outlet.emit(nowNanos, intendedNanos, time);
    }
    return Turn.MADE;
  }

  /** The held-back late events and the PURCHASEs of payments due by {@code time}, in the order of their due times. */
  private void sendDueBy(long time) {
    while (true) {
      long paymentDue = simulator.nextPaymentDueMillis();
      long lateDue = lateQueue.nextDueMillis();
      if (Math.min(paymentDue, lateDue) > time) {
        return;
      }
      if (paymentDue <= lateDue) {
        simulator.completeNextPayment(paymentDue, event);
        long now = monotonic.nanoTime();
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
      long now = monotonic.nanoTime();
      outlet.emit(now, now, event.eventTime);
    }
    int held = lateDelivery.sendAllAtDueTimes();
    complete = true;
    LOG.info("Virtual stream complete: END_TIME reached after {} slots; {} held-back events sent at their due times",
        slot, held);
  }
}
