package io.clickstream.worker;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Counters;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.StatsReport;
import io.clickstream.protocol.UserRange;
import io.clickstream.worker.cluster.CoordinatorLink;
import io.clickstream.worker.cluster.TruthChannel;
import io.clickstream.worker.publish.Ids;
import io.clickstream.worker.simulation.LateSkew;
import io.clickstream.worker.truth.TruthRecorder;
import io.clickstream.worker.truth.TruthTap;
import io.clickstream.worker.format.ValueEncoding;
import io.clickstream.worker.publish.GeneratorLoop;
import io.clickstream.worker.cluster.Holding;
import io.clickstream.worker.simulation.Behaviour;
import io.clickstream.worker.simulation.Catalog;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.simulation.SplitMix;
import io.clickstream.worker.stats.WorkerMetrics;
import io.clickstream.worker.stats.WorkerStats;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the generator to Kafka, to the coordinator (or to itself in standalone mode) and to the
 * once-a-second stats: a thin verticle over pure parts. The topic is prepared before deployment
 * ({@link io.clickstream.worker.publish.KafkaPreflight}).
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final long REPORT_INTERVAL_MILLIS = 1000;
  private static final long TRUTH_DRAIN_MILLIS = 10_000;

  private final WorkerConfig config;
  /** The one source of time for everything this verticle builds. */
  private final Clock clock = Clock.SYSTEM;
  /** The topic's partition count, as Kafka reported it at start. */
  private final int partitions;
  private TruthChannel truthChannel;
  private boolean leftAfterFailure;
  private final CoordinatorLink.Identity identity;
  private final PrometheusMeterRegistry registry;
  private final java.util.function.Supplier<java.util.Collection<String>> clusterNodes;
  /** VALUE_FORMAT with the schema id registered at start. */
  private final ValueEncoding valueEncoding;
  private WorkerMetrics metrics;
  private HttpServer metricsServer;
  private KafkaProducer<byte[], byte[]> producer;
  private GeneratorLoop generator;
  private CoordinatorLink link;
  private WorkerStats stats;
  private long reportTimer = -1;
  private long seq;
  private Counters lastLogged = Counters.ZERO;
  private long lastLogMillis;
  private WorkerStats.Interval lastInterval;
  /** The stop in progress, or null: a stop may be asked for twice (a signal, then the undeploy). */
  private Future<Void> stopping;

  public WorkerVerticle(WorkerConfig config, int partitions, CoordinatorLink.Identity identity,
                        PrometheusMeterRegistry registry,
                        java.util.function.Supplier<java.util.Collection<String>> clusterNodes) {
    this(config, partitions, identity, registry, clusterNodes, ValueEncoding.JSON);
  }

  public WorkerVerticle(WorkerConfig config, int partitions, CoordinatorLink.Identity identity,
                        PrometheusMeterRegistry registry,
                        java.util.function.Supplier<java.util.Collection<String>> clusterNodes,
                        ValueEncoding valueEncoding) {
    this.valueEncoding = valueEncoding;
    this.config = config;
    this.partitions = partitions;
    this.clusterNodes = clusterNodes;
    this.identity = identity;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    long now = clock.currentTimeMillis();
    stats = new WorkerStats(now);
    lastLogMillis = now;
    producer = KafkaProducer.create(vertx, config.producerProperties());
    long userSeed = config.seed().orElseGet(() -> new SecureRandom().nextLong());
    LateSkew lateSkew = LateSkew.parse(config.lateSkew(), config.catalogSeed(), partitions,
        user -> Ids.partitionOf(user, partitions));
    ClickSimulator simulator = new ClickSimulator(new Catalog(config.numProducts(), config.catalogSeed()),
        Behaviour.withTimeoutMillis(config.latePercentage(), config.lateDelay(), config.sessionTimeoutMillis(),
            config.paymentMillis()),
        SplitMix.mix(userSeed), lateSkew, config.virtualClock() != null);
    // An interceptor may keep records after send(): then values must not share arrays.
    boolean reuseValues = !config.producerProperties().containsKey("interceptor.classes");
    WorkerConfig.Truth truthSettings = config.truth();
    // Standalone has no coordinator to merge and publish the truth: recording it would only pile up.
    TruthTap truth = truthSettings.enabled() && !config.standalone() ? new TruthRecorder(truthSettings.windowSeconds() * 1000L,
        truthSettings.latenessSeconds(), config.sessionTimeoutMillis()) : TruthTap.OFF;
    generator = new GeneratorLoop(simulator, producer.unwrap(), config.topic(), config.workerId(), stats,
        new GeneratorLoop.Options(config.recordHeaders(), reuseValues, partitions, truth, config.virtualClock(),
            config.numUsers(), config.stopDrainSeconds() * 1000L, valueEncoding), clock);
    generator.start();
    metrics = new WorkerMetrics(registry, stats, generator, config.metricsPort() != 0);
    Future<Void> control;
    if (config.standalone()) {
      control = Future.fromCompletionStage(generator.apply(
          new Holding(1, new UserRange(1, config.numUsers()), config.eventsPerSecond(), false, config.numUsers())), context)
          .map(accepted -> {
            // No coordinator to renew it: the lease never ends.
            generator.leaseUntil(clock.nanoTime() + Long.MAX_VALUE / 2);
            return null;
          });
    } else {
      io.vertx.core.Context context = vertx.getOrCreateContext();
      CoordinatorLink.Seams seams = new CoordinatorLink.Seams(clock,
          io.clickstream.protocol.Timers.of(vertx), task -> context.runOnContext(v -> task.run()),
          io.clickstream.worker.cluster.CoordinatorChannel.eventBus(vertx),
          () -> new Thread(() -> System.exit(2), "clickstream-duplicate-exit").start());
      link = new CoordinatorLink(seams, generator, identity, config.coordinatorGraceSeconds() * 1000L, clusterNodes);
      truthChannel = new TruthChannel(vertx, clock);
      control = link.start();
    }
    return control
        .compose(v -> startMetricsServer())
        .onSuccess(v -> reportTimer = vertx.setPeriodic(REPORT_INTERVAL_MILLIS, id -> report(false)));
  }

  /** GET /metrics (Prometheus text), /health (the process runs) and /ready (it can produce). */
  private Future<Void> startMetricsServer() {
    if (config.metricsPort() == 0) {
      return Future.succeededFuture();
    }
    return vertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/metrics" -> request.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            .end(registry.scrape());
        case "/health" -> request.response().putHeader("Content-Type", "application/json").end("{\"status\":\"UP\"}");
        case "/ready" -> {
          JsonObject readiness = readiness();
          request.response().setStatusCode(readiness.getBoolean("ready") ? 200 : 503)
              .putHeader("Content-Type", "application/json").end(readiness.encode());
        }
        default -> request.response().setStatusCode(404).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", "no such resource: " + request.path()).put("status", 404).encode());
      }
    }).listen(config.metricsPort(), config.metricsHost())
        .recover(err -> Future.failedFuture("cannot serve metrics on METRICS_PORT=" + config.metricsPort() + " (METRICS_HOST="
            + config.metricsHost() + "): " + err.getMessage()))
        .onSuccess(server -> {
          metricsServer = server;
          LOG.info("Metrics and health on http://{}:{}/metrics", config.metricsHost(), server.actualPort());
        })
        .mapEmpty();
  }

  /** Ready when it can do its job: joined (or standalone), generator alive, Kafka taking events. */
  private JsonObject readiness() {
    boolean joined = config.standalone() || link.registered() || link.coordinatorAway();
    boolean kafkaOk = !(lastInterval != null && lastInterval.delta().failed() > 0 && lastInterval.delta().acked() == 0);
    boolean generatorAlive = !generator.failed();
    return new JsonObject().put("ready", joined && kafkaOk && generatorAlive).put("clusterJoined", joined)
        .put("kafkaAccepting", kafkaOk).put("generatorAlive", generatorAlive).put("producing", generator.producing());
  }

  @Override
  public Future<?> stop() {
    return gracefulStop();
  }

  /**
   * Stops generating at once and tells the coordinator, which moves the users elsewhere; then waits while
   * the held-back late events go out at their due times (at most STOP_DRAIN_SECONDS), still heartbeating
   * and reporting stats and truth; then the last report and the last truth, and the worker leaves.
   * Idempotent: runs on this verticle's context.
   */
  public Future<Void> gracefulStop() {
    if (stopping == null) {
      if (link != null) {
        link.drain();
      }
      stopping = stopSequence();
    }
    return stopping;
  }

  /** Ends the stop's wait: what is still held back goes out now, marked as sent early. */
  public void forceStop() {
    generator.force();
  }

  private Future<Void> stopSequence() {
    // The last truth report (every window final) is delivered while the worker still heartbeats, so the
    // coordinator keeps taking it; the report timer runs on through the drain.
    return Future.fromCompletionStage(generator.stop(), context)
        .andThen(ar -> {
          if (reportTimer >= 0) {
            vertx.cancelTimer(reportTimer);
          }
          report(true);
        })
        // Each step runs even if one before failed; the last line says whether something did.
        .eventually(this::deliverLastTruth)
        .eventually(() -> link == null ? Future.succeededFuture() : link.stop())
        .eventually(() -> metricsServer == null ? Future.succeededFuture() : metricsServer.close())
        .eventually(() -> producer.close())
        .andThen(ar -> {
          Counters t = stats.totals();
          LOG.info("Stopped. Final totals: {} generated, {} acked, {} failed, {} pending, {} late, {} sent early{}",
              t.generated(), t.acked(), t.failed(), t.pending(), t.late(), t.sentEarly(),
              ar.failed() ? " (close failed: " + ar.cause().getMessage() + ")" : "");
        })
        .mapEmpty();
  }

  /**
   * The last truth report (every window final, open sessions handed over) goes to the coordinator
   * before the worker leaves; if it cannot be delivered in time, the windows stay open there and are
   * published as incomplete.
   */
  private Future<Void> deliverLastTruth() {
    if (truthChannel == null || link.refused()) {
      // A worker refused at registration (a duplicate WORKER_ID) has no truth the coordinator would take.
      return Future.succeededFuture();
    }
    return Future.fromCompletionStage(generator.truthReport(), context)
        .compose(last -> {
          truthChannel.offer(last);
          return truthChannel.drain(TRUTH_DRAIN_MILLIS);
        })
        .onFailure(err -> LOG.warn("Leaving without delivering the ground truth: {}", err.getMessage()))
        .otherwiseEmpty();
  }

  private void report(boolean last) {
    if (!last && link != null && generator.failed() && !leftAfterFailure) {
      // A dead generator must not keep its users (and hold the truth back): stop heartbeating, so the
      // coordinator declares this worker lost and gives its users to others. /ready says why.
      leftAfterFailure = true;
      LOG.error("The generator thread died: leaving the cluster's assignments so that the users move elsewhere");
      link.stop();
    }
    long now = clock.currentTimeMillis();
    WorkerStats.Interval interval = stats.closeInterval(now);
    lastInterval = interval;
    metrics.interval(interval.millis() <= 0 ? 0 : interval.delta().acked() * 1000.0 / interval.millis());
    Holding held = generator.holding();
    if (link != null) {
      // A send() blocked right now (full buffer, broker away or throttled) is lag too, though not yet recorded.
      double stall = generator.sendStallMillis();
      StatsReport report = new StatsReport(config.workerId(), identity.host(), ++seq, held.epoch(), held.users(),
          held.paused() ? 0 : held.eventsPerSecond(), generator.producing(), interval.totals(), interval.byType(),
          interval.millis(), interval.delta(), interval.deltaByType(), interval.ackP50Ms(), interval.ackP99Ms(),
          interval.ackMaxMs(), interval.lagP50Ms(), Math.max(interval.lagP99Ms(), stall),
          Math.max(interval.lagMaxMs(), stall), interval.lastError(), interval.ackMicros(), interval.lagMicros());
      vertx.eventBus().send(Protocol.STATS, report.toJson());
      if (!last) {
        Future.fromCompletionStage(generator.truthReport(), context).onSuccess(truth -> {
          if (truth != null) {
            truthChannel.offer(truth);
          }
        });
      }
    }
    if (last || now - lastLogMillis >= config.statsLogSeconds() * 1000L) {
      logEvents(interval, now);
    }
  }

  /** The original's greppable progress line. */
  private void logEvents(WorkerStats.Interval interval, long now) {
    Counters t = interval.totals();
    // A final line after a short period would show a meaningless burst rate: use at least one second.
    double seconds = Math.max(1.0, (now - lastLogMillis) / 1000.0);
    double rate = (t.acked() - lastLogged.acked()) / seconds;
    double latePct = t.generated() == 0 ? 0 : 100.0 * t.late() / t.generated();
    Holding held = generator.holding();
    String state = generator.draining() ? String.format(java.util.Locale.ROOT, " (stopping: %,d held-back late events to go)",
        generator.heldLateEvents()) : generator.producing() ? "" : " (not producing)";
    LOG.info(String.format(java.util.Locale.ROOT, "Events: %,d generated, %,.1f/s acked over %.0fs, %,d acked, %,d late"
            + " (%.1f%%), %,d failed, %,d pending, %,d sent early, send lag p99 %.1f ms, users %s at %,.1f/s target%s",
        t.generated(), rate, seconds, t.acked(), t.late(), latePct, t.failed(), t.pending(), t.sentEarly(),
        interval.lagP99Ms(), held.users(), held.eventsPerSecond(), state));
    lastLogged = t;
    lastLogMillis = now;
  }
}
