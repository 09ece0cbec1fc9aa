package io.clickstream.bench;

import io.clickstream.protocol.UserRange;
import io.clickstream.worker.format.EventJsonEncoder;
import io.clickstream.worker.publish.Ids;
import io.clickstream.worker.simulation.Behaviour;
import io.clickstream.worker.simulation.Catalog;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.simulation.SplitMix;

/**
 * The worker's generation path without Kafka, built exactly as {@code WorkerVerticle} builds it
 * (catalog, default behaviour, one simulator over users 1..N), for the benchmark mains that pre-generate
 * events. Not thread-safe, like the simulator and the encoder it holds.
 */
final class EventSource {
  /** The worker's defaults: NUM_PRODUCTS, MAX_LATE_SECONDS, SESSION_TIMEOUT_MINUTES. */
  static final int DEFAULT_PRODUCTS = 50;
  static final int MAX_LATE_SECONDS = 120;
  static final int SESSION_TIMEOUT_MINUTES = 30;
  /** The worker's catalog seed when SEED is not set (WorkerConfig.catalogSeed()). */
  static final long CATALOG_SEED = 0x5EED_C47A_1065L;

  final ClickSimulator simulator;
  final EventJsonEncoder encoder = new EventJsonEncoder();
  final ClickEvent event = new ClickEvent();

  /**
   * {@code count} copies of the events of the default population (100 users, 5 % late, seed 42), one per
   * millisecond: what the encoding benchmarks encode in turn, so that only the encoder differs.
   */
  static ClickEvent[] sample(int count) {
    EventSource source = new EventSource(100, 5, 42);
    long now = 1_700_000_000_000L;
    ClickEvent[] events = new ClickEvent[count];
    for (int i = 0; i < count; i++) {
      source.next(now + i);
      events[i] = source.event.copy();
    }
    return events;
  }

  EventSource(int users, double latePercentage, long seed) {
    simulator = newSimulator(users, latePercentage, seed);
  }

  static ClickSimulator newSimulator(int users, double latePercentage, long seed) {
    ClickSimulator simulator = new ClickSimulator(new Catalog(DEFAULT_PRODUCTS, CATALOG_SEED),
        Behaviour.defaults(latePercentage, MAX_LATE_SECONDS, SESSION_TIMEOUT_MINUTES), SplitMix.mix(seed));
    simulator.assign(new UserRange(1, users), 1);
    return simulator;
  }

  /** Simulates one event at {@code now} and returns its JSON; {@link #key()} is then its Kafka key. */
  byte[] next(long now) {
    simulator.next(now, event);
    return encoder.encode(event, now);
  }

  byte[] key() {
    return Ids.userKey(event.user);
  }
}
