package io.clickstream.systemtest;

import static io.clickstream.systemtest.ClusterFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sine shape end to end: a broker, a coordinator and two worker JVMs follow {@code PUT /api/rate}
 * with a sine, and the topic is read back. What a windowed job downstream would count, the events per
 * 10-second window of event time (the record timestamps), must be within ±2 % of the integral of the
 * sine over the same window. The integral is computed here from the shape's documented formula, not
 * with the coordinator's code.
 */
class TrafficShapeIT {
  private static final int USERS = 600;
  private static final double MIN = 500;
  private static final double MAX = 3000;
  private static final double PERIOD_SECONDS = 60;
  private static final int DURATION_SECONDS = 90;
  private static final long WINDOW_MILLIS = 10_000;
  private static ClusterFixture cluster;

  @BeforeAll
  static void startCluster() {
    // No late events: they would land in later windows, which is their point, not this test's. The
    // starting rate is the sine's minimum, where it starts, so the first window has no jump in it.
    cluster = ClusterFixture.withBroker("TrafficShapeIT", Map.of("NUM_USERS", Integer.toString(USERS),
        "EVENTS_PER_SECOND", Double.toString(MIN), "LATE_DATA_PERCENTAGE", "0"));
    cluster.startCoordinator();
    cluster.startWorker(1);
    cluster.startWorker(2);
    cluster.awaitCoverage(USERS, List.of("worker-1", "worker-2"), Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void eventsPerTenSecondWindowFollowTheSineWithinTwoPercent() {
    long began = System.nanoTime();
    long rebalancesBefore = cluster.status().getLong("rebalances");
    var response = cluster.send("PUT", "/api/rate", String.format("{\"shape\": \"sine\", \"min\": %.0f, \"max\": %.0f,"
        + " \"periodSeconds\": %.0f, \"durationSeconds\": %d}", MIN, MAX, PERIOD_SECONDS, DURATION_SECONDS));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject shape = new JsonObject(response.body()).getJsonObject("shape");
    long start = shape.getLong("startMillis");
    assertThat(shape.getLong("endMillis") - start).isEqualTo(DURATION_SECONDS * 1000L);

    JsonObject after = await("the shape finished", Duration.ofSeconds(DURATION_SECONDS + 30), cluster::status,
        s -> !s.containsKey("shape") && s.getJsonObject("totals").getLong("pending") < 50);
    long rebalances = after.getLong("rebalances") - rebalancesBefore;
    cluster.figure("sine %.0f..%.0f/s, period %.0f s, %d s: %d rebalances (%.2f a second)", MIN, MAX,
        PERIOD_SECONDS, DURATION_SECONDS, rebalances, rebalances / (double) DURATION_SECONDS);
    assertThat(rebalances).as("rebalances while following the shape").isLessThanOrEqualTo(2L * DURATION_SECONDS + 3);

    // The shape is over: pausing leaves the CPUs to the reader instead of to 3000 more events a second.
    assertThat(cluster.send("POST", "/api/pause", null).statusCode()).isEqualTo(200);
    long followed = System.nanoTime();

    int windows = (int) (DURATION_SECONDS * 1000L / WINDOW_MILLIS);
    long[] counts = new long[windows];
    String topic = cluster.env.getOrDefault("TOPIC_NAME", "clickstream");
    long landed = TopicReader.endOffsetsSum(cluster.kafka.bootstrapServers(), topic);
    long read = TopicReader.scan(cluster.kafka.bootstrapServers(), topic, landed, Duration.ofSeconds(60), r -> {
      long offset = r.timestamp() - start;
      if (offset >= 0 && offset < windows * WINDOW_MILLIS) {
        counts[(int) (offset / WINDOW_MILLIS)]++;
      }
    });
    assertThat(read).as("records read back").isGreaterThanOrEqualTo(landed);

    double worst = 0;
    int worstWindow = 0;
    StringBuilder table = new StringBuilder();
    for (int k = 0; k < windows; k++) {
      double expected = sineIntegral(k * WINDOW_MILLIS, (k + 1) * WINDOW_MILLIS);
      double error = (counts[k] - expected) / expected;
      table.append(String.format("%n  [%3d s, %3d s): %6d events, expected %8.1f, %+.2f %%", k * 10, k * 10 + 10,
          counts[k], expected, 100 * error));
      if (Math.abs(error) > Math.abs(worst)) {
        worst = error;
        worstWindow = k;
      }
    }
    cluster.figure("worst 10-s window error %+.2f %% (window %d of %d); shape followed in %.1f s, %d records read"
        + " back in %.1f s; windows:%s", 100 * worst, worstWindow, windows, (followed - began) / 1e9, read,
        (System.nanoTime() - followed) / 1e9, table);
    for (int k = 0; k < windows; k++) {
      double expected = sineIntegral(k * WINDOW_MILLIS, (k + 1) * WINDOW_MILLIS);
      assertThat((double) counts[k]).as("events in window [%d s, %d s) of the shape%s", k * 10, k * 10 + 10, table)
          .isBetween(0.98 * expected, 1.02 * expected);
    }
  }

  /**
   * Events the sine asks for between two times after its start: the integral of
   * {@code mid - amplitude * cos(2 pi t / period)}, the form the README documents (it starts at min, rising).
   */
  private static double sineIntegral(long fromMillis, long toMillis) {
    double mid = (MIN + MAX) / 2;
    double amplitude = (MAX - MIN) / 2;
    double w = 2 * Math.PI / PERIOD_SECONDS;
    double a = fromMillis / 1000.0;
    double b = toMillis / 1000.0;
    return mid * (b - a) - amplitude * (Math.sin(w * b) - Math.sin(w * a)) / w;
  }
}
