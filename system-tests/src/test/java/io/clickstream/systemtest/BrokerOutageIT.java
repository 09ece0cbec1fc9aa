package io.clickstream.systemtest;

import static io.clickstream.systemtest.ClusterFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.EmbeddedKafka;
import io.clickstream.testkit.JvmProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The broker goes away under load, twice. First for 30 s: the producer's buffer (32 MiB) holds
 * everything and nothing may be lost. Then for 100 s, long enough to fill the buffer (at 2,000 events/s
 * it fills in about 40 s): generation then backs off, the events that cannot be handed to the producer
 * fail after max.block.ms, and failed must equal what is missing from the topic, exactly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerOutageIT {
  private static final double RATE = 2000;
  private static EmbeddedKafka kafka;
  private static ClusterFixture cluster;
  private static JvmProcess worker;

  @BeforeAll
  static void start() {
    cluster = ClusterFixture.withBroker("BrokerOutageIT", Map.of("EVENTS_PER_SECOND", Double.toString(RATE), "NUM_USERS", "500",
        "MAX_LATE_SECONDS", "20"));
    kafka = cluster.kafka;
    cluster.startCoordinator();
    worker = cluster.startWorker(1);
    awaitRate("production at the target", Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aShortOutageLosesNothingAndProductionResumesAtTheTarget() {
    long rssBefore = rssKb(worker.pid());
    kafka.stop();
    long down = System.nanoTime();
    JsonObject during = await("the outage shown in /api/status", Duration.ofSeconds(30), cluster::status,
        s -> hasProblem(s, "BROKER_UNREACHABLE"));
    cluster.figure("broker stopped: BROKER_UNREACHABLE shown after %.1f s", (System.nanoTime() - down) / 1e9);
    long peakRss = rssBefore;
    while (System.nanoTime() - down < 30_000_000_000L) {
      assertThat(worker.isAlive()).isTrue();
      assertThat(cluster.coordinator().isAlive()).isTrue();
      peakRss = Math.max(peakRss, rssKb(worker.pid()));
      ClusterFixture.sleep(1000);
    }
    JsonObject end = cluster.status();
    long pending = end.getJsonObject("totals").getLong("pending");
    assertThat(pending).as("events wait for the broker").isGreaterThan(10_000);
    assertThat(end.getJsonObject("totals").getLong("failed")).isZero();
    cluster.figure("after 30 s down: %,d pending, 0 failed, worker RSS %,d MB -> peak %,d MB",
        pending, rssBefore / 1024, peakRss / 1024);
    // -Xmx384m plus the 32 MiB producer buffer and the JVM's own: bounded, not growing with the outage.
    assertThat(peakRss / 1024).isLessThan(900);

    kafka.restart();
    long up = System.nanoTime();
    awaitRate("production back at the target", Duration.ofSeconds(15));
    cluster.figure("broker back: rate at target again after %.1f s", (System.nanoTime() - up) / 1e9);
    JsonObject after = await("the backlog delivered", Duration.ofSeconds(30), cluster::status,
        s -> s.getJsonObject("totals").getLong("pending") < 3000 && !hasProblem(s, "BROKER_UNREACHABLE"));
    assertThat(after.getJsonObject("totals").getLong("failed")).as("nothing lost in a short outage").isZero();
    assertThat(during.getJsonArray("problems")).isNotEmpty();
  }

  @Test
  @Order(2)
  void aLongOutageCountsExpiredEventsAsFailedExactly() {
    kafka.stop();
    long down = System.nanoTime();
    long rssBefore = rssKb(worker.pid());
    long peakRss = rssBefore;
    await("sends failing once the producer's buffer is full", Duration.ofSeconds(100), cluster::status,
        s -> s.getJsonObject("totals").getLong("failed") > 0 && hasProblem(s, "SENDS_FAILING"));
    cluster.figure("long outage: first failures counted %.1f s after the broker stopped",
        (System.nanoTime() - down) / 1e9);
    while (System.nanoTime() - down < 100_000_000_000L) {
      assertThat(worker.isAlive()).isTrue();
      peakRss = Math.max(peakRss, rssKb(worker.pid()));
      ClusterFixture.sleep(1000);
    }
    JsonObject end = cluster.status();
    cluster.figure("after 100 s down: %,d pending, %,d failed, worker RSS peak %,d MB",
        end.getJsonObject("totals").getLong("pending"), end.getJsonObject("totals").getLong("failed"), peakRss / 1024);
    assertThat(peakRss / 1024).isLessThan(900);
    kafka.restart();
    long up = System.nanoTime();
    awaitRate("production back at the target", Duration.ofSeconds(15));
    cluster.figure("broker back after 100 s: rate at target again after %.1f s", (System.nanoTime() - up) / 1e9);
  }

  @Test
  @Order(3)
  void aThrottledBrokerShowsAsLagWithoutCrashOrUnboundedMemory() throws Exception {
    // A broker-side quota of 100 KB/s for every producer, and the target raised to 20,000/s: about a
    // twentieth of what the worker now sends gets through, so its 32 MiB buffer fills within seconds.
    ClientQuotaEntity everyClient = new ClientQuotaEntity(java.util.Collections.singletonMap(ClientQuotaEntity.CLIENT_ID, null));
    // Start from a steady state, so nothing below is a leftover of the outages before.
    await("steady production before throttling", Duration.ofSeconds(60), cluster::status,
        s -> Math.abs(s.getDouble("measuredRate") - RATE) <= 0.05 * RATE && !hasProblem(s, "BEHIND_TARGET")
            && s.getJsonObject("latency").getDouble("ackP99Ms") < 500);
    setQuota(everyClient, 100_000.0);
    double fast = 20_000;
    assertThat(cluster.send("PUT", "/api/rate", "{\"eventsPerSecond\": 20000}").statusCode()).isEqualTo(200);
    try {
      long throttled = System.nanoTime();
      long peakRss = rssKb(worker.pid());
      // First only the acknowledgements slow down while the producer's buffer (32 MiB, about a minute
      // here) absorbs the difference; once it is full, send() blocks and the send lag grows.
      JsonObject slow = null;
      JsonObject last = null;
      while (slow == null && System.nanoTime() - throttled < 150_000_000_000L) {
        assertThat(worker.isAlive()).isTrue();
        peakRss = Math.max(peakRss, rssKb(worker.pid()));
        last = cluster.status();
        if (hasProblem(last, "BEHIND_TARGET") && last.getDouble("measuredRate") < 0.95 * fast
            && last.getJsonObject("latency").getDouble("sendLagP99Ms") > 500) {
          slow = last;
        }
        ClusterFixture.sleep(1000);
      }
      assertThat(slow).as("send lag grown and BEHIND_TARGET shown; last status %s", last).isNotNull();
      cluster.figure("throttled broker (100 KB/s, target 20,000/s): after %.0f s BEHIND_TARGET at %.0f/s of %.0f/s, send lag p99 %.0f ms,"
          + " %,d pending, worker RSS peak %,d MB", (System.nanoTime() - throttled) / 1e9, slow.getDouble("measuredRate"),
          fast, slow.getJsonObject("latency").getDouble("sendLagP99Ms"), slow.getJsonObject("totals").getLong("pending"),
          peakRss / 1024);
      assertThat(peakRss / 1024).isLessThan(900);
    } finally {
      setQuota(everyClient, null);
      cluster.send("PUT", "/api/rate", "{\"eventsPerSecond\": " + RATE + "}");
    }
    long lifted = System.nanoTime();
    awaitRate("production back at the target", Duration.ofSeconds(60));
    cluster.figure("quota lifted: rate at target again after %.1f s", (System.nanoTime() - lifted) / 1e9);
  }

  private static void setQuota(ClientQuotaEntity entity, Double bytesPerSecond) throws Exception {
    try (Admin admin = kafka.admin()) {
      admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity,
          List.of(new ClientQuotaAlteration.Op("producer_byte_rate", bytesPerSecond))))).all().get();
    }
  }

  @Test
  @Order(4)
  void everyGeneratedEventIsInTheTopicFailedOrPending() {
    ClusterFixture.sleep(3000);
    worker.signal("TERM");
    assertThat(worker.waitForExit(Duration.ofSeconds(60))).isIn(0, 143);
    Reconciliation.Totals totals = Reconciliation.finalTotals(worker);
    Reconciliation topic = Reconciliation.readTopic(kafka.bootstrapServers(), "clickstream");
    cluster.figure("reconciliation: generated %,d = in topic %,d + failed %,d + pending %,d; duplicates %d",
        totals.generated(), topic.inTopic, totals.failed(), totals.pending(), topic.duplicates);
    assertThat(topic.duplicates).as("idempotence: no duplicate event_id").isZero();
    assertThat(totals.failed()).as("the long outage failed some events").isPositive();
    assertThat(topic.inTopic).as("acked events are exactly those in the topic").isEqualTo(totals.acked());
    assertThat(totals.generated()).isEqualTo(topic.inTopic + totals.failed() + totals.pending());
  }

  private static void awaitRate(String what, Duration timeout) {
    await(what, timeout, cluster::status, s -> Math.abs(s.getDouble("measuredRate") - RATE) <= 0.05 * RATE);
  }

  private static boolean hasProblem(JsonObject status, String code) {
    return status.getJsonArray("problems").stream().map(JsonObject.class::cast)
        .anyMatch(p -> p.getString("code").equals(code));
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return 0;
  }
}
