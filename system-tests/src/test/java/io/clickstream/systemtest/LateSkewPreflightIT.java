package io.clickstream.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.EmbeddedKafka;
import io.clickstream.testkit.JvmProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * LATE_SKEW names partitions; the topic that exists may have fewer than TOPIC_PARTITIONS. The real
 * worker jar against a real broker whose topic has 4 partitions: LATE_SKEW=partitions:7 passes the
 * configuration check (TOPIC_PARTITIONS is 12) and is refused right after the topic check, with exit 2,
 * before the worker joins any cluster (it used to fail after the join, with exit 1).
 */
class LateSkewPreflightIT {
  @Test
  void lateSkewPartitionsAboveTheExistingTopicsCountExitTwoBeforeJoining() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic("few-partitions", 4);
      try (JvmProcess worker = JvmProcess.jar(ClusterFixture.WORKER_JAR).name("worker-late-skew").jvmArgs("-Xmx128m")
          .env("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()).env("TOPIC_NAME", "few-partitions")
          .env("LATE_SKEW", "partitions:1;7").env("CLUSTER_NAME", "never-joined").env("METRICS_PORT", "0").start()) {
        assertThat(worker.waitForExit(Duration.ofSeconds(90))).as(worker.logTail(20)).isEqualTo(2);
        String log = worker.logText();
        assertThat(log).contains("LATE_SKEW=partitions:1;7 does not fit topic 'few-partitions': LATE_SKEW partition 7"
            + " does not exist (the topic has 4 partitions)");
        assertThat(log).as("no half-started cluster member").doesNotContain("Joined cluster");
      }
    }
  }
}
