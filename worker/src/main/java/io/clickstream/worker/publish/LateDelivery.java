package io.clickstream.worker.publish;

import io.clickstream.protocol.Clock;
import io.clickstream.worker.simulation.ClickEvent;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the held-back late events when they fall due, and at a stop waits for them: on the wall clock each
 * goes out at its due time, so the stream keeps its lateness contract to the end. Owned by the generator
 * thread, like the {@link LateEventQueue} it drains.
 */
final class LateDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(LateDelivery.class);
  /** At most this many due events per turn of the wall-clock loop, so generation keeps its pace. */
  private static final int MAX_PER_TURN = 2048;
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final LateEventQueue queue;
  private final Outlet outlet;
  /** Monotonic time to the wall-clock epoch ms the generator stamps. */
  private final LongUnaryOperator wallMillis;
  private final Clock clock;

  LateDelivery(LateEventQueue queue, Outlet outlet, LongUnaryOperator wallMillis, Clock clock) {
    this.queue = queue;
    this.outlet = outlet;
    this.wallMillis = wallMillis;
    this.clock = clock;
  }

  /** On the wall clock: what is due at {@code nowMillis}, sent now; the send lag counts from the due time. */
  void sendDueWall(long nowMillis) {
    if (queue.nextDueMillis() > nowMillis) {
      return;
    }
    for (ClickEvent late : queue.pollDue(nowMillis, MAX_PER_TURN)) {
      long now = clock.nanoTime();
      long dueNanosAgo = (nowMillis - late.eventTime - late.lateDelayMillis) * 1_000_000L;
      outlet.send(late, now - dueNanosAgo, wallMillis.applyAsLong(now), 0);
    }
  }

  /**
   * On the virtual clock: everything due by {@code time}, each arriving at its due time (the clock's),
   * however much: a cut-off would depend on what else this worker holds, and so on the number of workers.
   */
  void sendDueVirtual(long time) {
    for (ClickEvent late : queue.pollDue(time, Integer.MAX_VALUE)) {
      long now = clock.nanoTime();
      outlet.send(late, now, late.eventTime + late.lateDelayMillis, 0);
    }
  }

  /** On the virtual clock at a stop or END_TIME: all at once, stamped with their due times. Returns how many. */
  int sendAllAtDueTimes() {
    List<ClickEvent> held = queue.drainAll();
    for (ClickEvent late : held) {
      long now = clock.nanoTime();
      outlet.send(late, now, late.eventTime + late.lateDelayMillis, 0);
    }
    return held.size();
  }

  /**
   * The stop's wait on the wall clock: each held-back event at its due time, until none is left, the drain
   * time is up or {@code forced} says so; then the rest at once, marked early. Between sends it runs
   * {@code meanwhile} (the loop's commands). Returns how many went out early.
   */
  int drain(long drainNanos, BooleanSupplier forced, Runnable meanwhile, int partitions) {
    long start = clock.nanoTime();
    long deadline = start + drainNanos;
    if (queue.size() > 0) {
      long lastDueIn = Math.max(0, queue.bounds(partitions).maxDueMillis() - wallMillis.applyAsLong(start));
      LOG.info(String.format(Locale.ROOT, "Stopping: draining %,d held-back late events, the last due in %d s"
              + " (waiting at most %d s, STOP_DRAIN_SECONDS; a second Ctrl-C or SIGTERM sends them now, marked early)",
          queue.size(), (lastDueIn + 999) / 1000, TimeUnit.NANOSECONDS.toSeconds(drainNanos)));
    }
    long now = start;
    while (queue.size() > 0 && !forced.getAsBoolean() && now - deadline < 0) {
      meanwhile.run();
      sendDueWall(wallMillis.applyAsLong(now));
      long wait = Math.min(Math.min(PARK_NANOS, deadline - now),
          (queue.nextDueMillis() - wallMillis.applyAsLong(now)) * 1_000_000L);
      if (wait > 0) {
        LockSupport.parkNanos(this, wait);
      }
      now = clock.nanoTime();
    }
    List<ClickEvent> rest = queue.drainAll();
    for (ClickEvent late : rest) {
      long sendNanos = clock.nanoTime();
      long wall = wallMillis.applyAsLong(sendNanos);
      outlet.send(late, sendNanos, wall, Math.max(1, late.eventTime + late.lateDelayMillis - wall));
    }
    if (rest.isEmpty()) {
      LOG.info("Stopping: every held-back late event went out at its due time (drained in {} ms)",
          TimeUnit.NANOSECONDS.toMillis(now - start));
    } else {
      LOG.warn(String.format(Locale.ROOT, "Stopping: %s; sent the %,d held-back late events still held at once,"
              + " marked with the %s header and counted as sent early",
          forced.getAsBoolean() ? "asked to stop now" : "STOP_DRAIN_SECONDS ran out", rest.size(),
          RecordSink.HEADER_SENT_EARLY));
    }
    return rest.size();
  }

  /** How long the loop may park before the next held-back event is due (wall clock); Long.MAX_VALUE if none. */
  long nanosUntilNextDue(long nowNanos) {
    long due = queue.nextDueMillis();
    return due == Long.MAX_VALUE ? Long.MAX_VALUE : (due - wallMillis.applyAsLong(nowNanos)) * 1_000_000L;
  }
}
