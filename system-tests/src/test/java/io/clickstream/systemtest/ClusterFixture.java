package io.clickstream.systemtest;

import io.clickstream.testkit.EmbeddedKafka;
import io.clickstream.testkit.JvmProcess;
import io.vertx.core.json.JsonArray;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A real cluster on loopback: an embedded KRaft broker, a coordinator and workers, each its own JVM
 * started from the same fat jars and with the same environment variables that containers use. Each
 * member binds its own 127.0.0.x address, as if on separate hosts. Every test run gets its own cluster
 * name and ports, so runs never join each other. {@link #close()} ends every process it started.
 */
final class ClusterFixture implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("clickstream.root", "..")).toAbsolutePath().normalize();
  static final Path COORDINATOR_JAR = ROOT.resolve("coordinator/target/clickstream-coordinator.jar");
  static final Path WORKER_JAR = ROOT.resolve("worker/target/clickstream-worker.jar");
  private static final int MAX_MEMBERS = 6;

  final EmbeddedKafka kafka;
  /** True when this fixture started the broker and so must stop it. */
  private boolean ownsKafka;
  private String reportName = "cluster";
  private final List<String> figures = new ArrayList<>();
  final String clusterName = "it-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  final int clusterBasePort;
  final int httpPort;
  final Path logDir;
  final Map<String, String> env = new LinkedHashMap<>();
  private JvmProcess coordinator;
  private int coordinatorRuns;
  private final Map<String, JvmProcess> workers = new LinkedHashMap<>();
  private final Map<String, Integer> metricsPorts = new LinkedHashMap<>();
  private final List<JvmProcess> all = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ClusterFixture(EmbeddedKafka kafka, Map<String, String> overrides) {
    this.kafka = kafka;
    this.clusterBasePort = freePortBlock();
    this.httpPort = freePort();
    try {
      this.logDir = Files.createDirectories(ROOT.resolve("system-tests/target/cluster-logs/" + clusterName));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder members = new StringBuilder();
    for (int i = 1; i <= MAX_MEMBERS; i++) {
      members.append(i == 1 ? "" : ",").append("127.0.0.").append(i);
    }
    env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("CLUSTER_NAME", clusterName);
    env.put("CLUSTER_MEMBERS", members.toString());
    env.put("CLUSTER_PORT", Integer.toString(clusterBasePort));
    env.put("CLUSTER_PORT_COUNT", "3");
    env.put("HTTP_PORT", Integer.toString(httpPort));
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("STATS_LOG_SECONDS", "5");
    // The ownership checks read the producing worker and epoch from every record.
    env.put("RECORD_HEADERS", "all");
    env.putAll(overrides);
  }

  /** A cluster with a broker of its own; {@link #close()} stops both and prints the figures. */
  static ClusterFixture withBroker(String reportName, Map<String, String> overrides) {
    EmbeddedKafka kafka = EmbeddedKafka.start();
    try {
      ClusterFixture fixture = new ClusterFixture(kafka, overrides);
      fixture.ownsKafka = true;
      fixture.reportName = reportName;
      return fixture;
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  /** Records a measured figure; all are printed when the fixture closes, for the closing notes. */
  void figure(String format, Object... args) {
    figures.add(String.format(format, args));
  }

  JvmProcess startCoordinator() {
    coordinatorRuns++;
    coordinator = JvmProcess.jar(COORDINATOR_JAR).name("coordinator-" + coordinatorRuns).jvmArgs("-Xmx256m")
        .env(env).env("CLUSTER_HOST", "127.0.0.1")
        .logFile(logDir.resolve("coordinator-" + coordinatorRuns + ".log")).start();
    all.add(coordinator);
    coordinator.waitForLog(Pattern.compile("serving the dashboard and API"), Duration.ofSeconds(90));
    return coordinator;
  }

  /** Starts a worker on 127.0.0.(index+1) and returns once it has registered with the coordinator. */
  JvmProcess startWorker(int index) {
    return startWorker(index, Map.of());
  }

  JvmProcess startWorker(int index, Map<String, String> extraEnv) {
    if (index < 1 || index >= MAX_MEMBERS) {
      throw new IllegalArgumentException("worker index from 1 to " + (MAX_MEMBERS - 1));
    }
    String id = "worker-" + index;
    int metricsPort = freePort();
    metricsPorts.put(id, metricsPort);
    JvmProcess worker = JvmProcess.jar(WORKER_JAR).name(id).jvmArgs("-Xmx384m")
        .env(env).env("CLUSTER_HOST", "127.0.0." + (index + 1)).env("WORKER_ID", id)
        .env("METRICS_HOST", "127.0.0." + (index + 1)).env("METRICS_PORT", Integer.toString(metricsPort)).env(extraEnv)
        .logFile(logDir.resolve(id + "-" + System.nanoTime() + ".log")).start();
    workers.put(id, worker);
    all.add(worker);
    return worker;
  }

  JvmProcess coordinator() {
    return coordinator;
  }

  JvmProcess worker(String id) {
    return workers.get(id);
  }

  /** Base URL of a worker's metrics and health server. */
  String workerUrl(String id, String path) {
    String host = "127.0.0." + (Integer.parseInt(id.substring(id.lastIndexOf('-') + 1)) + 1);
    return "http://" + host + ":" + metricsPorts.get(id) + path;
  }

  HttpResponse<String> getUrl(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  String url(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  JsonObject status() {
    return new JsonObject(get("/api/status").body());
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url(path))).GET());
  }

  HttpResponse<String> send(String method, String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Live workers of the last status, by id. */
  static Map<String, JsonObject> liveWorkers(JsonObject status) {
    Map<String, JsonObject> live = new LinkedHashMap<>();
    for (Object o : status.getJsonArray("workers", new JsonArray())) {
      JsonObject w = (JsonObject) o;
      if ("live".equals(w.getString("state"))) {
        live.put(w.getString("id"), w);
      }
    }
    return live;
  }

  /**
   * Polls {@code probe} until {@code done} accepts its value, and returns that value. On timeout the
   * error carries the last value seen, so a failure says what the cluster looked like.
   */
  static <T> T await(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    RuntimeException lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        last = probe.get();
        if (done.test(last)) {
          return last;
        }
        lastError = null;
      } catch (RuntimeException e) {
        lastError = e;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: " + last
        + (lastError == null ? "" : "; last error: " + lastError));
  }

  /**
   * Waits until exactly {@code expectedLive} are live, no rebalance is running, every live worker is
   * producing and together they cover USER_0001..USER_users exactly once.
   */
  JsonObject awaitCoverage(int users, java.util.Collection<String> expectedLive, Duration timeout) {
    return await(expectedLive + " live, covering all " + users + " users once and producing", timeout, this::status,
        s -> {
          Map<String, JsonObject> live = liveWorkers(s);
          return live.keySet().equals(new java.util.HashSet<>(expectedLive)) && !s.getBoolean("rebalancing")
              && live.values().stream().allMatch(w -> w.getBoolean("producing")) && coversExactlyOnce(live, users);
        });
  }

  /** Every user from 1 to {@code users} is in exactly one live worker's range. */
  static boolean coversExactlyOnce(Map<String, JsonObject> live, int users) {
    int[] owners = new int[users + 1];
    for (JsonObject w : live.values()) {
      JsonObject range = w.getJsonObject("users");
      for (int u = range.getInteger("from"); u >= 1 && u <= range.getInteger("to"); u++) {
        owners[u]++;
      }
    }
    for (int u = 1; u <= users; u++) {
      if (owners[u] != 1) {
        return false;
      }
    }
    return true;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    figures.forEach(f -> System.out.println("[" + reportName + "] " + f));
    try {
      for (JvmProcess p : all) {
        p.close();
      }
    } finally {
      if (ownsKafka) {
        kafka.close();
      }
    }
  }

  /** A port nobody listens on right now, for a process about to be started. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A base port whose first few ports are free on every 127.0.0.x, for Hazelcast's member ports. */
  private static int freePortBlock() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20_000 + ThreadLocalRandom.current().nextInt(2_000) * 10;
      boolean free = true;
      for (int p = base; p < base + 3 && free; p++) {
        try (ServerSocket socket = new ServerSocket(p)) {
          socket.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free port block for the cluster");
  }
}
