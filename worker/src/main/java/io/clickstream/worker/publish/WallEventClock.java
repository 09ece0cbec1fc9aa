package io.clickstream.worker.publish;

import io.clickstream.protocol.Clock;
import io.clickstream.worker.cluster.Holding;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Event time is the wall clock (CLOCK=wall): an event is stamped when it is made, a held-back event goes
 * out when the wall clock reaches its due time, and a stop waits for those due times (at most the stop
 * drain time). Wall time advances with the monotonic clock from one {@link Anchor}, so a wall-clock step
 * (NTP) cannot reorder a user's events. Owned by the generator thread.
 */
final class WallEventClock implements EventClock {
  /** The wall time at one monotonic instant: event times are read off the monotonic clock from there. */
  record Anchor(long wallMillis, long nanos) {
    static Anchor of(Clock clock) {
      return new Anchor(clock.currentTimeMillis(), clock.nanoTime());
    }

    long millisAt(long nowNanos) {
      return wallMillis + (nowNanos - nanos) / 1_000_000L;
    }
  }

  private final Anchor anchor;
  private final ClickSimulator simulator;
  private final LateDelivery lateDelivery;
  private final Outlet outlet;
  /** The loop's shared event instance, which {@link Outlet#emit} reads. */
  private final ClickEvent event;
  private final long stopDrainNanos;
  private final int partitions;

  WallEventClock(Anchor anchor, ClickSimulator simulator, LateDelivery lateDelivery, Outlet outlet, ClickEvent event,
                 long stopDrainMillis, int partitions) {
    this.anchor = anchor;
    this.simulator = simulator;
    this.lateDelivery = lateDelivery;
    this.outlet = outlet;
    this.event = event;
    this.stopDrainNanos = TimeUnit.MILLISECONDS.toNanos(stopDrainMillis);
    this.partitions = partitions;
  }

  @Override
  public Turn next(long nowNanos, long intendedNanos, int population) {
    long wall = anchor.millisAt(nowNanos);
    if (simulator.next(wall, event)) {
      outlet.emit(nowNanos, intendedNanos, wall);
      return Turn.MADE;
    }
    // Every user acted in this millisecond already or is paying (a burst after a late wake-up).
    return Turn.BUSY;
  }

  @Override
  public long clockMillis(long nowNanos) {
    return anchor.millisAt(nowNanos);
  }

  @Override
  public boolean complete() {
    return false;
  }

  @Override
  public double pacedRate(Holding holding, int population) {
    return holding.eventsPerSecond();
  }

  @Override
  public void sendDue(long nowNanos) {
    lateDelivery.sendDueWall(anchor.millisAt(nowNanos));
  }

  @Override
  public long nanosUntilHeldDue(long nowNanos) {
    return lateDelivery.nanosUntilNextDue(nowNanos);
  }

  @Override
  public long paymentCutMillis(long nowNanos) {
    return anchor.millisAt(nowNanos);
  }

  @Override
  public long processingTime(long nowNanos, long eventTime) {
    return anchor.millisAt(nowNanos);
  }

  @Override
  public long markMillis(long nowNanos, boolean last) {
    return anchor.millisAt(nowNanos);
  }

  @Override
  public boolean idleBoundsNothing() {
    return false;
  }

  /** Each held-back event at its due time, for at most STOP_DRAIN_SECONDS or until forced. */
  @Override
  public void drainHeld(BooleanSupplier forced, Runnable meanwhile) {
    lateDelivery.drain(stopDrainNanos, forced, meanwhile, partitions);
  }
}
