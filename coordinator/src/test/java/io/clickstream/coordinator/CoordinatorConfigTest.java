package io.clickstream.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.protocol.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings the coordinator could not live with are refused by name before it starts. */
class CoordinatorConfigTest {
  /** The coordinator talks to Kafka too (readiness, truth), so it checks the same settings as a worker. */
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "KAFKA_PRODUCER_LINGER_MS|abc|KAFKA_PRODUCER_LINGER_MS is not a valid linger.ms, got \"abc\"",
      "KAFKA_PRODUCER_SASL_MECHANISMM|PLAIN|unknown Kafka producer property \"sasl.mechanismm\"",
      "KAFKA_PRODUCER_BOOTSTRAP_SERVERS|h:1|KAFKA_PRODUCER_BOOTSTRAP_SERVERS cannot be set (bootstrap.servers)",
      "KAFKA_PRODUCER_CONFIG_FILE|/nope/p.properties|KAFKA_PRODUCER_CONFIG_FILE cannot be read: \"/nope/p.properties\"",
      "KAFKA_BOOTSTRAP_SERVERS|a b|KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port",
      "TOPIC_NAME|bad topic|TOPIC_NAME must be 1-200 letters, digits, '.', '_' or '-', got \"bad topic\"",
  })
  void kafkaSettingsAreCheckedAtStart(String name, String value, String message) {
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void aLeaseShorterThanTwoHeartbeatsIsRefused() {
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(Map.of("WORKER_LEASE_MS", "1500")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WORKER_LEASE_MS must be at least two heartbeats (2000 ms), got \"1500\"");
    // The default lease (WORKER_LOST_AFTER_MS - 1000) falls below it too: the message says where it came from.
    assertThatThrownBy(() -> CoordinatorConfig.fromEnv(Map.of("WORKER_LOST_AFTER_MS", "2500")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WORKER_LEASE_MS must be at least two heartbeats (2000 ms), got \"1500\"")
        .hasMessageContaining("WORKER_LOST_AFTER_MS is 2500");
  }

  @Test
  void twoHeartbeatsAndMoreAreFine() {
    assertThat(CoordinatorConfig.fromEnv(Map.of("WORKER_LEASE_MS", "2000", "WORKER_LOST_AFTER_MS", "3000"))
        .leaseMillis()).isEqualTo(2000);
    assertThat(CoordinatorConfig.fromEnv(Map.of()).leaseMillis()).isEqualTo(3000);
  }
}
