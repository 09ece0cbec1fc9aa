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
 * with a sine, and the topic is read back. What is asserted holds on a loaded machine: the shape is
 * followed by rate changes, not rebalances (no epoch moves while it runs), it finishes, and the events per
 * 10-second window of event time rise with the sine (the window around its peak holds well over the first
 * one, where the sine is near its minimum). How closely each window follows the integral is a timing
 * figure: {@code bench/shape.sh} measures it (docs/BENCHMARKS.md).
 */
class TrafficShapeIT {
  private static final int USERS = 600;
  private static final double MIN = 500;
  private static final double MAX = 3000;
  private static final double PERIOD_SECONDS = 30;
  private static final int DURATION_SECONDS = 30;
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
  void theShapeIsFollowedByRateChangesAndTheTopicRisesWithIt() {
    long rebalancesBefore = cluster.status().getLong("rebalances");
    var response = cluster.send("PUT", "/api/rate", String.format("{\"shape\": \"sine\", \"min\": %.0f, \"max\": %.0f,"
        + " \"periodSeconds\": %.0f, \"durationSeconds\": %d}", MIN, MAX, PERIOD_SECONDS, DURATION_SECONDS));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonObject shape = new JsonObject(response.body()).getJsonObject("shape");
    long start = shape.getLong("startMillis");
    assertThat(shape.getLong("endMillis") - start).isEqualTo(DURATION_SECONDS * 1000L);

    JsonObject after = await("the shape finished", Duration.ofSeconds(DURATION_SECONDS + 60), cluster::status,
        s -> !s.containsKey("shape") && s.getJsonObject("totals").getLong("pending") < 50);
    assertThat(after.getLong("rebalances") - rebalancesBefore).as("rebalances while following the shape").isZero();
    assertThat(after.getDouble("targetRate")).as("the rate the shape ends at").isCloseTo(MIN, org.assertj.core.data.Offset.offset(0.5));

    // The shape is over: pausing leaves the CPUs to the reader.
    assertThat(cluster.send("POST", "/api/pause", null).statusCode()).isEqualTo(200);
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
    double first = sineIntegral(0, WINDOW_MILLIS);
    double peak = sineIntegral(WINDOW_MILLIS, 2 * WINDOW_MILLIS);
    cluster.figure("sine %.0f..%.0f/s over %d s: windows %s; the integral asks for %.0f, %.0f, %.0f",
        MIN, MAX, DURATION_SECONDS, java.util.Arrays.toString(counts), first, peak,
        sineIntegral(2 * WINDOW_MILLIS, 3 * WINDOW_MILLIS));
    // The integral's ratio is 2.26; 1.3 leaves room for a machine too loaded to reach the peak rate.
    assertThat((double) counts[1]).as("events around the peak against the first window, %s", java.util.Arrays.toString(counts))
        .isGreaterThan(1.3 * counts[0]);
    assertThat(counts[0]).as("events in the first window").isPositive();
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
