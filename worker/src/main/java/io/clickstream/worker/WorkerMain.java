package io.clickstream.worker;

import io.clickstream.protocol.ClusterBootstrap;
import io.clickstream.protocol.ConfigException;
import io.clickstream.protocol.MetricsSupport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.clickstream.protocol.StopSignals;
import io.clickstream.worker.cluster.CoordinatorLink;
import io.clickstream.worker.format.SchemaRegistration;
import io.clickstream.worker.format.ValueEncoding;
import io.clickstream.worker.publish.KafkaPreflight;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of a worker process. Order matters: configuration, then Kafka and the Schema Registry (when
 * VALUE_FORMAT needs one), then the cluster, so that a process that cannot work exits non-zero with the
 * reason before any other member sees it.
 */
public final class WorkerMain {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);
  /**
   * Beyond STOP_DRAIN_SECONDS, what a stop may take: the producer's bounded close (15 s), the last truth
   * report (10 s) and leaving the cluster. Past it the stop is cut short; 20 s later the process ends anyway.
   */
  static final long STOP_MARGIN_SECONDS = 40;

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
      KafkaPreflight.Topic topic = config.preflightTopic();
      partitions = KafkaPreflight.checkLateSkew(topic, KafkaPreflight.ensureTopic(topic, io.clickstream.protocol.Clock.SYSTEM));
    } catch (KafkaPreflight.TopicUnsuitableException e) {
      LOG.error("clickstream worker cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (KafkaPreflight.KafkaRefusedException e) {
      LOG.error("clickstream worker cannot start: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (KafkaPreflight.KafkaUnavailableException e) {
      LOG.error("clickstream worker cannot start: {}", e.getMessage());
      System.exit(3);
      return;
    }
    ValueEncoding valueEncoding;
    try {
      valueEncoding = SchemaRegistration.register(config.valueFormat(), config.topic());
    } catch (SchemaRegistration.RegistrationFailed e) {
      LOG.error("clickstream worker cannot start: {}", e.getMessage());
      System.exit(e.exitCode());
      return;
    }
    long pid = ProcessHandle.current().pid();
    PrometheusMeterRegistry registry = MetricsSupport.newRegistry("worker");
    Future<Vertx> deployed;
    WorkerVerticle[] verticle = new WorkerVerticle[1];
    if (config.standalone()) {
      Vertx vertx = MetricsSupport.builder(registry, new VertxOptions()).build();
      CoordinatorLink.Identity identity = new CoordinatorLink.Identity(config.workerId(), "standalone",
          config.cluster().publicHost(), pid, 0);
      verticle[0] = new WorkerVerticle(config, partitions, identity, registry, null, valueEncoding);
      deployed = vertx.deployVerticle(verticle[0]).map(id -> vertx);
    } else {
      deployed = ClusterBootstrap.start(config.cluster(), registry).compose(clustered -> {
        CoordinatorLink.Identity identity = new CoordinatorLink.Identity(config.workerId(), clustered.nodeId(),
            config.cluster().publicHost(), pid, config.metricsPort());
        verticle[0] = new WorkerVerticle(config, partitions, identity, registry, clustered.clusterManager()::getNodes,
            valueEncoding);
        return clustered.vertx().deployVerticle(verticle[0]).map(id -> clustered.vertx());
      });
    }
    deployed
        .onSuccess(vertx -> {
          StopSignals.install("worker", () -> stop(vertx, verticle[0], config.stopDrainSeconds()), verticle[0]::forceStop);
          LOG.info("Worker {} running ({})", config.workerId(), config.standalone() ? "standalone" : "clustered");
        })
        .onFailure(err -> {
          LOG.error("clickstream worker failed to start: {}", err.toString(), err);
          System.exit(1);
        });
  }

  /**
   * The graceful stop (first signal): closing Vert.x undeploys the worker, whose stop waits for the held-back
   * events ({@link WorkerVerticle#gracefulStop}); then the process exits. A watchdog cuts the stop short
   * if it takes longer than it may, and ends the process if even that does not help.
   */
  private static void stop(Vertx vertx, WorkerVerticle verticle, long drainSeconds) {
    long limit = drainSeconds + STOP_MARGIN_SECONDS;
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(limit * 1000);
        LOG.warn("The stop took more than {} s (STOP_DRAIN_SECONDS + {} s): cutting it short", limit, STOP_MARGIN_SECONDS);
        verticle.forceStop();
        Thread.sleep(20_000);
        LOG.error("The stop did not end: exiting now");
        Runtime.getRuntime().halt(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "clickstream-stop-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    vertx.close().onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("Worker did not close cleanly: {}", ar.cause().toString());
      }
      System.exit(ar.succeeded() ? 0 : 1);
    });
  }
}
