package io.clickstream.worker;

import io.clickstream.protocol.ClusterBootstrap;
import io.clickstream.protocol.ConfigException;
import io.clickstream.protocol.MetricsSupport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.clickstream.protocol.ShutdownHook;
import io.clickstream.worker.cluster.CoordinatorLink;
import io.clickstream.worker.publish.KafkaPreflight;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of a worker process. Order matters: configuration, then Kafka, then the cluster, so that a
 * process that cannot work exits non-zero with the reason before any other member sees it.
 */
public final class WorkerMain {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);
  private static final long SHUTDOWN_TIMEOUT_SECONDS = 25;

  private WorkerMain() {
  }

  public static void main(String[] args) {
    Map<String, String> env = new HashMap<>(System.getenv());
    for (String arg : args) {
      if (arg.equals("--standalone")) {
        env.put("STANDALONE", "true");
      } else {
        System.err.println("clickstream worker: unknown argument \"" + arg + "\" (only --standalone is accepted)");
        System.exit(2);
      }
    }
    WorkerConfig config;
    try {
      config = WorkerConfig.fromEnv(env);
    } catch (ConfigException e) {
      System.err.println("clickstream worker cannot start: invalid configuration:");
      e.problems().forEach(p -> System.err.println("  - " + p));
      System.exit(2);
      return;
    }
    LOG.info("Starting clickstream worker: {}", config.describe());
    int partitions;
    try {
      partitions = KafkaPreflight.checkLateSkew(config, KafkaPreflight.ensureTopic(config));
    } catch (KafkaPreflight.TopicUnsuitableException e) {
      LOG.error("clickstream worker cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (KafkaPreflight.KafkaUnavailableException e) {
      LOG.error("clickstream worker cannot start: {}", e.getMessage());
      System.exit(3);
      return;
    }
    long pid = ProcessHandle.current().pid();
    PrometheusMeterRegistry registry = MetricsSupport.newRegistry("worker");
    Future<Vertx> deployed;
    if (config.standalone()) {
      Vertx vertx = MetricsSupport.builder(registry, new VertxOptions()).build();
      CoordinatorLink.Identity identity = new CoordinatorLink.Identity(config.workerId(), "standalone",
          config.cluster().publicHost(), pid, 0);
      deployed = vertx.deployVerticle(new WorkerVerticle(config, partitions, identity, registry, null)).map(id -> vertx);
    } else {
      deployed = ClusterBootstrap.start(config.cluster(), registry).compose(clustered -> {
        CoordinatorLink.Identity identity = new CoordinatorLink.Identity(config.workerId(), clustered.nodeId(),
            config.cluster().publicHost(), pid, config.metricsPort());
        return clustered.vertx()
            .deployVerticle(new WorkerVerticle(config, partitions, identity, registry, clustered.clusterManager()::getNodes))
            .map(id -> clustered.vertx());
      });
    }
    deployed
        .onSuccess(vertx -> {
          ShutdownHook.install(vertx, "worker", SHUTDOWN_TIMEOUT_SECONDS);
          LOG.info("Worker {} running ({})", config.workerId(), config.standalone() ? "standalone" : "clustered");
        })
        .onFailure(err -> {
          LOG.error("clickstream worker failed to start: {}", err.toString(), err);
          System.exit(1);
        });
  }
}
