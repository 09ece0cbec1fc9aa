package io.clickstream.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.EmbeddedKafka;
import io.clickstream.testkit.JvmProcess;
import io.clickstream.testkit.LogSegments;
import io.clickstream.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker's contract, checked on what a real broker stored: one standalone worker JVM (the same jar
 * and entry point users run) produces for a while, is stopped with SIGTERM (which waits for its held-back
 * late events to fall due), and the topic is read back with a plain KafkaConsumer.
 */
class WorkerKafkaIT {
  private static final Path ROOT = Path.of(System.getProperty("clickstream.root", "..")).toAbsolutePath().normalize();
  private static final Path WORKER_JAR = ROOT.resolve("worker/target/clickstream-worker.jar");
  private static final String TOPIC = "clicks-it";
  private static final int RATE = 2000;
  private static final int USERS = 100;
  private static final int MAX_LATE_SECONDS = 20;
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  private static final Pattern FINAL = Pattern.compile(
      "Final totals: (\\d+) generated, (\\d+) acked, (\\d+) failed, (\\d+) pending, (\\d+) late, (\\d+) sent early");
  private static final Pattern RAW_PRICE = Pattern.compile("\"price\":(\\d+\\.\\d{2}),\"event_time\"");

  private static EmbeddedKafka kafka;
  private static List<ConsumerRecord<String, String>> records;
  private static Matcher totals;
  private static long stoppedAtMillis;
  private static long drainMillis;
  private static String drainLine;

  @BeforeAll
  static void produceForAWhileThenStop() {
    kafka = EmbeddedKafka.start();
    try (JvmProcess worker = JvmProcess.jar(WORKER_JAR).name("standalone-worker").jvmArgs("-Xmx384m")
        .args("--standalone")
        .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
        .env("TOPIC_NAME", TOPIC)
        .env("TOPIC_PARTITIONS", "6")
        .env("EVENTS_PER_SECOND", Integer.toString(RATE))
        .env("NUM_USERS", Integer.toString(USERS))
        .env("MAX_LATE_SECONDS", Integer.toString(MAX_LATE_SECONDS))
        .env("STATS_LOG_SECONDS", "2")
        // No metrics server: the default port 9100 may be taken by another worker on a shared machine.
        .env("METRICS_PORT", "0")
        .start()) {
      worker.waitForLog(Pattern.compile("Starting clickstream worker"), Duration.ofSeconds(30));
      // Long enough for the first held-back events (10 s minimum) to come due and be sent on time.
      worker.waitForLog(Pattern.compile("Events: [\\d,]{6,} generated"), Duration.ofSeconds(60));
      worker.waitForLog(Pattern.compile("Events: (2[5-9]|[3-9]\\d),\\d{3} generated"), Duration.ofSeconds(60));
      stoppedAtMillis = System.currentTimeMillis();
      worker.signal("TERM");
      drainLine = worker.waitForLog(Pattern.compile("draining [\\d,]+ held-back late events, the last due in \\d+ s"),
          Duration.ofSeconds(30)).group();
      // The drain lasts until the last held-back event is due: up to MAX_LATE_SECONDS, then the flush.
      assertThat(worker.waitForExit(Duration.ofSeconds(MAX_LATE_SECONDS + 60))).isEqualTo(0);
      drainMillis = System.currentTimeMillis() - stoppedAtMillis;
      totals = FINAL.matcher(worker.logText());
      assertThat(totals.find()).as("final totals line in:\n%s", worker.logTail(20)).isTrue();
    }
    long generated = Long.parseLong(totals.group(1));
    records = TopicReader.readAll(kafka.bootstrapServers(), TOPIC, (int) generated, Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyGeneratedEventIsInTheTopicExactlyOnce() {
    long generated = Long.parseLong(totals.group(1));
    assertThat(Long.parseLong(totals.group(2))).as("acked").isEqualTo(generated);
    assertThat(Long.parseLong(totals.group(3))).as("failed").isZero();
    assertThat(Long.parseLong(totals.group(4))).as("pending").isZero();
    assertThat(Long.parseLong(totals.group(6))).as("sent early").isZero();
    assertThat(records).hasSize((int) generated);
    Set<String> ids = new HashSet<>();
    for (ConsumerRecord<String, String> r : records) {
      assertThat(ids.add(new JsonObject(r.value()).getString("event_id"))).as("duplicate in %s", r.value()).isTrue();
    }
  }

  @Test
  void eventsFollowTheSchemaExactly() {
    for (ConsumerRecord<String, String> r : records) {
      JsonObject e = new JsonObject(r.value());
      assertThat(e.fieldNames()).containsExactlyInAnyOrder("event_id", "user_id", "session_id", "event_type",
          "product_id", "price", "event_time", "processing_time");
      assertThat(e.getString("event_id")).matches(UUID);
      assertThat(e.getString("user_id")).matches("USER_\\d{4,}");
      assertThat(Integer.parseInt(e.getString("user_id").substring(5))).isBetween(1, USERS);
      assertThat(e.getString("session_id")).startsWith("session-");
      assertThat(e.getString("session_id").substring(8)).matches(UUID);
      assertThat(e.getString("event_type")).isIn("VIEW", "ADD_TO_CART", "REMOVE_FROM_CART", "CHECKOUT", "PURCHASE");
      assertThat(e.getString("product_id")).matches("PROD_\\d{3,}");
      assertThat(Integer.parseInt(e.getString("product_id").substring(5))).isBetween(1, 50);
      Matcher price = RAW_PRICE.matcher(r.value());
      assertThat(price.find()).as("price with exactly two decimals in %s", r.value()).isTrue();
      assertThat(e.getValue("event_time")).isInstanceOf(Long.class);
      assertThat(e.getValue("processing_time")).isInstanceOf(Long.class);
      assertThat(r.timestamp()).as("record timestamp is the event time").isEqualTo(e.getLong("event_time"));
    }
  }

  @Test
  void theKeyIsTheUserAndEachUserLivesInOnePartition() {
    Map<String, Integer> partitionOf = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      assertThat(r.key()).isEqualTo(new JsonObject(r.value()).getString("user_id"));
      Integer previous = partitionOf.putIfAbsent(r.key(), r.partition());
      assertThat(previous == null || previous == r.partition()).as("user %s in two partitions", r.key()).isTrue();
    }
    assertThat(partitionOf).hasSize(USERS);
  }

  @Test
  void lateEventsAreLateByTheConfiguredDelaysAndArriveOutOfOrder() {
    long late = 0;
    long lateAfterStop = 0;
    long outOfOrder = 0;
    long maxLateness = 0;
    Map<Integer, Long> maxEventTimeSeen = new HashMap<>();
    Map<String, Long> lastOnTimePerUser = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      JsonObject e = new JsonObject(r.value());
      long lateness = e.getLong("processing_time") - e.getLong("event_time");
      Header delay = r.headers().lastHeader("clickstream.late-delay-ms");
      if (delay != null) {
        late++;
        long planned = Long.parseLong(new String(delay.value(), StandardCharsets.US_ASCII));
        assertThat(planned).isBetween(10_000L, MAX_LATE_SECONDS * 1000L);
        maxLateness = Math.max(maxLateness, lateness);
        // Sent when due, also those still held at the stop: as late as planned, within scheduling noise.
        assertThat(lateness).as("late event %s", r.value()).isBetween(planned - 5, planned + 1000);
        assertThat(r.headers().lastHeader("clickstream.sent-early-ms")).isNull();
        if (e.getLong("processing_time") >= stoppedAtMillis) {
          lateAfterStop++;
        }
      } else {
        assertThat(lateness).as("on-time event %s", r.value()).isBetween(0L, 999L);
        Long previous = lastOnTimePerUser.put(r.key(), e.getLong("event_time"));
        assertThat(previous == null || previous <= e.getLong("event_time"))
            .as("on-time events of %s in order", r.key()).isTrue();
      }
      long max = maxEventTimeSeen.merge(r.partition(), e.getLong("event_time"), Math::max);
      if (e.getLong("event_time") < max) {
        outOfOrder++;
      }
    }
    double share = (double) late / records.size();
    long band = records.stream().map(r -> new JsonObject(r.value()))
        .mapToLong(e -> e.getLong("processing_time") - e.getLong("event_time")).filter(l -> l >= 2_000 && l < 10_000).count();
    System.out.printf("[WorkerKafkaIT] %,d events, late %.2f %%, max lateness %,d ms, %,d out-of-order arrivals; stop: %s,"
        + " %,d late events delivered at their due times after SIGTERM, exited %,d ms after it, %,d events 2..10 s late%n",
        records.size(), 100 * share, maxLateness, outOfOrder, drainLine, lateAfterStop, drainMillis, band);
    assertThat(band).as("nothing arrives 2..10 s late, stop included").isZero();
    assertThat(lateAfterStop).as("the stop waited for held-back events").isPositive();
    // 5 % of ~50,000 events: the binomial standard deviation is ~0.1 %, so 4-6 % is a wide margin.
    assertThat(share).isBetween(0.04, 0.06);
    assertThat(maxLateness).isLessThanOrEqualTo(MAX_LATE_SECONDS * 1000L + 1000);
    assertThat(outOfOrder).isPositive();
  }

  /** Per user, every event is at least 1 ms after the previous one, late events included; a PURCHASE follows its CHECKOUT after a payment. */
  @Test
  void aUsersEventsAreStrictlyOrderedInEventTime() {
    Map<String, List<JsonObject>> byUser = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      byUser.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(new JsonObject(r.value()));
    }
    long ties = 0;
    long pairs = 0;
    for (List<JsonObject> events : byUser.values()) {
      events.sort(Comparator.comparingLong(e -> e.getLong("event_time")));
      for (int i = 1; i < events.size(); i++) {
        JsonObject previous = events.get(i - 1);
        JsonObject e = events.get(i);
        if (e.getLong("event_time").equals(previous.getLong("event_time"))) {
          ties++;
        }
        if (e.getString("event_type").equals("PURCHASE")) {
          assertThat(previous.getString("event_type")).as("the event before a PURCHASE: %s", previous).isEqualTo("CHECKOUT");
          assertThat(e.getLong("event_time") - previous.getLong("event_time")).as("payment step").isPositive();
          pairs++;
        }
      }
    }
    System.out.printf("[WorkerKafkaIT] ordering: %,d ties in event time within a user, %,d CHECKOUT-PURCHASE pairs%n",
        ties, pairs);
    assertThat(ties).isZero();
    assertThat(pairs).isPositive();
  }

  @Test
  void cartsAndFunnelsFollowTheRulesInEverySession() {
    Map<String, List<JsonObject>> sessions = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      JsonObject e = new JsonObject(r.value());
      sessions.computeIfAbsent(e.getString("session_id"), k -> new ArrayList<>()).add(e);
      counts.merge(e.getString("event_type"), 1, Integer::sum);
    }
    List<String> typeOrder = List.of("VIEW", "ADD_TO_CART", "REMOVE_FROM_CART", "CHECKOUT", "PURCHASE");
    Map<String, Double> prices = new HashMap<>();
    Map<String, long[]> sessionSpanPerUser = new HashMap<>();
    for (List<JsonObject> events : sessions.values()) {
      // Event-time order; within one millisecond, the funnel order (the only order the rules allow).
      events.sort(Comparator.<JsonObject>comparingLong(e -> e.getLong("event_time"))
          .thenComparingInt(e -> typeOrder.indexOf(e.getString("event_type"))));
      List<String> cart = new ArrayList<>();
      String user = events.get(0).getString("user_id");
      for (int i = 0; i < events.size(); i++) {
        JsonObject e = events.get(i);
        assertThat(e.getString("user_id")).isEqualTo(user);
        String product = e.getString("product_id");
        switch (e.getString("event_type")) {
          case "VIEW", "ADD_TO_CART", "REMOVE_FROM_CART" -> {
            Double known = prices.putIfAbsent(product, e.getDouble("price"));
            assertThat(known == null || known.equals(e.getDouble("price"))).as("%s keeps its price", product).isTrue();
            if (e.getString("event_type").equals("ADD_TO_CART")) {
              cart.add(product);
            } else if (e.getString("event_type").equals("REMOVE_FROM_CART")) {
              assertThat(cart.remove(product)).as("REMOVE_FROM_CART of a product in the cart: %s", events).isTrue();
            }
          }
          case "CHECKOUT" -> {
            assertThat(cart).as("CHECKOUT with a non-empty cart").isNotEmpty();
            assertThat(i + 1).as("CHECKOUT followed by PURCHASE in %s", events).isLessThan(events.size());
            JsonObject purchase = events.get(i + 1);
            assertThat(purchase.getString("event_type")).isEqualTo("PURCHASE");
            assertThat(purchase.getDouble("price")).isEqualTo(e.getDouble("price"));
          }
          case "PURCHASE" -> assertThat(events.get(i - 1).getString("event_type")).isEqualTo("CHECKOUT");
          default -> throw new AssertionError("unknown type " + e);
        }
      }
      // Sessions of one user never overlap in event time: each session is causal.
      long start = events.get(0).getLong("event_time");
      long end = events.get(events.size() - 1).getLong("event_time");
      sessionSpanPerUser.merge(user + "@" + start, new long[] {start, end}, (a, b) -> a);
    }
    Map<String, List<long[]>> byUser = new HashMap<>();
    sessionSpanPerUser.forEach((key, span) -> byUser.computeIfAbsent(key.substring(0, key.indexOf('@')),
        k -> new ArrayList<>()).add(span));
    for (List<long[]> spans : byUser.values()) {
      spans.sort(Comparator.comparingLong(s -> s[0]));
      for (int i = 1; i < spans.size(); i++) {
        assertThat(spans.get(i)[0]).as("sessions of one user do not overlap").isGreaterThanOrEqualTo(spans.get(i - 1)[1]);
      }
    }
    int views = counts.getOrDefault("VIEW", 0);
    int adds = counts.getOrDefault("ADD_TO_CART", 0);
    int checkouts = counts.getOrDefault("CHECKOUT", 0);
    int purchases = counts.getOrDefault("PURCHASE", 0);
    System.out.printf("[WorkerKafkaIT] funnel: %s, %,d sessions%n", counts, sessions.size());
    assertThat(views).isGreaterThan(3 * adds);
    assertThat(adds).isGreaterThan(checkouts);
    assertThat(checkouts).isEqualTo(purchases).isPositive();
  }

  @Test
  void recordBatchesOnTheBrokerAreLz4Compressed() {
    Map<Integer, Integer> codecs = LogSegments.compressionCodecCounts(kafka.logDir(), TOPIC);
    assertThat(codecs).containsOnlyKeys(LogSegments.LZ4);
    assertThat(codecs.get(LogSegments.LZ4)).isPositive();
  }
}
