package io.clickstream.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml as Compose resolves it ({@code docker-compose config}; there is no Docker
 * engine here to start it, see ComposeEquivalentIT for the next best thing): the services, that the
 * workers scale, that start-up order waits for health, and that the original producer's settings
 * keep their names and defaults and can be overridden from the shell.
 */
class ComposeFileIT {
  private static final List<String> SERVICES = List.of("kafka", "kafka-ui", "coordinator", "worker", "standalone");
  private static final List<String> OUR_ROLES = List.of("coordinator", "worker", "standalone");
  private static ComposeProject compose;

  @BeforeAll
  static void resolve() {
    compose = ComposeProject.resolve(Map.of());
  }

  @Test
  void composeResolvesTheFileWithoutWarnings() {
    // Unset variables without a default, unknown keys and the like are warnings on stderr.
    assertThat(compose.stderr).as("docker-compose config stderr").isBlank();
  }

  @Test
  void theFiveServicesExist() {
    assertThat(compose.services().keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
  }

  @Test
  void workersScale() {
    Map<String, Object> worker = compose.service("worker");
    assertThat(worker).as("worker: a container_name would stop --scale").doesNotContainKey("container_name");
    assertThat(worker).as("worker: a fixed host port would clash at --scale").doesNotContainKey("ports");
    // The default drain (MAX_LATE_SECONDS, 120 s) + 40 s for the flush and the last truth report.
    assertThat(worker.get("stop_grace_period")).as("worker drains held-back events on SIGTERM")
        .isEqualTo("160s");
    assertThat(compose.service("standalone").get("stop_grace_period")).isEqualTo("160s");
  }

  @Test
  void theWorkersStopGraceFollowsWorkerStopGrace() {
    ComposeProject shorter = ComposeProject.resolve(Map.of("MAX_LATE_SECONDS", "30", "WORKER_STOP_GRACE", "70s"));
    assertThat(shorter.service("worker").get("stop_grace_period")).isEqualTo("70s");
    assertThat(shorter.service("standalone").get("stop_grace_period")).isEqualTo("70s");
  }

  @Test
  void everyServiceButKafkaUiHasAHealthcheck() {
    for (String name : SERVICES) {
      if (!name.equals("kafka-ui")) {
        assertThat(compose.healthcheckTest(name)).as(name + " healthcheck").isNotEmpty();
      }
    }
    assertThat(String.join(" ", compose.healthcheckTest("coordinator"))).contains("/ready").contains("8088");
    assertThat(String.join(" ", compose.healthcheckTest("worker"))).contains("/health").contains("9100");
    assertThat(String.join(" ", compose.healthcheckTest("kafka"))).contains("kafka-broker-api-versions.sh");
  }

  @Test
  void startUpWaitsForHealthyDependencies() {
    assertThat(dependsOn("worker")).containsOnlyKeys("coordinator");
    assertThat(dependsOn("coordinator")).containsOnlyKeys("kafka");
    assertThat(dependsOn("kafka-ui")).containsOnlyKeys("kafka");
    assertThat(dependsOn("standalone")).containsOnlyKeys("kafka");
    for (String name : SERVICES) {
      dependsOn(name).forEach((dependency, spec) -> assertThat(ComposeProject.map(spec, name + ".depends_on")
          .get("condition")).as(name + " -> " + dependency).isEqualTo("service_healthy"));
    }
  }

  @Test
  void ourServicesCarryTheOriginalVariablesWithTheirDefaults() {
    for (String role : OUR_ROLES) {
      Map<String, String> env = compose.environment(role);
      assertThat(env).as(role + " environment").containsAllEntriesOf(ComposeProject.ORIGINAL_DEFAULTS);
      assertThat(env.get("CLUSTER_NAME")).as(role + " CLUSTER_NAME").isNotBlank();
    }
    assertThat(compose.environment("worker").get("CLUSTER_MEMBERS")).isEqualTo("coordinator,worker");
    assertThat(compose.environment("coordinator").get("CLUSTER_MEMBERS")).isEqualTo("coordinator,worker");
    assertThat(compose.service("coordinator").get("command")).isEqualTo(List.of("coordinator"));
    assertThat(compose.service("worker").get("command")).isEqualTo(List.of("worker"));
    assertThat(compose.service("standalone").get("command")).isEqualTo(List.of("standalone"));
  }

  @Test
  void shellVariablesOverrideTheDefaults() {
    ComposeProject overridden = ComposeProject.resolve(Map.of("EVENTS_PER_SECOND", "2500", "NUM_USERS", "5000",
        "SEED", "42", "KAFKA_BOOTSTRAP_SERVERS", "broker-1:9092,broker-2:9092"));
    for (String role : OUR_ROLES) {
      assertThat(overridden.environment(role)).as(role).containsEntry("EVENTS_PER_SECOND", "2500")
          .containsEntry("NUM_USERS", "5000").containsEntry("SEED", "42")
          .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "broker-1:9092,broker-2:9092")
          .containsEntry("TOPIC_NAME", "clickstream");
    }
  }

  @Test
  void ourRolesRunTheOneImageBuiltFromTheDockerfile() {
    Object image = compose.service("coordinator").get("image");
    for (String role : OUR_ROLES) {
      Map<String, Object> service = compose.service(role);
      assertThat(service.get("image")).as(role + " image").isEqualTo(image);
      assertThat(ComposeProject.map(service.get("build"), role + ".build").get("dockerfile")).isEqualTo("Dockerfile");
    }
  }

  @Test
  void kafkaIsASingleKraftNodeReachableFromContainersAndTheHost() {
    Map<String, Object> kafka = compose.service("kafka");
    assertThat(String.valueOf(kafka.get("image"))).matches("apache/kafka:4\\.\\d+\\.\\d+");
    Map<String, String> env = compose.environment("kafka");
    assertThat(env).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
        .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9093")
        .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
        .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
    assertThat(env.get("KAFKA_LISTENERS")).contains("PLAINTEXT://:9092", "CONTROLLER://:9093", "EXTERNAL://:29092");
    assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://kafka:9092", "EXTERNAL://localhost:29092");
    assertThat(String.valueOf(kafka.get("ports"))).contains("29092");
    Map<String, String> ui = compose.environment("kafka-ui");
    assertThat(ui).containsEntry("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS", "kafka:9092");
    assertThat(String.valueOf(compose.service("kafka-ui").get("image"))).matches("provectuslabs/kafka-ui:v\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void theStandaloneProducerStartsOnlyWhenAskedFor() {
    assertThat(compose.service("standalone").get("profiles")).isEqualTo(List.of("standalone"));
    for (String always : List.of("kafka", "kafka-ui", "coordinator", "worker")) {
      assertThat(compose.service(always)).as(always).doesNotContainKey("profiles");
    }
  }

  private static Map<String, Object> dependsOn(String service) {
    Object d = compose.service(service).get("depends_on");
    return d == null ? Map.of() : ComposeProject.map(d, service + ".depends_on");
  }
}
