package io.clickstream.worker.publish;

import io.clickstream.worker.cluster.Holding;
import java.util.function.BooleanSupplier;

/**
 * Where event time comes from, and everything in the loop that depends on it: on the wall clock
 * ({@link WallEventClock}) events are stamped with the time they are made and held-back events fall due
 * with that time; on the virtual clock ({@link VirtualEventClock}, CLOCK=virtual) every worker walks the
 * same global slot sequence and everything falls due with the slots. One implementation per mode instead
 * of a branch on the mode at every step. Owned by the generator thread.
 */
interface EventClock {
  /** How one turn of a batch went. */
  enum Turn {
    /** An event was made (or the slot passed): go on with the batch. */
    MADE,
    /** Every user is busy in this millisecond: the rest of the batch waits for the next one. */
    BUSY,
    /** The clock ran out (END_TIME): nothing more is produced. */
    ENDED
  }

  /** One turn: the event of {@code intendedNanos}, handed to the outlet if one is made. */
  Turn next(long nowNanos, long intendedNanos, int population);

  /** The earliest event time anything generated from now on can have. */
  long clockMillis(long nowNanos);

  /** True once the clock reached its end and everything held back has been sent. */
  boolean complete();

  /** The rate the pacer walks at to give the holding its rate. */
  double pacedRate(Holding holding, int population);

  /** Sends the held-back events due now, where they fall due with the monotonic clock. */
  void sendDue(long nowNanos);

  /** How long the loop may park before a held-back event falls due; Long.MAX_VALUE if it need not wake. */
  long nanosUntilHeldDue(long nowNanos);

  /** The time of a PURCHASE whose payment is cut short now (a pause, a move, a stop) while the lease holds. */
  long paymentCutMillis(long nowNanos);

  /** The processing_time of an event made at {@code nowNanos} with event time {@code eventTime}. */
  long processingTime(long nowNanos, long eventTime);

  /** The time up to which the partition marks are final, before pending payments and held events bound it. */
  long markMillis(long nowNanos, boolean last);

  /**
   * True when a worker without users or held events bounds nothing: on the virtual clock it does not walk
   * the slots, so its clock stands still and would hold back every window of the cluster.
   */
  boolean idleBoundsNothing();

  /**
   * A stop's delivery of the held-back events; {@code forced} ends a wait, {@code meanwhile} runs the
   * loop's commands between sends.
   */
  void drainHeld(BooleanSupplier forced, Runnable meanwhile);
}
