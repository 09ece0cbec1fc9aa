package io.clickstream.protocol;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * One-shot timers on the caller's event loop, behind a seam so that the simulation can run them on its
 * fake {@link Clock}. Periodic work re-arms itself, so a simulated schedule sees every firing as a step.
 */
public interface Timers {
  /** Runs {@code action} once after {@code delayMillis} (0 means as soon as possible, after the caller). */
  long after(long delayMillis, Runnable action);

  /** @return false when the timer had fired or was unknown */
  boolean cancel(long timerId);

  /** A future completed after {@code delayMillis}. */
  default Future<Void> timer(long delayMillis) {
    Promise<Void> done = Promise.promise();
    after(delayMillis, done::complete);
    return done.future();
  }

  /** Vert.x timers on the calling context; a zero delay runs on the context's next turn. */
  static Timers of(Vertx vertx) {
    return new Timers() {
      @Override
      public long after(long delayMillis, Runnable action) {
        if (delayMillis <= 0) {
          vertx.runOnContext(v -> action.run());
          return -1;
        }
        return vertx.setTimer(delayMillis, id -> action.run());
      }

      @Override
      public boolean cancel(long timerId) {
        return timerId >= 0 && vertx.cancelTimer(timerId);
      }
    };
  }
}
