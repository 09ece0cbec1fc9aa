package io.clickstream.worker.stats;

import io.clickstream.worker.simulation.EventType;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The worker's Prometheus meters. Counters and gauges read the live {@link WorkerStats} and
 * {@link GeneratorGauges} when scraped (nothing extra on the hot path); only the acknowledgement latency
 * histogram is recorded per event.
 */
public final class WorkerMetrics {
  private volatile double lastAckedRate;

  /**
   * @param latencyHistogram record the per-event latency histogram; only worth its cost (on the Kafka
   *     I/O thread) when the metrics are actually served
   */
  public WorkerMetrics(MeterRegistry registry, WorkerStats stats, GeneratorGauges generator, boolean latencyHistogram) {
    for (EventType type : EventType.values()) {
      FunctionCounter.builder("clickstream.events.generated", stats, s -> s.count(type))
          .description("Events generated, by event type").tag("type", type.name()).register(registry);
    }
    FunctionCounter.builder("clickstream.events.acked", stats, s -> s.totals().acked())
        .description("Events acknowledged by Kafka").register(registry);
    FunctionCounter.builder("clickstream.events.failed", stats, s -> s.totals().failed())
        .description("Events whose send failed").register(registry);
    FunctionCounter.builder("clickstream.events.late", stats, s -> s.totals().late())
        .description("Events generated to arrive late").register(registry);
    FunctionCounter.builder("clickstream.events.sent.early", stats, s -> s.totals().sentEarly())
        .description("Late events sent before their due time by a forced stop").register(registry);
    gauge(registry, "clickstream.events.pending", "Generated, not yet acknowledged or failed (held late or in flight)",
        () -> stats.totals().pending());
    gauge(registry, "clickstream.late.held", "Late events held back right now", generator::heldLateEvents);
    gauge(registry, "clickstream.rate.target", "Target events per second of this worker",
        () -> generator.holding().paused() ? 0 : generator.holding().eventsPerSecond());
    gauge(registry, "clickstream.rate.actual", "Acknowledged events per second over the last second",
        () -> lastAckedRate);
    gauge(registry, "clickstream.users.assigned", "Users this worker simulates", () -> generator.holding().users().size());
    gauge(registry, "clickstream.sessions.open", "Users in a session", generator::openSessions);
    gauge(registry, "clickstream.epoch", "Epoch of the assignment held", () -> generator.holding().epoch());
    gauge(registry, "clickstream.producing", "1 when generating (holds users, lease valid, not paused)",
        () -> generator.producing() ? 1 : 0);
    if (!latencyHistogram) {
      return;
    }
    stats.exportAckLatency(Timer.builder("clickstream.kafka.ack.latency")
        .description("Kafka acknowledgement latency, send() to callback")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(120))
        .register(registry));
  }

  /** Called once a second with the interval's acknowledged rate. */
  public void interval(double ackedRate) {
    lastAckedRate = ackedRate;
  }

  private static void gauge(MeterRegistry registry, String name, String description, DoubleSupplier value) {
    // Strong reference: a gauge holds its state weakly, and nothing else holds this lambda.
    Gauge.builder(name, value, DoubleSupplier::getAsDouble).strongReference(true).description(description)
        .register(registry);
  }
}
