package io.clickstream.systemtest;

import static io.clickstream.systemtest.ClusterFixture.await;
import static io.clickstream.systemtest.ClusterFixture.liveWorkers;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.EmbeddedKafka;
import io.clickstream.testkit.JvmProcess;
import io.clickstream.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Workers leaving, joining, freezing and dying under load, on one cluster that lives through the
 * ordered steps; the last step reads the topic and checks the guarantees over the whole run: no
 * duplicate, never two owners at once, no user silent for more than 10 s, a frozen worker never
 * producing users that were reassigned meanwhile, and nothing lost by a graceful stop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerFaultsIT {
  private static final int USERS = 300;
  private static final double RATE = 3000;
  private static EmbeddedKafka kafka;
  private static ClusterFixture cluster;
  private static final List<String> stoppedGracefully = new ArrayList<>();
  /** Wall-clock ms when worker-1 was frozen, and the epoch it held then. */
  private static long frozenAtMillis;
  private static long frozenEpoch;
  /** What the killed workers had last reported as generated (the coordinator keeps a lost worker's last report). */
  private static final Map<String, Long> lastReportedGenerated = new HashMap<>();

  @BeforeAll
  static void start() {
    cluster = ClusterFixture.withBroker("WorkerFaultsIT", Map.of("NUM_USERS", Integer.toString(USERS),
        "EVENTS_PER_SECOND", Double.toString(RATE), "MAX_LATE_SECONDS", "15"));
    kafka = cluster.kafka;
    cluster.startCoordinator();
    for (int i = 1; i <= 3; i++) {
      cluster.startWorker(i);
    }
    awaitCoverage(List.of("worker-1", "worker-2", "worker-3"), Duration.ofSeconds(120));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aWorkerStoppedWithSigtermHandsOverItsUsers() {
    long t = System.nanoTime();
    JvmProcess w3 = cluster.worker("worker-3");
    w3.signal("TERM");
    assertThat(w3.waitForExit(Duration.ofSeconds(40))).isIn(0, 143);
    stoppedGracefully.add("worker-3");
    awaitCoverage(List.of("worker-1", "worker-2"), Duration.ofSeconds(15));
    cluster.figure("worker-3 SIGTERM: exited and users reassigned in %.1f s", (System.nanoTime() - t) / 1e9);
  }

  @Test
  @Order(2)
  void scalingUpAndDownByOneUnderLoad() {
    long t = System.nanoTime();
    cluster.startWorker(4);
    awaitCoverage(List.of("worker-1", "worker-2", "worker-4"), Duration.ofSeconds(60));
    cluster.figure("scale up (worker-4): rebalanced, all producing %.1f s after its JVM started",
        (System.nanoTime() - t) / 1e9);
    t = System.nanoTime();
    cluster.worker("worker-4").signal("TERM");
    assertThat(cluster.worker("worker-4").waitForExit(Duration.ofSeconds(40))).isIn(0, 143);
    stoppedGracefully.add("worker-4");
    awaitCoverage(List.of("worker-1", "worker-2"), Duration.ofSeconds(15));
    cluster.figure("scale down (worker-4 SIGTERM): users reassigned in %.1f s", (System.nanoTime() - t) / 1e9);
  }

  @Test
  @Order(3)
  void aFrozenWorkerStopsItselfAndRejoinsCleanly() {
    JvmProcess w1 = cluster.worker("worker-1");
    frozenEpoch = liveWorkers(cluster.status()).get("worker-1").getLong("epoch");
    frozenAtMillis = System.currentTimeMillis();
    long t = System.nanoTime();
    w1.signal("STOP");
    try {
      awaitCoverage(List.of("worker-2"), Duration.ofSeconds(15));
      cluster.figure("worker-1 SIGSTOP: its users reassigned in %.1f s", (System.nanoTime() - t) / 1e9);
      while (System.nanoTime() - t < 20_000_000_000L) {
        ClusterFixture.sleep(500);
      }
    } finally {
      w1.signal("CONT");
    }
    long woke = System.nanoTime();
    // Hazelcast merges the frozen member back in 10-90 s (measured); only then can it re-register.
    awaitCoverage(List.of("worker-1", "worker-2"), Duration.ofSeconds(150));
    cluster.figure("worker-1 SIGCONT after 20 s: rejoined, full coverage again in %.1f s",
        (System.nanoTime() - woke) / 1e9);
  }

  @Test
  @Order(4)
  void twoWorkersKilledAtOnceLeaveTheSurvivorWithEveryUser() {
    cluster.startWorker(5);
    awaitCoverage(List.of("worker-1", "worker-2", "worker-5"), Duration.ofSeconds(60));
    long t = System.nanoTime();
    cluster.worker("worker-1").signal("KILL");
    cluster.worker("worker-2").signal("KILL");
    awaitCoverage(List.of("worker-5"), Duration.ofSeconds(15));
    for (Object o : cluster.status().getJsonArray("workers")) {
      JsonObject w = (JsonObject) o;
      lastReportedGenerated.put(w.getString("id"), w.getLong("generated"));
    }
    cluster.figure("worker-1 and worker-2 killed at once: worker-5 holds all %d users after %.1f s",
        USERS, (System.nanoTime() - t) / 1e9);
  }

  @Test
  @Order(5)
  void theTopicHoldsEveryGuarantee() {
    JvmProcess w5 = cluster.worker("worker-5");
    w5.signal("TERM");
    assertThat(w5.waitForExit(Duration.ofSeconds(40))).isIn(0, 143);
    stoppedGracefully.add("worker-5");

    long end = TopicReader.endOffsetsSum(kafka.bootstrapServers(), "clickstream");
    List<ConsumerRecord<String, String>> records = TopicReader.readAll(kafka.bootstrapServers(), "clickstream",
        (int) end, Duration.ofSeconds(90));
    assertThat(records).hasSize((int) end);
    Set<String> ids = new HashSet<>();
    Map<String, Long> perWorker = new HashMap<>();
    Map<String, List<long[]>> perUser = new HashMap<>();
    Map<String, Integer> numbers = new HashMap<>();
    long frozenAfterFreeze = 0;
    // Per user: the last event worker-1 generated under its pre-freeze epoch, and the first event any other
    // worker generated for that user after the freeze. The handover is clean when the first is earlier.
    Map<String, Long> lastOfFrozen = new HashMap<>();
    Map<String, Long> firstOfSuccessor = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      JsonObject e = new JsonObject(r.value());
      assertThat(ids.add(e.getString("event_id"))).as("duplicate %s", r.value()).isTrue();
      String worker = header(r, "clickstream.worker");
      long epoch = Long.parseLong(header(r, "clickstream.epoch"));
      perWorker.merge(worker, 1L, Long::sum);
      long eventTime = e.getLong("event_time");
      if (worker.equals("worker-1") && epoch <= frozenEpoch) {
        lastOfFrozen.merge(r.key(), eventTime, Math::max);
        // It woke up 20 s after the freeze: anything it generated under the old epoch after that is a bug.
        if (eventTime > frozenAtMillis + 10_000) {
          frozenAfterFreeze++;
        }
      } else if (!worker.equals("worker-1") && eventTime > frozenAtMillis) {
        firstOfSuccessor.merge(r.key(), eventTime, Math::min);
      }
      int n = numbers.computeIfAbsent(worker, w -> numbers.size());
      perUser.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(new long[] {eventTime, n});
    }
    assertThat(frozenAfterFreeze).as("events worker-1 generated under its old epoch after it woke up").isZero();
    long overlaps = lastOfFrozen.entrySet().stream().filter(e -> firstOfSuccessor.containsKey(e.getKey())
        && firstOfSuccessor.get(e.getKey()) > frozenAtMillis + 1000
        && e.getValue() >= firstOfSuccessor.get(e.getKey())).count();
    assertThat(overlaps).as("users produced by worker-1 after their new owner had started").isZero();

    long worstGap = 0;
    int worstRuns = 0;
    for (List<long[]> events : perUser.values()) {
      events.sort((a, b) -> Long.compare(a[0], b[0]));
      int runs = 1;
      for (int i = 1; i < events.size(); i++) {
        worstGap = Math.max(worstGap, events.get(i)[0] - events.get(i - 1)[0]);
        if (events.get(i)[1] != events.get(i - 1)[1]) {
          runs++;
        }
      }
      worstRuns = Math.max(worstRuns, runs);
    }
    assertThat(perUser).hasSize(USERS);
    cluster.figure("topic: %,d events, 0 duplicates, longest silence of a user %,d ms, at most %d owner runs",
        end, worstGap, worstRuns);
    // A timing bound, so a loose one: on a quiet machine the longest silence is the freeze's 5-8 s, but a
    // loaded 2-core machine can split the Hazelcast cluster for a while (a member suspected, then merged
    // back), and the users then wait for the lease like any lost worker's. That every user stays covered
    // in every schedule of joins, kills, freezes and splits is what the simulation (ClusterSimulationTest)
    // proves; here the topic must only show that nobody was dropped for good.
    assertThat(worstGap).as("no user silent for more than 45 s").isLessThanOrEqualTo(45_000);
    // Up to ten owners in a row are possible here (three registrations at start, then stop, join, leave,
    // freeze, rejoin, join, double kill); producers that interleaved would give hundreds of runs.
    assertThat(worstRuns).isLessThanOrEqualTo(10);

    for (String id : stoppedGracefully) {
      Reconciliation.Totals totals = Reconciliation.finalTotals(cluster.worker(id));
      cluster.figure("%s (SIGTERM): generated %,d, acked %,d, failed %d, pending %d, in topic %,d", id,
          totals.generated(), totals.acked(), totals.failed(), totals.pending(), perWorker.getOrDefault(id, 0L));
      assertThat(totals.pending()).isZero();
      assertThat(totals.failed()).isZero();
      assertThat(perWorker.getOrDefault(id, 0L)).as("everything %s generated is in the topic", id)
          .isEqualTo(totals.generated());
    }
    for (String id : List.of("worker-1", "worker-2")) {
      long reported = lastReportedGenerated.getOrDefault(id, 0L);
      long inTopic = perWorker.getOrDefault(id, 0L);
      // The last report is up to a second old: events generated after it are not in "reported".
      cluster.figure("%s (kill -9): last reported %,d generated, %,d in the topic: %,d lost in flight (or generated"
          + " after its last report)", id, reported, inTopic, reported - inTopic);
    }
  }

  private static String header(ConsumerRecord<String, String> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private static void awaitCoverage(List<String> expectedLive, Duration timeout) {
    cluster.awaitCoverage(USERS, expectedLive, timeout);
  }
}
