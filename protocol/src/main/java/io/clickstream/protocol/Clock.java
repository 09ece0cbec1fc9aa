package io.clickstream.protocol;

/**
 * The one place main code reads time. Production uses {@link #SYSTEM}; the deterministic simulation
 * injects a fake whose time moves only when its scheduler says so, which is what lets one JVM replay a
 * whole cluster's schedule from a seed.
 */
public interface Clock {
  /** Monotonic time for durations, leases and deadlines; only differences mean anything. */
  long nanoTime();

  /** Wall time: event times, history points, log throttles. */
  long currentTimeMillis();

  Clock SYSTEM = new Clock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
      return System.currentTimeMillis();
    }

    @Override
    public String toString() {
      return "system clock";
    }
  };
}
