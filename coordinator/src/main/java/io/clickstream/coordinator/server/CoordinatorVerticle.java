package io.clickstream.coordinator.server;

import io.clickstream.coordinator.Refused;
import io.clickstream.coordinator.WorkerChannel;
import io.clickstream.coordinator.CoordinatorConfig;
import io.clickstream.coordinator.Coordinator;
import io.clickstream.protocol.Timers;
import io.clickstream.protocol.Clock;
import io.clickstream.coordinator.api.HttpApi;
import io.clickstream.coordinator.api.KafkaLanding;
import io.clickstream.coordinator.api.StatusStream;
import io.clickstream.coordinator.api.StatusView;
import io.clickstream.coordinator.api.TruthApi;
import io.clickstream.coordinator.truth.TruthPublisher;
import io.clickstream.coordinator.truth.TruthService;
import io.clickstream.coordinator.truth.TruthStore;
import io.clickstream.protocol.KafkaSettings;
import io.clickstream.protocol.TruthReport;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.MessageFormatException;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.StatsReport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the {@link Coordinator} to the event bus, its timers and HTTP. Thin: every decision is in the
 * coordinator, every message format in the protocol module.
 */
public final class CoordinatorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorVerticle.class);
  private static final long ASSIGNMENT_TIMEOUT_MILLIS = 3000;

  /** The verticle runs on real time; the coordinator's logic takes any clock (the simulation's fake one). */
  private final Clock clock = Clock.SYSTEM;
  private final CoordinatorConfig config;
  /** Null when not clustered (tests): liveness then relies on heartbeats alone. */
  private final ClusterManager clusterManager;
  private final PrometheusMeterRegistry registry;
  private Coordinator coordinator;
  private KafkaLanding landing;
  /** Null when TRUTH=off. */
  private TruthService truth;
  private final StatusStream stream = new StatusStream();
  private HttpServer server;
  private long lastMalformedLogMillis;
  private long lastHistoryMillis;

  public CoordinatorVerticle(CoordinatorConfig config, ClusterManager clusterManager, PrometheusMeterRegistry registry) {
    this.config = config;
    this.clusterManager = clusterManager;
    this.registry = registry;
  }

  public Coordinator coordinator() {
    return coordinator;
  }

  public int httpPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    coordinator = new Coordinator(clock, Timers.of(vertx), config, WorkerChannel.eventBus(vertx, ASSIGNMENT_TIMEOUT_MILLIS),
        clusterManager == null ? "local" : clusterManager.getNodeId());
    landing = new KafkaLanding(vertx, clock, KafkaSettings.adminProperties(config.producerProperties()), config.topic());
    CoordinatorMetrics.bind(registry, coordinator, landing);
    List<MessageConsumer<Object>> consumers = new java.util.ArrayList<>(List.of(
        vertx.eventBus().consumer(Protocol.REGISTER,
            request(Registration::fromJson, r -> coordinator.onRegister(r, clusterNodes()).toJson())),
        vertx.eventBus().consumer(Protocol.HEARTBEAT,
            request(Heartbeat::fromJson, h -> coordinator.onHeartbeat(h).toJson())),
        vertx.eventBus().consumer(Protocol.STATS, this::onStats)));
    TruthStore truthStore = new TruthStore(10_080, 100_000);
    // Accepted from any registered worker, also one already declared lost: its part may still complete a
    // window. Read against NUM_USERS, so that no offset off the wire sizes an allocation. With TRUTH=off
    // still answered, so that workers do not keep re-sending.
    consumers.add(vertx.eventBus().consumer(Protocol.TRUTH, request(body -> TruthReport.fromJson(body, config.numUsers()), r -> {
      coordinator.checkTruthSender(r);
      if (truth != null) {
        truth.onReport(r);
      }
      return new io.vertx.core.json.JsonObject();
    })));
    if (config.truth()) {
      truth = new TruthService(clock, new TruthPublisher(vertx, clock, config.producerProperties(),
          config.watermarks() ? List.of(TruthService.truthTopic(config.topic()), TruthService.watermarkTopic(config.topic()))
              : List.of(TruthService.truthTopic(config.topic()))),
          config.topic(), config.watermarks() ? config.watermarkIdleMillis() : null, truthStore);
      CoordinatorMetrics.bindTruth(registry, truth);
      vertx.setPeriodic(1000, id -> truth.tick(ids(coordinator.registry().live()),
          ids(coordinator.registry().all().stream().filter(w -> !w.isLive()).toList()), clock.currentTimeMillis()));
    }
    vertx.setPeriodic(Coordinator.TICK_MILLIS, id -> coordinator.tick(clusterNodes()));
    vertx.setPeriodic(1000, id -> {
      long now = clock.currentTimeMillis();
      if (lastHistoryMillis != 0 && now - lastHistoryMillis > 5000) {
        // History, problems and the dashboard all hang off this timer: a gap means they went stale.
        LOG.warn("Stats timer ran {} ms late: the coordinator was stalled (GC, CPU starvation or a freeze)",
            now - lastHistoryMillis - 1000);
      }
      lastHistoryMillis = now;
      coordinator.recordHistory();
      if (stream.hasClients()) {
        stream.broadcast(StatusView.status(coordinator, landing, clock.currentTimeMillis()));
      }
    });
    landing.refresh();
    vertx.setPeriodic(3000, id -> landing.refresh());
    io.vertx.ext.web.Router router = HttpApi.router(vertx, coordinator, config, landing, stream, () -> true, registry);
    TruthApi.mount(router, config, truth == null ? null : truthStore);
    Future<HttpServer> listening = vertx.createHttpServer()
        .requestHandler(router)
        .listen(config.httpPort(), config.httpHost())
        .onSuccess(s -> {
          server = s;
          LOG.info("Coordinator {} serving the dashboard and API at http://{}:{}/", coordinator.id(),
              config.httpHost(), s.actualPort());
          String open = HttpApi.exposureWarning(config);
          if (open != null) {
            LOG.warn(open);
          }
        });
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).compose(v -> listening);
  }

  @Override
  public Future<?> stop() {
    stream.closeAll();
    return truth == null ? landing.close() : landing.close().compose(v -> truth.close());
  }

  private static Set<String> ids(java.util.Collection<io.clickstream.coordinator.membership.WorkerEntry> workers) {
    Set<String> out = new HashSet<>();
    workers.forEach(w -> out.add(w.id()));
    return out;
  }

  private Set<String> clusterNodes() {
    return clusterManager == null ? null : new HashSet<>(clusterManager.getNodes());
  }

  /**
   * A request handler that parses strictly: a malformed message or one from another protocol version is
   * answered with a 400 failure naming the problem (the sender does not wait for a timeout), a refused
   * one with its {@link Refused#code()}, and logged. No exception leaves without an answer.
   */
  private <T> io.vertx.core.Handler<Message<Object>> request(Function<Object, T> parse,
                                                               Function<T, io.vertx.core.json.JsonObject> handle) {
    return message -> {
      T parsed;
      try {
        parsed = parse.apply(message.body());
      } catch (RuntimeException e) {
        // Not only MessageFormatException: whatever a hostile body makes the parser throw is its fault.
        String reason = e instanceof MessageFormatException ? e.getMessage() : "malformed: " + e;
        logRejected(message.address(), reason);
        message.fail(400, reason);
        return;
      }
      try {
        message.reply(handle.apply(parsed));
      } catch (Refused e) {
        logRejected(message.address(), e.getMessage());
        message.fail(e.code(), e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("Handling a message on {} failed", message.address(), e);
        message.fail(500, e.toString());
      }
    };
  }

  /** Fire-and-forget, so usually nobody to answer; a sender that asked for a reply gets the refusal. */
  private void onStats(Message<Object> message) {
    try {
      coordinator.onStats(StatsReport.fromJson(message.body()));
      if (message.replyAddress() != null) {
        message.reply(new io.vertx.core.json.JsonObject());
      }
    } catch (RuntimeException e) {
      int code = e instanceof Refused r ? r.code() : 400;
      logRejected(message.address(), e instanceof MessageFormatException || e instanceof Refused ? e.getMessage()
          : "malformed: " + e);
      if (message.replyAddress() != null) {
        message.fail(code, e.getMessage());
      }
    }
  }

  private void logRejected(String address, String reason) {
    long now = clock.currentTimeMillis();
    // A stranger sending garbage in a loop must not flood the log.
    if (now - lastMalformedLogMillis > 5000) {
      lastMalformedLogMillis = now;
      LOG.warn("Rejected a message on {}: {}", address, reason);
    }
  }
}
