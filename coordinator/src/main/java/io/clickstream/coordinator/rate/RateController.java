package io.clickstream.coordinator.rate;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Timers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cluster is asked to produce: the requested rate, the shape being followed, and pause. Each
 * change of what workers must hold (the effective rate or the pause) gets the next {@link #version()}, so
 * a worker's rate can be compared with the target by one number; then the listener is told. Moves no users,
 * so it knows nothing of workers: the listener sends the change to the workers that hold users.
 * Single-threaded (the coordinator's event loop); time only from its {@link Clock} and {@link Timers}.
 */
public final class RateController {
  private static final Logger LOG = LoggerFactory.getLogger(RateController.class);

  private final Clock clock;
  private final Timers timers;
  private final double maxEventsPerSecond;
  private final Runnable changed;

  private double targetRate;
  private boolean paused;
  /**
   * The version of what workers must hold: 1 for the starting rate, then one up per change. Starts above 0
   * so that 0 can mean "holds an unknown rate" (a worker that registered holding users).
   */
  private long version = 1;
  private ShapeFollower shape;
  /** The timer of the shape's next update; -1 when none. */
  private long shapeTimer = -1;

  /**
   * @param initialRate the rate workers hold at version 1 (EVENTS_PER_SECOND)
   * @param changed called after every change of the effective rate or of the pause, on the caller's thread
   */
  public RateController(Clock clock, Timers timers, double initialRate, double maxEventsPerSecond, Runnable changed) {
    this.clock = clock;
    this.timers = timers;
    this.targetRate = initialRate;
    this.maxEventsPerSecond = maxEventsPerSecond;
    this.changed = changed;
  }

  /** The requested rate, also while paused. */
  public double targetRate() {
    return targetRate;
  }

  /** What workers are asked to produce in total right now. */
  public double effectiveRate() {
    return paused ? 0 : targetRate;
  }

  public boolean paused() {
    return paused;
  }

  public long version() {
    return version;
  }

  /** The shape being followed, or null when the rate is constant. */
  public ActiveShape shape() {
    return shape == null ? null : shape.shape();
  }

  /** Sets the global rate now, or ramps linearly to it. The caller has validated the numbers. */
  public void setRate(double eventsPerSecond, double rampSeconds) {
    if (rampSeconds > 0) {
      startShape(new TrafficShape.Ramp(targetRate, eventsPerSecond, Math.round(rampSeconds * 1000)));
    } else {
      stopShape();
      LOG.info("Rate command: {} events/s", eventsPerSecond);
      holdRate(eventsPerSecond);
    }
  }

  /** Follows the shape from now on, replacing any other; its first rate goes out at once. */
  public void startShape(TrafficShape next) {
    stopShape();
    long now = clock.currentTimeMillis();
    shape = new ShapeFollower(new ActiveShape(next, now), targetRate, maxEventsPerSecond);
    LOG.info("Rate command: shape {}, until {}", next.toJson().encode(),
        java.time.Instant.ofEpochMilli(shape.shape().endMillis()));
    followShape(shape, now);
  }

  public void setPaused(boolean pause) {
    if (paused != pause) {
      paused = pause;
      LOG.info(pause ? "Paused: workers stop generating; held-back events are still delivered" : "Resumed");
      version++;
      changed.run();
    }
  }

  /**
   * One update of the shape (see {@link ShapeFollower}), on a timer of its own rather than the 500 ms
   * tick, so that updates land on the shape's edges. A paused cluster keeps following, so it resumes
   * where the shape is by then.
   */
  private void followShape(ShapeFollower following, long now) {
    if (shape != following) {
      return;
    }
    ShapeFollower.Update update = following.update(now);
    if (update.finished()) {
      LOG.info("Shape {} finished; the rate stays at {} events/s",
          following.shape().shape().toJson().getString("shape"), update.rate());
      shape = null;
      shapeTimer = -1;
    } else {
      shapeTimer = timers.after(Math.max(1, update.nextMillis() - now),
          () -> followShape(following, clock.currentTimeMillis()));
    }
    if (update.send()) {
      holdRate(update.rate());
    }
  }

  private void holdRate(double eventsPerSecond) {
    targetRate = eventsPerSecond;
    if (!paused) {
      // While paused workers hold 0 whatever the target: nothing to send until the resume.
      version++;
      changed.run();
    }
  }

  private void stopShape() {
    if (shapeTimer != -1) {
      timers.cancel(shapeTimer);
      shapeTimer = -1;
    }
    shape = null;
  }
}
