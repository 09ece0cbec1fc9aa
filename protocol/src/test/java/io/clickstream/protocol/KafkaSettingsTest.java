package io.clickstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KafkaSettingsTest {
  private static final Map<String, String> DEFAULTS = Map.of("acks", "all", "linger.ms", "5");

  private static List<String> problems(Map<String, String> vars) {
    EnvReader env = new EnvReader(vars);
    KafkaSettings.bootstrapServers(env);
    KafkaSettings.topic(env);
    KafkaSettings.producerProperties(env, "localhost:9092", DEFAULTS);
    return env.problems();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "KAFKA_PRODUCER_LINGER_MS|abc|KAFKA_PRODUCER_LINGER_MS is not a valid linger.ms, got \"abc\": Not a number of type LONG",
      "KAFKA_PRODUCER_LINGER_MS|-1|KAFKA_PRODUCER_LINGER_MS is not a valid linger.ms, got \"-1\": Value must be at least 0",
      "KAFKA_PRODUCER_ACKS|some|KAFKA_PRODUCER_ACKS is not a valid acks, got \"some\"",
      "KAFKA_PRODUCER_COMPRESSION_TYPE|zip|KAFKA_PRODUCER_COMPRESSION_TYPE is not a valid compression.type, got \"zip\"",
      "KAFKA_PRODUCER_LINGER_MSS|5|KAFKA_PRODUCER_LINGER_MSS: unknown Kafka producer property \"linger.mss\"",
      "KAFKA_PRODUCER_BOOTSTRAP_SERVERS|h:1|KAFKA_PRODUCER_BOOTSTRAP_SERVERS cannot be set (bootstrap.servers): set KAFKA_BOOTSTRAP_SERVERS instead",
      "KAFKA_PRODUCER_PARTITIONER_CLASS|x.Y|KAFKA_PRODUCER_PARTITIONER_CLASS cannot be set (partitioner.class): every record is sent to the partition the generator chose",
      "KAFKA_PRODUCER_PARTITIONER_IGNORE_KEYS|true|KAFKA_PRODUCER_PARTITIONER_IGNORE_KEYS cannot be set (partitioner.ignore.keys)",
      "KAFKA_PRODUCER_KEY_SERIALIZER|x.Y|KAFKA_PRODUCER_KEY_SERIALIZER cannot be set (key.serializer): the generator writes keys and values as bytes",
      "KAFKA_PRODUCER_VALUE_SERIALIZER|x.Y|KAFKA_PRODUCER_VALUE_SERIALIZER cannot be set (value.serializer)",
      "KAFKA_PRODUCER_TRANSACTIONAL_ID|t|KAFKA_PRODUCER_TRANSACTIONAL_ID cannot be set (transactional.id)",
      "KAFKA_BOOTSTRAP_SERVERS|a b|KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port (port 1-65535), got \"a b\"",
      "KAFKA_BOOTSTRAP_SERVERS|broker|KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port",
      "KAFKA_BOOTSTRAP_SERVERS|broker:99999|KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port",
      "KAFKA_BOOTSTRAP_SERVERS|a:1,|KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port",
      "TOPIC_NAME|bad topic|TOPIC_NAME must be 1-200 letters, digits, '.', '_' or '-', got \"bad topic\"",
      "TOPIC_NAME|..|TOPIC_NAME cannot be \".\" or \"..\"",
  })
  void badValuesNameTheVariableAndTheValue(String name, String value, String message) {
    assertThat(problems(Map.of(name, value))).singleElement().asString().contains(message);
  }

  @Test
  void goodAddressesAndTopicsPass() {
    assertThat(problems(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092, 127.0.0.1:29092,[::1]:9093",
        "TOPIC_NAME", "a.b_c-1"))).isEmpty();
  }

  @Test
  void aSecretThatDoesNotParseIsNotShown() {
    assertThat(problems(Map.of("KAFKA_PRODUCER_SSL_KEY_PASSWORD", "hunter2", "KAFKA_PRODUCER_LINGER_MSS", "1")))
        .noneMatch(p -> p.contains("hunter2"));
  }

  @Test
  void settingsThatContradictEachOtherAreRefusedAtStart() {
    assertThat(problems(Map.of("KAFKA_PRODUCER_ACKS", "1", "KAFKA_PRODUCER_ENABLE_IDEMPOTENCE", "true")))
        .singleElement().asString().contains("do not fit together").contains("acks");
  }

  @Test
  void variablesWinOverTheFileWhichWinsOverDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nlinger.ms=20\n"
        + "bootstrap.servers=elsewhere:9092\n");
    Map<String, String> vars = new HashMap<>();
    vars.put("KAFKA_PRODUCER_CONFIG_FILE", file.toString());
    vars.put("KAFKA_PRODUCER_SASL_MECHANISM", "SCRAM-SHA-256");
    vars.put("KAFKA_PRODUCER_SASL_JAAS_CONFIG",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p4ss\";");
    EnvReader env = new EnvReader(vars);
    Map<String, String> props = KafkaSettings.producerProperties(env, "b:1", DEFAULTS);
    assertThat(env.problems()).singleElement().asString()
        .contains("KAFKA_PRODUCER_CONFIG_FILE (bootstrap.servers) cannot be set");
    assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism",
        "SCRAM-SHA-256").containsEntry("linger.ms", "20").containsEntry("acks", "all")
        .containsEntry("bootstrap.servers", "b:1");
    // Security reaches the admin clients; producer-only settings do not (an admin client would warn).
    assertThat(KafkaSettings.adminProperties(props)).containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256").containsKey("sasl.jaas.config")
        .containsEntry("bootstrap.servers", "b:1").doesNotContainKeys("linger.ms", "acks");
    assertThat(KafkaSettings.masked(props).toString()).doesNotContain("p4ss").contains("sasl.jaas.config=******");
  }

  @Test
  void everyPasswordTypedSettingIsMasked() {
    Map<String, String> masked = KafkaSettings.masked(Map.of("ssl.truststore.password", "a1", "ssl.keystore.password",
        "a2", "ssl.key.password", "a3", "ssl.keystore.key", "a4", "sasl.jaas.config", "a5",
        "ssl.truststore.location", "/etc/ts.jks"));
    assertThat(masked.toString()).doesNotContain("a1", "a2", "a3", "a4", "a5").contains("/etc/ts.jks");
  }

  @Test
  void acksOtherThanAllTurnsIdempotenceOffExplicitly() {
    EnvReader env = new EnvReader(Map.of("KAFKA_PRODUCER_ACKS", "1"));
    assertThat(KafkaSettings.producerProperties(env, "b:1", DEFAULTS)).containsEntry("enable.idempotence", "false");
    assertThat(env.problems()).isEmpty();
  }
}
