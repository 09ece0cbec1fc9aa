package io.clickstream.coordinator;

import io.clickstream.protocol.ClusterBootstrap;
import io.clickstream.protocol.ConfigException;
import io.clickstream.protocol.MetricsSupport;
import io.clickstream.protocol.ShutdownHook;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the coordinator process: configuration, then the cluster, then the verticle. */
public final class CoordinatorMain {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorMain.class);
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;

  private CoordinatorMain() {
  }

  public static void main(String[] args) {
    if (args.length > 0) {
      System.err.println("clickstream coordinator: takes no arguments, configuration comes from the environment; got "
          + String.join(" ", args));
      System.exit(2);
    }
    CoordinatorConfig config;
    try {
      config = CoordinatorConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      System.err.println("clickstream coordinator cannot start: invalid configuration:");
      e.problems().forEach(p -> System.err.println("  - " + p));
      System.exit(2);
      return;
    }
    LOG.info("Starting clickstream coordinator: {}", config.describe());
    String refusal = KafkaLoginCheck.refusal(config);
    if (refusal != null) {
      LOG.error("clickstream coordinator cannot start: {}", refusal);
      System.exit(2);
      return;
    }
    PrometheusMeterRegistry registry = MetricsSupport.newRegistry("coordinator");
    ClusterBootstrap.start(config.cluster(), registry)
        .compose(clustered -> clustered.vertx()
            .deployVerticle(new CoordinatorVerticle(config, clustered.clusterManager(), registry))
            .map(id -> clustered))
        .onSuccess(clustered -> ShutdownHook.install(clustered.vertx(), "coordinator", SHUTDOWN_TIMEOUT_SECONDS))
        .onFailure(err -> {
          LOG.error("clickstream coordinator failed to start: {}", err.toString(), err);
          System.exit(1);
        });
  }
}
