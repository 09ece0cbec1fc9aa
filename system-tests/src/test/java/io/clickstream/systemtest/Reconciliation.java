package io.clickstream.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.JvmProcess;
import io.clickstream.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;

/**
 * Accounts for every event: what each worker said it generated, acknowledged, failed and still had
 * pending when it stopped (its "Final totals" line), against what the topic actually holds, per worker
 * (from the {@code clickstream.worker} header). Fails on a duplicate event_id.
 */
final class Reconciliation {
  private static final Pattern FINAL = Pattern.compile(
      "Final totals: (\\d+) generated, (\\d+) acked, (\\d+) failed, (\\d+) pending, (\\d+) late");

  record Totals(long generated, long acked, long failed, long pending) {
  }

  final Map<String, Long> inTopicByWorker = new HashMap<>();
  long inTopic;
  long duplicates;

  static Totals finalTotals(JvmProcess worker) {
    Matcher m = FINAL.matcher(worker.logText());
    assertThat(m.find()).as("%s logged its final totals:\n%s", worker.name(), worker.logTail(30)).isTrue();
    return new Totals(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
        Long.parseLong(m.group(4)));
  }

  static Reconciliation readTopic(String bootstrap, String topic) {
    Reconciliation r = new Reconciliation();
    long end = TopicReader.endOffsetsSum(bootstrap, topic);
    Set<String> ids = new HashSet<>();
    r.inTopic = TopicReader.scan(bootstrap, topic, end, Duration.ofSeconds(90), record -> {
      Header h = record.headers().lastHeader("clickstream.worker");
      String worker = h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
      r.inTopicByWorker.merge(worker, 1L, Long::sum);
      if (!ids.add(new JsonObject(record.value()).getString("event_id"))) {
        r.duplicates++;
      }
    });
    assertThat(r.inTopic).as("read the whole topic").isEqualTo(end);
    return r;
  }

  long inTopic(String workerId) {
    return inTopicByWorker.getOrDefault(workerId, 0L);
  }
}
