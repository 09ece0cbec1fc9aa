package io.clickstream.protocol;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * One Prometheus registry per process, shared by Vert.x's own metrics (event bus, HTTP, JVM) and the
 * application's meters, so GET /metrics shows both.
 */
public final class MetricsSupport {
  private MetricsSupport() {
  }

  public static PrometheusMeterRegistry newRegistry(String role) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("role", role);
    return registry;
  }

  /** Vert.x builder options with Micrometer metrics on the given registry. */
  public static VertxBuilder builder(PrometheusMeterRegistry registry, VertxOptions options) {
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }
}
