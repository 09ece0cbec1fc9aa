package io.clickstream.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.JvmProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A process that cannot work says why and exits non-zero before it joins any cluster: the real jars,
 * started as users start them, with one bad setting each.
 */
class StartupFailuresIT {
  @ParameterizedTest(name = "{0} {1}={2}")
  @CsvSource(delimiter = '|', value = {
      "worker|EVENTS_PER_SECOND|ten|2|EVENTS_PER_SECOND must be a number from 0 to 1000000, got \"ten\"",
      "worker|NUM_USERS|0|2|NUM_USERS must be a number from 1 to 100000000, got \"0\"",
      "worker|LATE_DATA_PERCENTAGE|150|2|LATE_DATA_PERCENTAGE must be a number from 0 to 100, got \"150\"",
      "worker|KAFKA_PRODUCER_COMPRESION_TYPE|lz4|2|unknown Kafka producer property \"compresion.type\"",
      "worker|CLUSTER_MEMBERS|a b|2|CLUSTER_MEMBERS must be a comma-separated list",
      "worker|KAFKA_BOOTSTRAP_SERVERS|127.0.0.1:1|3|cannot reach Kafka at KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1",
      "coordinator|HTTP_PORT|-1|2|HTTP_PORT must be a number from 0 to 65535, got \"-1\"",
      "coordinator|MAX_EVENTS_PER_SECOND|x|2|MAX_EVENTS_PER_SECOND must be a number",
      "coordinator|CONTROL_TOKEN|short|2|CONTROL_TOKEN must be at least 8 characters",
      "coordinator|WORKER_LEASE_MS|9000|2|WORKER_LEASE_MS must be shorter than WORKER_LOST_AFTER_MS",
      "worker|KAFKA_PRODUCER_LINGER_MS|abc|2|KAFKA_PRODUCER_LINGER_MS is not a valid linger.ms, got \"abc\"",
      "worker|KAFKA_PRODUCER_BOOTSTRAP_SERVERS|h:1|2|KAFKA_PRODUCER_BOOTSTRAP_SERVERS cannot be set (bootstrap.servers)",
      "coordinator|KAFKA_PRODUCER_LINGER_MS|abc|2|KAFKA_PRODUCER_LINGER_MS is not a valid linger.ms, got \"abc\"",
      "coordinator|KAFKA_PRODUCER_PARTITIONER_CLASS|x.Y|2|KAFKA_PRODUCER_PARTITIONER_CLASS cannot be set (partitioner.class)",
      "coordinator|KAFKA_BOOTSTRAP_SERVERS|kafka|2|KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port",
      "coordinator|TOPIC_NAME|bad topic|2|TOPIC_NAME must be 1-200 letters, digits, '.', '_' or '-', got \"bad topic\"",
  })
  void badSettingsStopTheProcessWithAClearMessage(String role, String variable, String value, int exitCode,
                                                  String message) {
    Path jar = role.equals("worker") ? ClusterFixture.WORKER_JAR : ClusterFixture.COORDINATOR_JAR;
    try (JvmProcess process = JvmProcess.jar(jar).name(role + "-" + variable).jvmArgs("-Xmx128m")
        .env("KAFKA_STARTUP_TIMEOUT_SECONDS", "3").env("CLUSTER_NAME", "never-joined").env("METRICS_PORT", "0")
        .env(variable, value).start()) {
      assertThat(process.waitForExit(Duration.ofSeconds(60))).as(process.logTail(20)).isEqualTo(exitCode);
      String log = process.logText();
      assertThat(log).contains(message);
      assertThat(log).as("no half-started cluster member").doesNotContain("Joined cluster");
    }
  }
}
