package io.clickstream.systemtest;

import static io.clickstream.systemtest.ClusterFixture.await;
import static io.clickstream.systemtest.ClusterFixture.liveWorkers;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.ClusterBootstrap;
import io.clickstream.protocol.ClusterConfig;
import io.clickstream.protocol.Counters;
import io.clickstream.protocol.EnvReader;
import io.clickstream.protocol.MetricsSupport;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.StatsReport;
import io.clickstream.protocol.UserRange;
import io.clickstream.testkit.JvmProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CLUSTER_SECRET on the real bus: a worker with another secret never gets users, and a clustered Vert.x
 * with another secret (a forger that knows the cluster name and reaches the ports) can neither register,
 * nor assign users to a worker, nor report stats: every member refuses and logs it, and nothing changes.
 */
class ClusterSecretIT {
  private static final int USERS = 100;
  private static final String SECRET = "it-secret-" + Long.toHexString(System.nanoTime()) + "-0123456789";
  private static final String WRONG = "it-wrong-secret-0123456789abcdef";
  private static ClusterFixture cluster;
  private static Vertx forger;

  @BeforeAll
  static void start() {
    cluster = ClusterFixture.withBroker("ClusterSecretIT", Map.of("NUM_USERS", Integer.toString(USERS),
        "EVENTS_PER_SECOND", "50", "CLUSTER_SECRET", SECRET));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (forger != null) {
        forger.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  void membersWithoutTheSecretCanNeitherRegisterNorAssignNorReport() throws Exception {
    JvmProcess coordinator = cluster.startCoordinator();
    cluster.startWorker(1);
    JsonObject before = cluster.awaitCoverage(USERS, List.of("worker-1"), Duration.ofSeconds(120));
    long epochBefore = liveWorkers(before).get("worker-1").getLong("epoch");
    assertThat(coordinator.logText()).contains("bus signed (CLUSTER_SECRET ****)").doesNotContain(SECRET)
        .doesNotContain("cluster event bus is open");

    Map<String, String> env = new HashMap<>(cluster.env);
    env.put("CLUSTER_HOST", "127.0.0.6");
    env.put("CLUSTER_SECRET", WRONG);
    forger = join(ClusterBootstrap.start(ClusterConfig.fromEnv(new EnvReader(env)), MetricsSupport.newRegistry("it")))
        .vertx();
    DeliveryOptions fast = new DeliveryOptions().setSendTimeout(5000);
    Registration intruder = new Registration("intruder", "node-x", "127.0.0.6", 1, 0, 0, UserRange.EMPTY, "inc-x");
    assertRefused(forger.eventBus().request(Protocol.REGISTER, intruder.toJson(), fast));
    Assignment takeAll = new Assignment("worker-1", before.getString("coordinatorId"), epochBefore + 1_000_000,
        UserRange.EMPTY, 0, true, 600_000);
    assertRefused(forger.eventBus().request(Protocol.assignAddress("worker-1"), takeAll.toJson(), fast));
    Counters huge = new Counters(1_000_000_000, 1_000_000_000, 0, 0, 0, 0);
    StatsReport fake = new StatsReport("worker-1", "127.0.0.2", Long.MAX_VALUE / 2, epochBefore, new UserRange(1, USERS),
        50, true, huge, Map.of("VIEW", 1_000_000_000L), 1000, huge, Map.of("VIEW", 1_000_000_000L),
        1, 1, 1, 1, 1, 1, "forged");
    forger.eventBus().send(Protocol.STATS, fake.toJson());

    Pattern refused = Pattern.compile("Refused \\d+ event-bus message\\(s\\) without a valid CLUSTER_SECRET signature");
    coordinator.waitForLog(refused, Duration.ofSeconds(20));
    cluster.worker("worker-1").waitForLog(refused, Duration.ofSeconds(20));

    // A worker started with another secret: its registration is refused, so it never gets users.
    JvmProcess stranger = cluster.startWorker(2, Map.of("CLUSTER_SECRET", WRONG));
    stranger.waitForLog(Pattern.compile("Registration not answered yet"), Duration.ofSeconds(90));
    stranger.waitForLog(refused, Duration.ofSeconds(30));
    // The last stats report has been merged after the forged one: the totals are the worker's own.
    JsonObject after = await("a status after the forged messages", Duration.ofSeconds(20), cluster::status,
        s -> s.getJsonObject("totals").getLong("generated") > before.getJsonObject("totals").getLong("generated"));
    assertThat(liveWorkers(after)).containsOnlyKeys("worker-1");
    assertThat(after.getJsonArray("workers").stream().map(w -> ((JsonObject) w).getString("id")))
        .doesNotContain("intruder", "worker-2");
    assertThat(ClusterFixture.coversExactlyOnce(liveWorkers(after), USERS)).isTrue();
    assertThat(liveWorkers(after).get("worker-1").getLong("epoch")).isEqualTo(epochBefore);
    assertThat(after.getJsonObject("totals").getLong("generated")).isLessThan(1_000_000_000L);
    assertThat(cluster.worker("worker-1").logText()).doesNotContain("epoch " + takeAll.epoch());
    assertThat(stranger.logText()).doesNotContain("Registered with coordinator");
  }

  @Test
  void aShortSecretIsAConfigurationErrorThatNamesTheVariable() {
    JvmProcess worker = JvmProcess.jar(ClusterFixture.WORKER_JAR).name("short-secret").jvmArgs("-Xmx128m")
        .env(cluster.env).env("CLUSTER_SECRET", "tooshort")
        .logFile(cluster.logDir.resolve("short-secret.log")).start();
    assertThat(worker.waitForExit(Duration.ofSeconds(60))).isEqualTo(2);
    assertThat(worker.logText()).contains("CLUSTER_SECRET must be at least 16 characters, got one of 8")
        .doesNotContain("tooshort");
  }

  private static <T> T join(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  /** The forger's request fails: refused by the target, whose signed refusal the forger cannot check either. */
  private static void assertRefused(Future<?> request) {
    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> join(request));
    assertThat(failure).isInstanceOf(ExecutionException.class);
  }
}
