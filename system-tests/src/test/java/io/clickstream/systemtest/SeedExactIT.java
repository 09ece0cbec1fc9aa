package io.clickstream.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.EmbeddedKafka;
import io.clickstream.testkit.JvmProcess;
import io.clickstream.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SEED with CLOCK=virtual: the same configuration run by one worker and by three gives every user the
 * same events (ids, types, products, prices, event and processing times, order), compared per user by
 * a hash of the record values in partition order.
 */
class SeedExactIT {
  private static final int USERS = 500;
  private static final Pattern COMPLETE = Pattern.compile("Virtual stream complete: END_TIME reached after (\\d+) slots");

  @Test
  void oneWorkerAndThreeWorkersProduceTheSameStreamPerUser() {
    Map<String, String> env = new HashMap<>(Map.of("NUM_USERS", Integer.toString(USERS), "EVENTS_PER_SECOND", "1000",
        "SEED", "20261127", "CLOCK", "virtual", "START_TIME", "2026-01-01T00:00:00Z", "END_TIME", "2026-01-01T00:00:30Z",
        "MAX_LATE_SECONDS", "20", "LATE_DATA_PERCENTAGE", "5"));
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      long t0 = System.nanoTime();
      Map<String, List<String>> one = run(kafka, env, "seed-one", 1);
      double oneSeconds = (System.nanoTime() - t0) / 1e9;
      Map<String, List<String>> three = run(kafka, env, "seed-three", 3);
      assertThat(one).hasSizeGreaterThan(USERS * 9 / 10);
      List<String> differing = new ArrayList<>();
      one.forEach((user, values) -> {
        if (!values.equals(three.get(user))) {
          differing.add(user);
        }
      });
      if (!differing.isEmpty()) {
        String user = differing.get(0);
        List<String> a = one.get(user);
        List<String> b = three.getOrDefault(user, List.of());
        int i = 0;
        while (i < Math.min(a.size(), b.size()) && a.get(i).equals(b.get(i))) {
          i++;
        }
        System.out.printf("[SeedExactIT] %s differs at its record %d of %d/%d:%n  1 worker:  %s%n  3 workers: %s%n",
            user, i, a.size(), b.size(), i < a.size() ? a.get(i) : "-", i < b.size() ? b.get(i) : "-");
      }
      assertThat(differing).as("users whose streams differ").isEmpty();
      assertThat(three.keySet()).isEqualTo(one.keySet());
      String user = new TreeMap<>(one).firstKey();
      System.out.printf("[SeedExactIT] %d users, identical with 1 and 3 workers (1-worker run %.0f s); e.g. %s: %s / %s%n",
          one.size(), oneSeconds, user, hash(one.get(user)), hash(three.get(user)));
    }
  }

  /** Runs the configuration on {@code workers} workers into its own topic; returns the values per user, in order. */
  private static Map<String, List<String>> run(EmbeddedKafka kafka, Map<String, String> env, String topic, int workers) {
    Map<String, String> overrides = new HashMap<>(env);
    overrides.put("TOPIC_NAME", topic);
    overrides.put("MIN_WORKERS", Integer.toString(workers));
    try (ClusterFixture cluster = new ClusterFixture(kafka, overrides)) {
      cluster.startCoordinator();
      List<JvmProcess> started = new ArrayList<>();
      for (int i = 1; i <= workers; i++) {
        started.add(cluster.startWorker(i));
      }
      long slots = -1;
      for (JvmProcess worker : started) {
        long s = Long.parseLong(worker.waitForLog(COMPLETE, Duration.ofSeconds(180)).group(1));
        // Every worker walks every slot of the sequence, whichever users it holds.
        assertThat(slots == -1 || slots == s).as("slots of %s", worker.name()).isTrue();
        slots = s;
      }
      assertThat(slots).isEqualTo(30_000);
      // Generated is final now; wait until all of it is acknowledged, so the topic holds everything.
      io.vertx.core.json.JsonObject totals = ClusterFixture.await("every generated event acknowledged",
          Duration.ofSeconds(60), () -> cluster.status().getJsonObject("totals"),
          t -> t.getLong("pending") == 0 && t.getLong("acked").equals(t.getLong("generated")) && t.getLong("generated") > 0);
      Map<String, List<String>> values = new TreeMap<>();
      long read = TopicReader.scan(kafka.bootstrapServers(), topic, totals.getLong("acked"), Duration.ofSeconds(60),
          r -> values.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
      // Everything acknowledged is there: the topic keeps January's timestamps (retention.ms=-1 on the virtual clock).
      assertThat(read).as("records in %s", topic).isEqualTo(totals.getLong("acked"));
      return values;
    }
  }

  /** SHA-256 of a user's record values in order, for the report. */
  private static String hash(List<String> values) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      values.forEach(v -> digest.update((v + "\n").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
