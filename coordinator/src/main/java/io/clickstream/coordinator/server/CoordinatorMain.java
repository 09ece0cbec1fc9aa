package io.clickstream.coordinator.server;

import io.clickstream.coordinator.CoordinatorConfig;
import io.clickstream.protocol.Clock;
import io.clickstream.protocol.ClusterBootstrap;
import io.clickstream.protocol.ConfigException;
import io.clickstream.protocol.MetricsSupport;
import io.clickstream.protocol.ShutdownHook;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.shareddata.Lock;
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
        .onSuccess(clustered -> ShutdownHook.install(clustered.vertx(), "coordinator", SHUTDOWN_TIMEOUT_SECONDS))
        .compose(clustered -> holdCluster(clustered, config).map(lock -> clustered))
        .compose(clustered -> clustered.vertx()
            .deployVerticle(new CoordinatorVerticle(config, clustered.clusterManager(), registry))
            .map(id -> clustered))
        .onFailure(err -> {
          if (err instanceof CoordinatorLock.WaitExpired) {
            LOG.error("clickstream coordinator cannot start: {}", err.getMessage());
            System.exit(2);
          }
          LOG.error("clickstream coordinator failed to start: {}", err.toString(), err);
          System.exit(1);
        });
  }

  /**
   * Waits, as a standby answering only /health and /ready, until this coordinator holds the cluster's
   * coordinator lock; before that it registers no worker and takes no command.
   */
  private static Future<Lock> holdCluster(ClusterBootstrap.Clustered clustered, CoordinatorConfig config) {
    String self = "node " + clustered.nodeId() + " at " + config.cluster().publicHost() + ", pid "
        + ProcessHandle.current().pid() + ", http " + config.httpHost() + ":" + config.httpPort();
    CoordinatorLock lock = new CoordinatorLock(clustered.vertx(), Clock.SYSTEM, config.cluster().name(), self,
        config.lockWaitSeconds());
    Future<HttpServer> standby = StandbyHttp.listen(clustered.vertx(), config, lock::standbyReason);
    return lock.acquire().compose(held -> standby
        .compose(server -> server == null ? Future.succeededFuture() : server.close())
        .map(v -> held));
  }
}
