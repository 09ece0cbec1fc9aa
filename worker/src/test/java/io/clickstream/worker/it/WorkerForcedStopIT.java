package io.clickstream.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.EmbeddedKafka;
import io.clickstream.testkit.JvmProcess;
import io.clickstream.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * A second SIGTERM cuts the stop's wait short: what is still held back goes out at once, marked with the
 * clickstream.sent-early-ms header, counted as sent early, and every generated event is accounted for.
 */
class WorkerForcedStopIT {
  private static final Path ROOT = Path.of(System.getProperty("clickstream.root", "..")).toAbsolutePath().normalize();
  private static final Path WORKER_JAR = ROOT.resolve("worker/target/clickstream-worker.jar");
  private static final String TOPIC = "forced-stop-it";
  private static final Pattern FINAL = Pattern.compile(
      "Final totals: (\\d+) generated, (\\d+) acked, (\\d+) failed, (\\d+) pending, (\\d+) late, (\\d+) sent early");

  @Test
  void aSecondSignalSendsTheRestAtOnceMarkedCountedAndReconciled() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Matcher totals;
      long forcedAt;
      try (JvmProcess worker = JvmProcess.jar(WORKER_JAR).name("forced-stop-worker").jvmArgs("-Xmx384m")
          .args("--standalone")
          .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers())
          .env("TOPIC_NAME", TOPIC)
          .env("TOPIC_PARTITIONS", "3")
          .env("EVENTS_PER_SECOND", "1000")
          .env("NUM_USERS", "200")
          .env("LATE_DATA_PERCENTAGE", "10")
          .env("MAX_LATE_SECONDS", "300")
          .env("STATS_LOG_SECONDS", "2")
          // No metrics server: the default port 9100 may be taken by another worker on a shared machine.
          .env("METRICS_PORT", "0")
          .start()) {
        worker.waitForLog(Pattern.compile("Events: [\\d,]{5,} generated"), Duration.ofSeconds(60));
        worker.signal("TERM");
        worker.waitForLog(Pattern.compile("draining [\\d,]+ held-back late events"), Duration.ofSeconds(30));
        forcedAt = System.currentTimeMillis();
        worker.signal("TERM");
        assertThat(worker.waitForExit(Duration.ofSeconds(60))).isEqualTo(0);
        assertThat(worker.logText()).contains("SIGTERM again").contains("marked with the clickstream.sent-early-ms header");
        totals = FINAL.matcher(worker.logText());
        assertThat(totals.find()).as("final totals line in:\n%s", worker.logTail(20)).isTrue();
      }
      long generated = Long.parseLong(totals.group(1));
      long acked = Long.parseLong(totals.group(2));
      long failed = Long.parseLong(totals.group(3));
      long sentEarly = Long.parseLong(totals.group(6));
      assertThat(generated).isEqualTo(acked + failed);
      assertThat(Long.parseLong(totals.group(4))).as("pending").isZero();
      assertThat(sentEarly).as("late events 10..300 s late were still held").isPositive();

      List<ConsumerRecord<String, String>> records = TopicReader.readAll(kafka.bootstrapServers(), TOPIC,
          (int) acked, Duration.ofSeconds(60));
      assertThat(records).hasSize((int) acked);
      Set<String> ids = new HashSet<>();
      long marked = 0;
      for (ConsumerRecord<String, String> r : records) {
        JsonObject e = new JsonObject(r.value());
        assertThat(ids.add(e.getString("event_id"))).as("duplicate %s", r.value()).isTrue();
        Header early = r.headers().lastHeader("clickstream.sent-early-ms");
        if (early != null) {
          marked++;
          long delay = Long.parseLong(new String(r.headers().lastHeader("clickstream.late-delay-ms").value(),
              StandardCharsets.US_ASCII));
          long earlyMillis = Long.parseLong(new String(early.value(), StandardCharsets.US_ASCII));
          long processing = e.getLong("processing_time");
          assertThat(processing).as("sent when forced, not before").isGreaterThanOrEqualTo(forcedAt - 1000);
          // The truth of when it arrived: its processing_time, due minus how early.
          assertThat(e.getLong("event_time") + delay - earlyMillis).isCloseTo(processing,
              org.assertj.core.data.Offset.offset(5L));
        }
      }
      System.out.printf("[WorkerForcedStopIT] %,d generated, %,d sent early after the second SIGTERM, all marked%n",
          generated, marked);
      assertThat(marked).isEqualTo(sentEarly);
    }
  }
}
