package io.clickstream.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.JvmProcess;
import io.clickstream.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The ground truth and the perfect watermarks against an independent reading of the topic. A 100-second
 * run with two workers, a third joining in the middle (users move: a rebalance) and one of the first two
 * leaving later; then everyone stops. A plain consumer recomputes, with its own code, the tumbling windows
 * (counts by type, distinct users, revenue, arrivals after each allowed lateness) and the gap sessions
 * from the main topic; both must equal what the coordinator published on the truth topic, exactly. The
 * watermark topic is checked against the same events: nothing sent after a watermark was published has
 * an event time below it.
 */
class TruthIT {
  private static final int USERS = 2000;
  private static final long WINDOW_MS = 10_000;
  private static final long GAP_MS = 8_000;
  private static final long[] LATENESS_S = {0, 2, 5, 10};
  private static final String[] TYPES = {"VIEW", "ADD_TO_CART", "REMOVE_FROM_CART", "CHECKOUT", "PURCHASE"};

  /** One window as counted independently. */
  private static final class Counted {
    final long[] byType = new long[TYPES.length];
    final Set<String> users = new HashSet<>();
    long revenueCents;
    final long[] arrivingAfter = new long[LATENESS_S.length];

    JsonObject toJson() {
      JsonObject types = new JsonObject();
      for (int i = 0; i < TYPES.length; i++) {
        types.put(TYPES[i], byType[i]);
      }
      JsonObject after = new JsonObject();
      for (int i = 0; i < LATENESS_S.length; i++) {
        after.put(Long.toString(LATENESS_S[i]), arrivingAfter[i]);
      }
      return new JsonObject().put("events_by_type", types).put("distinct_users", users.size())
          .put("purchase_revenue_cents", revenueCents).put("arriving_after_window_end", after);
    }
  }

  private record Event(String user, long eventTime, long processingTime, String type, int partition, String worker) {
  }

  @Test
  void truthAndWatermarksMatchAnIndependentReadingOfTheTopic() {
    Map<String, String> env = new HashMap<>(Map.of("NUM_USERS", Integer.toString(USERS), "EVENTS_PER_SECOND", "400",
        "TRUTH_WINDOW_SECONDS", Long.toString(WINDOW_MS / 1000), "TRUTH_LATENESS_SECONDS", "0,2,5,10",
        "MAX_LATE_SECONDS", "15", "LATE_DISTRIBUTION", "exponential:4", "LATE_DATA_PERCENTAGE", "10",
        "SESSION_TIMEOUT_SECONDS", Long.toString(GAP_MS / 1000), "WATERMARKS", "on"));
    env.put("TOPIC_PARTITIONS", "6");
    // Which worker sent each event: to count the sessions that a rebalance split between two workers.
    env.put("RECORD_HEADERS", "all");
    try (ClusterFixture cluster = ClusterFixture.withBroker("TruthIT", env)) {
      String bootstrap = cluster.kafka.bootstrapServers();
      cluster.startCoordinator();
      JvmProcess w1 = cluster.startWorker(1);
      JvmProcess w2 = cluster.startWorker(2);
      cluster.awaitCoverage(USERS, List.of("worker-1", "worker-2"), Duration.ofSeconds(120));
      long started = System.currentTimeMillis();
      ClusterFixture.sleep(30_000);
      JvmProcess w3 = cluster.startWorker(3);
      cluster.awaitCoverage(USERS, List.of("worker-1", "worker-2", "worker-3"), Duration.ofSeconds(120));
      while (System.currentTimeMillis() - started < 60_000) {
        ClusterFixture.sleep(1000);
      }
      w2.signal("TERM");
      assertThat(w2.waitForExit(Duration.ofSeconds(60))).isIn(0, 143);
      cluster.awaitCoverage(USERS, List.of("worker-1", "worker-3"), Duration.ofSeconds(60));
      while (System.currentTimeMillis() - started < 100_000) {
        ClusterFixture.sleep(1000);
      }
      w1.signal("TERM");
      w3.signal("TERM");
      assertThat(w1.waitForExit(Duration.ofSeconds(60))).isIn(0, 143);
      assertThat(w3.waitForExit(Duration.ofSeconds(60))).isIn(0, 143);
      long runMillis = System.currentTimeMillis() - started;

      // The independent reading.
      List<Event> events = new ArrayList<>();
      TopicReader.scan(bootstrap, "clickstream", 1, Duration.ofSeconds(60), r -> events.add(parse(r)));
      TreeMap<Long, Counted> windows = new TreeMap<>();
      Map<String, List<Event>> byUser = new HashMap<>();
      for (Event e : events) {
        long start = Math.floorDiv(e.eventTime, WINDOW_MS) * WINDOW_MS;
        Counted c = windows.computeIfAbsent(start, s -> new Counted());
        int type = List.of(TYPES).indexOf(e.type);
        c.byType[type]++;
        c.users.add(e.user);
        long lateBy = e.processingTime - (start + WINDOW_MS);
        for (int i = 0; i < LATENESS_S.length; i++) {
          if (lateBy > LATENESS_S[i] * 1000) {
            c.arrivingAfter[i]++;
          }
        }
        byUser.computeIfAbsent(e.user, u -> new ArrayList<>()).add(e);
      }
      Map<String, Long> revenue = revenueByWindow(bootstrap);
      revenue.forEach((start, cents) -> windows.get(Long.parseLong(start)).revenueCents = cents);
      Set<String> sessions = new HashSet<>();
      int[] acrossWorkers = new int[1];
      byUser.forEach((user, list) -> {
        list.sort((a, b) -> Long.compare(a.eventTime, b.eventTime));
        long start = 0;
        long last = 0;
        int count = 0;
        boolean purchased = false;
        Set<String> senders = new HashSet<>();
        for (Event e : list) {
          if (count > 0 && e.eventTime - last >= GAP_MS) {
            sessions.add(session(user, start, last, count, purchased));
            acrossWorkers[0] += senders.size() > 1 ? 1 : 0;
            count = 0;
          }
          if (count == 0) {
            start = e.eventTime;
            purchased = false;
            senders.clear();
          }
          senders.add(e.worker);
          count++;
          last = e.eventTime;
          purchased |= e.type.equals("PURCHASE");
        }
        sessions.add(session(user, start, last, count, purchased));
        acrossWorkers[0] += senders.size() > 1 ? 1 : 0;
      });
      // The rebalances split sessions between workers: the merge across a handover is exercised.
      assertThat(acrossWorkers[0]).as("sessions spanning two workers").isGreaterThan(10);

      // What the coordinator published.
      Map<Long, JsonObject> truthWindows = new TreeMap<>();
      Set<String> truthSessions = new HashSet<>();
      ClusterFixture.await("every window and session on the truth topic", Duration.ofSeconds(60), () -> {
        truthWindows.clear();
        truthSessions.clear();
        TopicReader.scan(bootstrap, "clickstream.truth", 1, Duration.ofSeconds(20), r -> {
          JsonObject json = new JsonObject(r.value());
          if (json.getString("kind").equals("window")) {
            truthWindows.put(json.getLong("window_start"), json);
          } else {
            truthSessions.add(session(json.getString("user_id"), json.getLong("session_start"),
                json.getLong("session_end"), json.getInteger("events"), json.getBoolean("purchased")));
          }
        });
        return truthWindows.size() + " windows, " + truthSessions.size() + " sessions";
      }, seen -> truthWindows.keySet().containsAll(windows.keySet()) && truthSessions.size() >= sessions.size());

      assertThat(truthWindows.keySet()).containsExactlyElementsOf(windows.keySet());
      JsonObject shown = null;
      for (Map.Entry<Long, Counted> w : windows.entrySet()) {
        JsonObject truth = truthWindows.get(w.getKey());
        JsonObject mine = new JsonObject(w.getValue().toJson().encode());
        assertThat(truth.getBoolean("complete")).as("window %d complete", w.getKey()).isTrue();
        for (String field : mine.fieldNames()) {
          assertThat(truth.getValue(field)).as("window %d field %s", w.getKey(), field).isEqualTo(mine.getValue(field));
        }
        if (shown == null && truth.getJsonArray("parts").size() > 1 && w.getValue().arrivingAfter[0] > 0) {
          shown = truth;
          cluster.figure("window %d: truth %s | independent %s", w.getKey(), truth.encode(), mine.encode());
        }
      }
      Set<String> missing = new java.util.TreeSet<>(sessions);
      missing.removeAll(truthSessions);
      Set<String> extra = new java.util.TreeSet<>(truthSessions);
      extra.removeAll(sessions);
      assertThat(missing.size() + extra.size())
          .as("sessions differing from the independent sessionisation: %d only independent (e.g. %s), %d only in the "
              + "truth (e.g. %s)", missing.size(), missing.stream().limit(8).toList(), extra.size(),
              extra.stream().limit(8).toList())
          .isZero();
      long mergedAcrossWorkers = truthWindows.values().stream().filter(t -> t.getJsonArray("parts").size() > 1).count();
      assertThat(mergedAcrossWorkers).as("windows with parts from several workers").isGreaterThan(3);

      int checked = checkWatermarks(bootstrap, events, cluster);
      cluster.figure("run %.0f s, %d events, %d windows (%d merged from several workers), %d sessions (%d spanning two "
              + "workers), all equal; %d events checked against %d partitions' watermarks, 0 below", runMillis / 1000.0,
          events.size(), windows.size(), mergedAcrossWorkers, sessions.size(), acrossWorkers[0], events.size(), checked);
      assertThat(cluster.coordinator().logText()).doesNotContain("published incomplete");
    }
  }

  /**
   * For each partition, the watermarks in publication order; an event sent (processing_time) after a
   * watermark was published must not have an event time below it. Returns the partitions checked.
   */
  private static int checkWatermarks(String bootstrap, List<Event> events, ClusterFixture cluster) {
    Map<Integer, TreeMap<Long, Long>> published = new HashMap<>();
    Map<Integer, Long> lags = new HashMap<>();
    TopicReader.scan(bootstrap, "clickstream.watermarks", 1, Duration.ofSeconds(20), r -> {
      JsonObject json = new JsonObject(r.value());
      published.computeIfAbsent(json.getInteger("partition"), p -> new TreeMap<>())
          .merge(json.getLong("published_at"), json.getLong("watermark"), Math::max);
      lags.merge(json.getInteger("partition"), json.getLong("published_at") - json.getLong("watermark"), Math::max);
    });
    assertThat(published.keySet()).as("partitions with watermarks").hasSize(6);
    int below = 0;
    String example = null;
    for (Event e : events) {
      Map.Entry<Long, Long> before = published.get(e.partition).lowerEntry(e.processingTime);
      if (before != null && e.eventTime < before.getValue()) {
        below++;
        example = e + " after watermark " + before;
      }
    }
    assertThat(below).as("events below a watermark published before they were sent; e.g. %s", example).isZero();
    published.forEach((p, marks) -> assertThat(marks.lastEntry().getValue()).as("partition %d advanced", p)
        .isGreaterThan(marks.firstEntry().getValue()));
    cluster.figure("watermark lag behind publication, worst per partition (ms): %s", lags);
    return published.size();
  }

  /** Revenue in cents per window start, from PURCHASE prices read as exact decimals. */
  private static Map<String, Long> revenueByWindow(String bootstrap) {
    Map<String, Long> cents = new HashMap<>();
    TopicReader.scan(bootstrap, "clickstream", 1, Duration.ofSeconds(60), r -> {
      JsonObject json = new JsonObject(r.value());
      if (json.getString("event_type").equals("PURCHASE")) {
        long start = Math.floorDiv(json.getLong("event_time"), WINDOW_MS) * WINDOW_MS;
        BigDecimal price = new BigDecimal(PRICE.matcher(r.value()).results().findFirst().orElseThrow().group(1));
        cents.merge(Long.toString(start), price.movePointRight(2).longValueExact(), Long::sum);
      }
    });
    return cents;
  }

  private static final Pattern PRICE = Pattern.compile("\"price\":([0-9.]+)");

  private static Event parse(ConsumerRecord<String, String> r) {
    JsonObject json = new JsonObject(r.value());
    org.apache.kafka.common.header.Header worker = r.headers().lastHeader("clickstream.worker");
    return new Event(json.getString("user_id"), json.getLong("event_time"), json.getLong("processing_time"),
        json.getString("event_type"), r.partition(),
        worker == null ? "?" : new String(worker.value(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String session(String user, long start, long end, long events, boolean purchased) {
    return user + "/" + start + "-" + end + "/" + events + (purchased ? "/purchased" : "");
  }
}
