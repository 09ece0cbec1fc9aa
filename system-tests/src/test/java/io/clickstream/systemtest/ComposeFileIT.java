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
    // provectuslabs/kafka-ui is unmaintained since 2023; kafbat/kafka-ui is its maintained fork.
    assertThat(String.valueOf(compose.service("kafka-ui").get("image"))).matches("ghcr\\.io/kafbat/kafka-ui:v\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void everyPublishedPortIsOnTheHostsLoopbackUnlessOpenedOnPurpose() {
    for (String service : List.of("coordinator", "kafka-ui", "kafka")) {
      assertThat(compose.ports(service)).as(service + " ports").isNotEmpty()
          .allSatisfy(p -> assertThat(p.get("host_ip")).as(service + " " + p).isEqualTo("127.0.0.1"));
    }
    // Inside its container the coordinator must listen on every interface (the publish reaches it there);
    // it is told that the host side is loopback, so it does not warn about an open API.
    assertThat(compose.environment("coordinator")).containsEntry("HTTP_HOST", "0.0.0.0")
        .containsEntry("HTTP_PUBLISHED_HOST", "127.0.0.1");
    ComposeProject opened = ComposeProject.resolve(Map.of("COORDINATOR_HOST_IP", "0.0.0.0", "KAFKA_UI_HOST_IP", "0.0.0.0"));
    assertThat(opened.ports("coordinator")).allSatisfy(p -> assertThat(p.get("host_ip")).isEqualTo("0.0.0.0"));
    assertThat(opened.ports("kafka-ui")).allSatisfy(p -> assertThat(p.get("host_ip")).isEqualTo("0.0.0.0"));
    assertThat(opened.environment("coordinator")).as("then the coordinator warns unless CONTROL_TOKEN is set")
        .containsEntry("HTTP_PUBLISHED_HOST", "0.0.0.0");
  }

  @Test
  void aVariableSetInDotEnvReachesOurContainers() {
    // Named in the compose file (so the shell works too) or not (the KAFKA_PRODUCER_* family): both arrive.
    ComposeProject withDotEnv = ComposeProject.resolveWithDotEnv("""
        CONTROL_TOKEN=from-dot-env-123
        JAVA_OPTS=-Xmx300m -XX:+ExitOnOutOfMemoryError
        KAFKA_PRODUCER_LINGER_MS=25
        KAFKA_PRODUCER_SECURITY_PROTOCOL=SASL_SSL
        HTTP_ALLOWED_HOSTS=loadgen.example
        EVENTS_PER_SECOND=750
        CLUSTER_HOST=127.0.0.1
        WORKER_ID=my-laptop
        """);
    for (String role : OUR_ROLES) {
      assertThat(withDotEnv.environment(role)).as(role).containsEntry("CONTROL_TOKEN", "from-dot-env-123")
          .containsEntry("JAVA_OPTS", "-Xmx300m -XX:+ExitOnOutOfMemoryError")
          .containsEntry("KAFKA_PRODUCER_LINGER_MS", "25")
          .containsEntry("KAFKA_PRODUCER_SECURITY_PROTOCOL", "SASL_SSL")
          .containsEntry("EVENTS_PER_SECOND", "750");
    }
    assertThat(withDotEnv.environment("coordinator")).containsEntry("HTTP_ALLOWED_HOSTS", "loadgen.example");
    for (String role : OUR_ROLES) {
      assertThat(withDotEnv.environment(role)).as(role + ": per-container values are not shared from .env")
          .containsEntry("CLUSTER_HOST", "").containsEntry("WORKER_ID", "");
    }
    assertThat(withDotEnv.environment("kafka")).as("the broker gets only its own settings")
        .doesNotContainKey("CONTROL_TOKEN").doesNotContainKey("KAFKA_PRODUCER_LINGER_MS");
  }

  @Test
  void namedSecuritySettingsComeFromTheShellToo() {
    ComposeProject shell = ComposeProject.resolve(Map.of("CONTROL_TOKEN", "from-the-shell-1", "JAVA_OPTS", "-Xmx200m"));
    for (String role : OUR_ROLES) {
      assertThat(shell.environment(role)).as(role).containsEntry("CONTROL_TOKEN", "from-the-shell-1")
          .containsEntry("JAVA_OPTS", "-Xmx200m");
    }
  }

  @Test
  void unsetJavaOptsKeepsTheImagesDefault() {
    String dockerfileDefault = DockerfileLintTest.DOCKERFILE.all("ENV").map(DockerfileLintTest.Instruction::args)
        .filter(a -> a.contains("JAVA_OPTS=")).findFirst().orElseThrow()
        .replaceAll("(?s).*JAVA_OPTS=\"([^\"]*)\".*", "$1");
    for (String role : OUR_ROLES) {
      assertThat(compose.environment(role).get("JAVA_OPTS")).as(role).isEqualTo(dockerfileDefault);
    }
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
