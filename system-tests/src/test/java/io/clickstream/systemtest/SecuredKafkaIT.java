package io.clickstream.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.EmbeddedKafka;
import io.clickstream.testkit.JvmProcess;
import io.clickstream.testkit.TopicReader;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The whole cluster against a broker that only admits SASL (PLAIN) on the address it is given, configured
 * only through the documented settings: the coordinator through KAFKA_PRODUCER_CONFIG_FILE, the worker
 * through KAFKA_PRODUCER_* variables. Events land, the truth is published, /ready is 200; a wrong password
 * stops a worker and a coordinator at start with the setting to fix; no log line shows a password.
 */
class SecuredKafkaIT {
  private static final String PASSWORD = "Pw-7c1e9f-s3cret";
  private static final String WRONG = "Wrong-41d2-pass";

  private static String jaas(String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"loadgen\" password=\""
        + password + "\";";
  }

  @Test
  void aSaslBrokerServesEveryClientOfBothRoles() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().saslPlainUser("loadgen", PASSWORD).start()) {
      Path dir = Files.createTempDirectory("secured-kafka-it");
      Path clientFile = dir.resolve("client.properties");
      Files.writeString(clientFile, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config="
          + jaas(PASSWORD).replace("\\", "\\\\") + "\n");
      Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.saslBootstrapServers(),
          "NUM_USERS", "200", "EVENTS_PER_SECOND", "200", "TOPIC_PARTITIONS", "3", "TRUTH_WINDOW_SECONDS", "5",
          "TRUTH_LATENESS_SECONDS", "0,2", "MAX_LATE_SECONDS", "3", "SESSION_TIMEOUT_SECONDS", "5",
          "KAFKA_PRODUCER_CONFIG_FILE", clientFile.toString()));
      ClusterFixture cluster = new ClusterFixture(kafka, env);
      List<JvmProcess> started = new ArrayList<>();
      try (cluster) {
        started.add(cluster.startCoordinator());
        cluster.env.remove("KAFKA_PRODUCER_CONFIG_FILE");
        Map<String, String> secured = Map.of("KAFKA_PRODUCER_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
            "KAFKA_PRODUCER_SASL_MECHANISM", "PLAIN", "KAFKA_PRODUCER_SASL_JAAS_CONFIG", jaas(PASSWORD));

        // A wrong password: the worker stops before joining, naming the setting, not "unreachable".
        Map<String, String> wrong = new HashMap<>(secured);
        wrong.put("KAFKA_PRODUCER_SASL_JAAS_CONFIG", jaas(WRONG));
        JvmProcess refused = cluster.startWorker(2, wrong);
        started.add(refused);
        int code = refused.waitForExit(Duration.ofSeconds(60));
        assertThat(code).as(refused.logTail(20)).isEqualTo(2);
        assertThat(refused.logText()).contains("Kafka authentication failed")
            .contains("check KAFKA_PRODUCER_SASL_JAAS_CONFIG").doesNotContain("cannot reach");
        cluster.figure("wrong password, worker: exit %d, %s", code, line(refused, "cannot start"));

        JvmProcess w1 = cluster.startWorker(1, secured);
        started.add(w1);
        cluster.awaitCoverage(200, List.of("worker-1"), Duration.ofSeconds(120));
        ClusterFixture.await("/ready 200", Duration.ofSeconds(30), () -> cluster.get("/ready").statusCode(),
            status -> status == 200);
        long landed = TopicReader.scan(kafka.bootstrapServers(), "clickstream", 500, Duration.ofSeconds(60), r -> { });
        List<JsonObject> windows = new ArrayList<>();
        ClusterFixture.await("truth windows published", Duration.ofSeconds(90), () -> {
          windows.clear();
          TopicReader.scan(kafka.bootstrapServers(), "clickstream.truth", 1, Duration.ofSeconds(10), r -> {
            JsonObject json = new JsonObject(r.value());
            if (json.containsKey("window_start")) {
              windows.add(json);
            }
          });
          return windows.size();
        }, n -> n >= 3);
        cluster.figure("SASL run: %d events landed, /ready 200, %d truth windows; first ones:", landed, windows.size());
        windows.stream().limit(3).forEach(w -> cluster.figure("  %s", w.encode()));

        // The coordinator with a wrong password in its file stops too, before joining the cluster.
        Path wrongFile = dir.resolve("wrong.properties");
        Files.writeString(wrongFile, Files.readString(clientFile).replace(PASSWORD, WRONG));
        JvmProcess badCoordinator = JvmProcess.jar(ClusterFixture.COORDINATOR_JAR).name("coordinator-wrong")
            .jvmArgs("-Xmx256m").env(cluster.env).env("KAFKA_PRODUCER_CONFIG_FILE", wrongFile.toString())
            .env("CLUSTER_HOST", "127.0.0.1").env("CLUSTER_NAME", cluster.clusterName + "-wrong")
            .env("HTTP_PORT", Integer.toString(ClusterFixture.freePort()))
            .logFile(cluster.logDir.resolve("coordinator-wrong.log")).start();
        started.add(badCoordinator);
        try (badCoordinator) {
          assertThat(badCoordinator.waitForExit(Duration.ofSeconds(60))).as(badCoordinator.logTail(20)).isEqualTo(2);
          assertThat(badCoordinator.logText()).contains("Kafka authentication failed")
              .contains("KAFKA_PRODUCER_SASL_JAAS_CONFIG");
          cluster.figure("wrong password, coordinator: exit 2, %s", line(badCoordinator, "cannot start"));
        }
      }
      // Every log line of every process: no password, right or wrong.
      try (Stream<Path> logs = Files.list(cluster.logDir)) {
        for (Path log : logs.toList()) {
          assertThat(Files.readString(log)).as(log.toString()).doesNotContain(PASSWORD).doesNotContain(WRONG);
        }
      }
      assertThat(started).allMatch(p -> !p.isAlive());
    }
  }

  private static String line(JvmProcess process, String containing) {
    return process.logText().lines().filter(l -> l.contains(containing)).findFirst().orElse("(none)");
  }
}
