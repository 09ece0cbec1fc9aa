package io.clickstream.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.EnvReader;
import io.clickstream.protocol.KafkaSettings;
import io.clickstream.testkit.EmbeddedKafka;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The dashboard's and /ready's Kafka check, against a real broker that admits only SASL on its address. */
class KafkaLandingTest {
  private static Map<String, String> settings(EmbeddedKafka kafka, String password) {
    EnvReader env = new EnvReader(Map.of("KAFKA_PRODUCER_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
        "KAFKA_PRODUCER_SASL_MECHANISM", "PLAIN", "KAFKA_PRODUCER_SASL_JAAS_CONFIG",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"loadgen\" password=\""
            + password + "\";"));
    Map<String, String> producer = KafkaSettings.producerProperties(env, kafka.saslBootstrapServers(), Map.of());
    assertThat(env.problems()).isEmpty();
    return KafkaSettings.adminProperties(producer);
  }

  /** Runs one check on the landing's context and returns (reachable, refused, error) once it answered. */
  private static Object[] check(Vertx vertx, KafkaLanding landing) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    vertx.runOnContext(v -> landing.refresh());
    while (System.nanoTime() < deadline) {
      CompletableFuture<Object[]> seen = new CompletableFuture<>();
      vertx.runOnContext(v -> seen.complete(new Object[] {landing.reachable(), landing.refused(), landing.error()}));
      Object[] state = seen.get(5, TimeUnit.SECONDS);
      if (state[0] != null) {
        return state;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no answer from the Kafka check within 30 s");
  }

  @Test
  void theRightPasswordIsReachableAndAWrongOneIsARefusalNamingTheSetting() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().saslPlainUser("loadgen", "right-pw").start()) {
      KafkaLanding good = new KafkaLanding(vertx, io.clickstream.protocol.Clock.SYSTEM, settings(kafka, "right-pw"), "clickstream");
      assertThat(check(vertx, good)).containsExactly(true, false, null);
      good.close();
      KafkaLanding bad = new KafkaLanding(vertx, io.clickstream.protocol.Clock.SYSTEM, settings(kafka, "wrong-pw"), "clickstream");
      Object[] state = check(vertx, bad);
      assertThat(state[0]).isEqualTo(false);
      assertThat(state[1]).isEqualTo(true);
      assertThat((String) state[2]).startsWith("Kafka authentication failed")
          .contains("KAFKA_PRODUCER_SASL_JAAS_CONFIG").doesNotContain("wrong-pw");
      bad.close();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
