package io.clickstream.worker.stats;

import io.clickstream.worker.cluster.Holding;

/**
 * What the metrics read of the generator when scraped. An interface here, so that stats does not depend
 * on the generator's package (which depends on stats for its counters).
 */
public interface GeneratorGauges {
  /** What it holds now (epoch, users, rate, pause). */
  Holding holding();

  /** True when generating (holds users, not paused, lease valid). */
  boolean producing();

  /** Late events held back right now. */
  int heldLateEvents();

  /** Users in a session. */
  int openSessions();
}
