package io.clickstream.worker.publish;

import io.clickstream.worker.simulation.ClickEvent;

/** Where the generator's parts hand events: the seam between the clocks' logic and the loop that owns the sink. */
interface Outlet {
  /** The event just simulated (in the loop's shared instance): counted, then held back if late or sent now. */
  void emit(long nowNanos, long intendedNanos, long processingTime);

  /**
   * Sends an event now.
   *
   * @param intendedNanos when it should have gone out (monotonic ns), for the send lag
   * @param earlyMillis how long before its due time a held-back event goes out; 0 when on time
   */
  void send(ClickEvent e, long intendedNanos, long processingTime, long earlyMillis);
}
