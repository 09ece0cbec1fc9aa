package io.clickstream.systemtest;

import static io.clickstream.systemtest.ClusterFixture.await;
import static io.clickstream.systemtest.ClusterFixture.coversExactlyOnce;
import static io.clickstream.systemtest.ClusterFixture.liveWorkers;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.JvmProcess;
import io.clickstream.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code ./clickstream local --workers 2} itself, as a user runs it, on free ports and a state dir of
 * its own: a worker killed with SIGKILL is logged by name and signal while the launcher keeps running,
 * the survivor takes every user and the topic keeps growing; the add-a-worker command the launcher
 * printed, and {@code ./clickstream add-worker}, each bring a worker that takes users; SIGTERM to the
 * launcher stops everything, the added worker included. Everything started is ended by PID, also on
 * failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherIT {
  private static final int USERS = 100;
  private static final String TOPIC = "clickstream";
  private static final Pattern STARTED = Pattern.compile("\\[clickstream] (\\S+) started \\(pid (\\d+)");
  private static final Pattern SPELLED_OUT = Pattern.compile("(?m)^\\[clickstream]   (.+ worker)$");

  private static Path stateDir;
  private static Map<String, String> env;
  private static int httpPort;
  private static String bootstrap;
  private static ScriptProcess launcher;
  private static final List<ScriptProcess> added = new ArrayList<>();
  /** Every JVM pid the launcher or the status reported, to end whatever a failure leaves behind. */
  private static final Set<Long> jvmPids = new HashSet<>();
  private static final List<String> figures = new ArrayList<>();
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void startLocal() throws IOException {
    String cluster = "it-launcher-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    stateDir = Files.createDirectories(ClusterFixture.ROOT.resolve("system-tests/target/launcher-it/" + cluster));
    int kafkaPort = ClusterFixture.freePort();
    httpPort = ClusterFixture.freePort();
    bootstrap = "127.0.0.1:" + kafkaPort;
    env = new LinkedHashMap<>(baseEnv());
    env.put("JAVA", JvmProcess.javaExecutable().toString());
    env.put("KAFKA_PORT", Integer.toString(kafkaPort));
    env.put("KAFKA_CONTROLLER_PORT", Integer.toString(ClusterFixture.freePort()));
    env.put("HTTP_PORT", Integer.toString(httpPort));
    env.put("METRICS_BASE_PORT", Integer.toString(freeBlock(40_000, 6) - 1));
    env.put("CLUSTER_PORT", Integer.toString(freeBlock(42_000, 10)));
    env.put("CLICKSTREAM_STATE_DIR", stateDir.toString());
    env.put("CLUSTER_NAME", cluster);
    env.put("NUM_USERS", Integer.toString(USERS));
    env.put("EVENTS_PER_SECOND", "200");
    // No held-back late events: the stop at the end is quick.
    env.put("LATE_DATA_PERCENTAGE", "0");
    env.put("WORKER_JAVA_OPTS", "-Xmx256m");
    env.put("COORDINATOR_JAVA_OPTS", "-Xmx256m");
    long started = System.nanoTime();
    launcher = ScriptProcess.start("launcher", List.of(ClusterFixture.ROOT.resolve("clickstream").toString(), "local",
        "--workers", "2"), env, stateDir.resolve("launcher.log"));
    launcher.waitForLog(SPELLED_OUT, Duration.ofSeconds(240));
    rememberPids();
    awaitCoverage(Set.of("worker-1", "worker-2"), Duration.ofSeconds(180));
    figures.add(String.format("local --workers 2: both workers producing %.1f s after the launcher started",
        (System.nanoTime() - started) / 1e9));
  }

  @AfterAll
  static void cleanUp() {
    figures.forEach(f -> System.out.println("[LauncherIT] " + f));
    try {
      added.forEach(ScriptProcess::close);
      if (launcher != null && launcher.isAlive()) {
        launcher.terminate();
        launcher.waitForExit(Duration.ofSeconds(120));
      }
    } catch (AssertionError e) {
      System.out.println("[LauncherIT] " + e.getMessage());
    } finally {
      if (launcher != null) {
        launcher.close();
        rememberPids();
      }
      // Only JVMs of this run: the pid must still run one of our jars or the embedded broker.
      for (long pid : jvmPids) {
        ProcessHandle.of(pid).filter(LauncherIT::runsOurs).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  @Order(1)
  void theLaunchersPidsAreTheWorkerJvms() {
    Map<String, Long> logged = startedPids();
    assertThat(logged).containsKeys("kafka", "coordinator", "worker-1", "worker-2");
    for (Map.Entry<String, JsonObject> w : liveWorkers(status()).entrySet()) {
      assertThat(w.getValue().getLong("pid")).as(w.getKey() + ": the status's pid is the one the launcher logged")
          .isEqualTo(logged.get(w.getKey()));
    }
  }

  @Test
  @Order(2)
  void aWorkerKilledWithSigkillIsLoggedAndTheSurvivorTakesAllUsers() {
    long pid = liveWorkers(status()).get("worker-1").getLong("pid");
    ProcessHandle victim = ProcessHandle.of(pid).orElseThrow();
    assertThat(victim.info().commandLine().orElse("")).contains("clickstream-worker.jar");
    long killedAt = System.nanoTime();
    assertThat(victim.destroyForcibly()).as("SIGKILL sent").isTrue();

    awaitCoverage(Set.of("worker-2"), Duration.ofSeconds(90));
    double failover = (System.nanoTime() - killedAt) / 1e9;
    figures.add(String.format("kill -9 worker-1 -> worker-2 producing all %d users: %.1f s", USERS, failover));

    launcher.waitForLog(Pattern.compile("worker-1 \\(pid " + pid + "\\) exited: status 137 \\(SIGKILL\\)"),
        Duration.ofSeconds(30));
    assertThat(launcher.isAlive()).as("the launcher keeps running").isTrue();
    assertThat(launcher.log()).doesNotContain("[clickstream] stopping", "stopping everything");
    JsonObject lost = status().getJsonArray("workers").stream().map(JsonObject.class::cast)
        .filter(w -> w.getString("id").equals("worker-1")).findFirst().orElseThrow();
    assertThat(lost.getString("state")).as("the dashboard shows worker-1").isEqualTo("lost");
  }

  @Test
  @Order(3)
  void theTopicKeepsGrowingAfterTheKill() {
    long before = TopicReader.endOffsetsSum(bootstrap, TOPIC);
    long after = await("the topic grows past " + before, Duration.ofSeconds(60),
        () -> TopicReader.endOffsetsSum(bootstrap, TOPIC), n -> n > before + 100);
    assertThat(after).isGreaterThan(before);
  }

  @Test
  @Order(4)
  void thePrintedCommandAddsAWorkerThatTakesUsers() {
    Matcher m = SPELLED_OUT.matcher(launcher.log());
    assertThat(m.find()).isTrue();
    String command = m.group(1);
    assertThat(command).contains("CLUSTER_NAME=" + env.get("CLUSTER_NAME"), "KAFKA_BOOTSTRAP_SERVERS=" + bootstrap,
        "WORKER_ID=worker-3", "CLUSTER_PORT=" + env.get("CLUSTER_PORT"));
    // Only what any shell has: the command carries the cluster's settings itself.
    ScriptProcess worker3 = ScriptProcess.start("worker-3", List.of("bash", "-c", command), baseEnv(),
        stateDir.resolve("printed-command.log"));
    added.add(worker3);
    awaitCoverage(Set.of("worker-2", "worker-3"), Duration.ofSeconds(180));
    rememberPids();
  }

  @Test
  @Order(5)
  void addWorkerAddsAnotherWithAFreshNumber() {
    Map<String, String> shell = new LinkedHashMap<>(baseEnv());
    shell.put("CLICKSTREAM_STATE_DIR", stateDir.toString());
    ScriptProcess addWorker = ScriptProcess.start("add-worker", List.of(ClusterFixture.ROOT.resolve("clickstream")
        .toString(), "add-worker"), shell, stateDir.resolve("add-worker.log"));
    added.add(addWorker);
    awaitCoverage(Set.of("worker-2", "worker-3", "worker-4"), Duration.ofSeconds(180));
    rememberPids();
    assertThat(liveWorkers(status()).get("worker-4").getLong("pid")).as("add-worker execs the worker JVM")
        .isEqualTo(addWorker.pid());
  }

  @Test
  @Order(6)
  void aWorkerStoppedWithSigtermHandsBackItsUsers() {
    ScriptProcess worker3 = added.get(0);
    worker3.terminate();
    assertThat(worker3.waitForExit(Duration.ofSeconds(90))).isIn(0, 143);
    awaitCoverage(Set.of("worker-2", "worker-4"), Duration.ofSeconds(90));
    assertThat(launcher.isAlive()).as("the launcher keeps running").isTrue();
  }

  @Test
  @Order(7)
  void sigtermStopsEverythingTheAddedWorkerToo() {
    ScriptProcess addWorker = added.get(1);
    long since = System.nanoTime();
    launcher.terminate();
    // LATE_DATA_PERCENTAGE=0: nothing to drain; the bound is the launcher's own (drain + 40 s, then 30 + 30).
    assertThat(launcher.waitForExit(Duration.ofSeconds(240))).as(launcher.logTail(30)).isEqualTo(143);
    figures.add(String.format("SIGTERM to the launcher -> everything stopped in %.1f s", (System.nanoTime() - since) / 1e9));
    assertThat(addWorker.waitForExit(Duration.ofSeconds(10))).as("the added worker was stopped with SIGTERM")
        .isIn(0, 143);
    assertThat(launcher.log()).contains("[clickstream] stopped").doesNotContain("killing");
    for (long pid : jvmPids) {
      assertThat(ProcessHandle.of(pid).filter(LauncherIT::runsOurs)).as("pid " + pid + " ended").isEmpty();
    }
    assertThat(stateDir.resolve("local")).as("add-worker's state is gone with the cluster").doesNotExist();
  }

  private static void awaitCoverage(Set<String> expectedLive, Duration timeout) {
    await(expectedLive + " live, covering all " + USERS + " users once and producing", timeout, () -> {
      if (!launcher.isAlive()) {
        throw new AssertionError("the launcher exited:\n" + launcher.logTail(40));
      }
      return status();
    }, s -> {
      Map<String, JsonObject> live = liveWorkers(s);
      return live.keySet().equals(expectedLive) && !s.getBoolean("rebalancing")
          && live.values().stream().allMatch(w -> w.getBoolean("producing")) && coversExactlyOnce(live, USERS);
    });
  }

  private static Map<String, Long> startedPids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    Matcher m = STARTED.matcher(launcher.log());
    while (m.find()) {
      pids.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return pids;
  }

  private static void rememberPids() {
    jvmPids.addAll(startedPids().values());
    try {
      liveWorkers(status()).values().forEach(w -> jvmPids.add(w.getLong("pid")));
    } catch (RuntimeException e) {
      // The coordinator is gone: the launcher's log had the rest.
    }
  }

  /** Alive and running one of our jars or this run's broker (a pid can be reused). */
  private static boolean runsOurs(ProcessHandle process) {
    return process.isAlive() && process.info().commandLine().map(LauncherIT::ours).orElse(false);
  }

  private static boolean ours(String commandLine) {
    return commandLine.contains(ClusterFixture.WORKER_JAR.toString())
        || commandLine.contains(ClusterFixture.COORDINATOR_JAR.toString())
        || commandLine.contains(stateDir.resolve("kafka").toString());
  }

  /** What any login shell has, and nothing of the cluster's. */
  private static Map<String, String> baseEnv() {
    return Map.of("PATH", JvmProcess.javaExecutable().getParent() + ":/usr/local/bin:/usr/bin:/bin",
        "HOME", System.getProperty("user.home"));
  }

  private static JsonObject status() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
          + "/api/status")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The first of {@code count} consecutive free ports, searched from around {@code from}. */
  private static int freeBlock(int from, int count) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = from + ThreadLocalRandom.current().nextInt(1_000) * 10;
      boolean free = true;
      for (int p = base; p < base + count && free; p++) {
        try (ServerSocket s = new ServerSocket(p)) {
          s.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no " + count + " free ports from " + from);
  }
}
