package io.clickstream.coordinator;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.protocol.ConfigException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
}
