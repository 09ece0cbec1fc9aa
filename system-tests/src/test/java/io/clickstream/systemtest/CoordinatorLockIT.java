package io.clickstream.systemtest;

import static io.clickstream.systemtest.ClusterFixture.await;
import static io.clickstream.systemtest.ClusterFixture.liveWorkers;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.JvmProcess;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Only one coordinator per cluster: a second one started beside a running coordinator waits as a standby
 * (no workers, no commands, /ready 503 with the reason) and takes the cluster over when the first is killed.
 */
class CoordinatorLockIT {
  private static final int USERS = 100;
  private static ClusterFixture cluster;
  private static JvmProcess standby;

  @BeforeAll
  static void start() {
    cluster = ClusterFixture.withBroker("CoordinatorLockIT", Map.of("NUM_USERS", Integer.toString(USERS),
        "EVENTS_PER_SECOND", "50"));
  }

  @AfterAll
  static void stop() {
    try {
      if (standby != null) {
        standby.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  void aSecondCoordinatorWaitsWithoutTakingWorkersThenTakesOverWhenTheFirstDies() {
    JvmProcess first = cluster.startCoordinator();
    cluster.startWorker(1);
    JsonObject before = cluster.awaitCoverage(USERS, List.of("worker-1"), Duration.ofSeconds(120));
    String firstId = before.getString("coordinatorId");
    // No CLUSTER_SECRET here: both roles say so once at start.
    assertThat(first.logText()).containsOnlyOnce("cluster event bus is open: any process that reaches port");
    assertThat(cluster.worker("worker-1").logText())
        .containsOnlyOnce("cluster event bus is open: any process that reaches port");
    long epochBefore = liveWorkers(before).get("worker-1").getLong("epoch");

    int standbyPort = ClusterFixture.freePort();
    standby = JvmProcess.jar(ClusterFixture.COORDINATOR_JAR).name("coordinator-standby").jvmArgs("-Xmx256m")
        .env(cluster.env).env("CLUSTER_HOST", "127.0.0.5").env("HTTP_HOST", "127.0.0.5")
        .env("HTTP_PORT", Integer.toString(standbyPort))
        .logFile(cluster.logDir.resolve("coordinator-standby.log")).start();
    String firstNode = first.waitForLog(Pattern.compile("as node (\\S+)"), Duration.ofSeconds(5)).group(1);
    Pattern waiting = Pattern.compile("another coordinator \\(node " + Pattern.quote(firstNode)
        + "[^)]*\\) holds cluster '" + cluster.clusterName + "': waiting to take over");
    standby.waitForLog(waiting, Duration.ofSeconds(90));
    String standbyUrl = "http://127.0.0.5:" + standbyPort;
    HttpResponse<String> ready = await("the standby's /ready", Duration.ofSeconds(20),
        () -> cluster.getUrl(standbyUrl + "/ready"), r -> r.statusCode() == 503);
    assertThat(new JsonObject(ready.body()).getString("reason")).contains(firstNode).contains("standby");
    assertThat(cluster.getUrl(standbyUrl + "/api/status").statusCode()).isEqualTo(503);
    assertThat(cluster.getUrl(standbyUrl + "/health").statusCode()).isEqualTo(200);
    // A second attempt (5 s later) proves it kept waiting; all along the worker stayed with the first.
    await("a second waiting line", Duration.ofSeconds(30),
        () -> waiting.matcher(standby.logText()).results().count(), n -> n >= 2);
    JsonObject during = cluster.status();
    assertThat(during.getString("coordinatorId")).isEqualTo(firstId);
    assertThat(liveWorkers(during)).containsOnlyKeys("worker-1");
    assertThat(liveWorkers(during).get("worker-1").getLong("epoch")).isEqualTo(epochBefore);
    assertThat(cluster.worker("worker-1").logText()).doesNotContain("does not know this worker");
    assertThat(standby.logText()).doesNotContain("serving the dashboard and API");

    long killed = System.nanoTime();
    first.signal("KILL");
    first.waitForExit(Duration.ofSeconds(20));
    standby.waitForLog(Pattern.compile("This coordinator holds cluster '" + cluster.clusterName + "'"),
        Duration.ofSeconds(60));
    standby.waitForLog(Pattern.compile("serving the dashboard and API"), Duration.ofSeconds(60));
    JsonObject after = await("worker-1 covering all users under the new coordinator", Duration.ofSeconds(60),
        () -> new JsonObject(cluster.getUrl(standbyUrl + "/api/status").body()),
        s -> ClusterFixture.coversExactlyOnce(liveWorkers(s), USERS) && liveWorkers(s).containsKey("worker-1"));
    String secondId = after.getString("coordinatorId");
    assertThat(secondId).isNotEqualTo(firstId);
    cluster.worker("worker-1").waitForLog(Pattern.compile("Registered with coordinator " + Pattern.quote(secondId)),
        Duration.ofSeconds(30));
    await("the new coordinator ready", Duration.ofSeconds(60),
        () -> cluster.getUrl(standbyUrl + "/ready").statusCode(), code -> code == 200);
    cluster.figure("standby took over %.1f s after kill -9 of the first coordinator", (System.nanoTime() - killed) / 1e9);
  }
}
