package io.clickstream.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.protocol.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerConfigTest {
  @Test
  void defaultsAreTheOriginalProducers() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of());
    assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(c.topic()).isEqualTo("clickstream");
    assertThat(c.eventsPerSecond()).isEqualTo(10.0);
    assertThat(c.numUsers()).isEqualTo(100);
    assertThat(c.numProducts()).isEqualTo(50);
    assertThat(c.latePercentage()).isEqualTo(5.0);
    assertThat(c.maxLateSeconds()).isEqualTo(120);
    assertThat(c.sessionTimeoutMinutes()).isEqualTo(30);
    assertThat(c.seed()).isEmpty();
    assertThat(c.producerProperties()).containsEntry("compression.type", "lz4").containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true").containsEntry("delivery.timeout.ms", "2147483647")
        .containsEntry("max.block.ms", "5000");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "EVENTS_PER_SECOND|ten|EVENTS_PER_SECOND must be a number from 0 to 1000000, got \"ten\"",
      "EVENTS_PER_SECOND|-5|EVENTS_PER_SECOND must be a number from 0 to 1000000, got \"-5\"",
      "EVENTS_PER_SECOND|NaN|EVENTS_PER_SECOND must be a number from 0 to 1000000, got \"NaN\"",
      "NUM_USERS|0|NUM_USERS must be a number from 1 to 100000000, got \"0\"",
      "NUM_USERS|1.5|NUM_USERS must be a whole number from 1 to 100000000, got \"1.5\"",
      "NUM_PRODUCTS|-1|NUM_PRODUCTS must be a number from 1 to 1000000, got \"-1\"",
      "LATE_DATA_PERCENTAGE|101|LATE_DATA_PERCENTAGE must be a number from 0 to 100, got \"101\"",
      "LATE_DATA_PERCENTAGE|-1|LATE_DATA_PERCENTAGE must be a number from 0 to 100, got \"-1\"",
      "MAX_LATE_SECONDS|0|MAX_LATE_SECONDS must be a number from 1 to 86400, got \"0\"",
      "SESSION_TIMEOUT_MINUTES|abc|SESSION_TIMEOUT_MINUTES must be a whole number from 1 to 10080, got \"abc\"",
      "SEED|x1|SEED must be a whole number (a 64-bit integer), got \"x1\"",
      "TOPIC_NAME|bad topic|TOPIC_NAME must be 1-200 letters, digits, '.', '_' or '-', got \"bad topic\"",
      "TOPIC_PARTITIONS|0|TOPIC_PARTITIONS must be a number from 1 to 10000, got \"0\"",
      "KAFKA_BOOTSTRAP_SERVERS|a b|KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port (port 1-65535), got \"a b\"",
      "KAFKA_PRODUCER_LINGER_MS|abc|KAFKA_PRODUCER_LINGER_MS is not a valid linger.ms, got \"abc\"",
      "KAFKA_PRODUCER_BOOTSTRAP_SERVERS|h:1|KAFKA_PRODUCER_BOOTSTRAP_SERVERS cannot be set (bootstrap.servers)",
      "KAFKA_PRODUCER_PARTITIONER_CLASS|x.Y|KAFKA_PRODUCER_PARTITIONER_CLASS cannot be set (partitioner.class)",
      "KAFKA_PRODUCER_LINGER_MSS|5|unknown Kafka producer property \"linger.mss\"",
      "STANDALONE|maybe|STANDALONE must be true or false, got \"maybe\"",
      "CLUSTER_PORT|70000|CLUSTER_PORT must be a number from 1 to 65535, got \"70000\"",
      "RECORD_HEADERS|some|RECORD_HEADERS must be all, late or none, got \"some\"",
      "LATE_DISTRIBUTION|normal:5|LATE_DISTRIBUTION must be uniform",
      "LATE_SKEW|users:2|LATE_SKEW users:<fraction> must be in (0, 1], got \"users:2\"",
      "LATE_SKEW|partitions:12|LATE_SKEW partition 12 does not exist (the topic has 12 partitions)",
      "TRUTH|yes|TRUTH must be on or off, got \"yes\"",
      "TRUTH_WINDOW_SECONDS|0|TRUTH_WINDOW_SECONDS must be a number from 1 to 86400, got \"0\"",
      "TRUTH_LATENESS_SECONDS|10,5|TRUTH_LATENESS_SECONDS must be 1 to 32 ascending whole seconds",
      "TRUTH_LATENESS_SECONDS|a|TRUTH_LATENESS_SECONDS must be 1 to 32 ascending whole seconds",
      "TRUTH_LATENESS_SECONDS|,|TRUTH_LATENESS_SECONDS must be 1 to 32 ascending whole seconds from 0 to 604800 (a week)"
          + " like 0,10,30,60,120, got \",\"",
      "TRUTH_LATENESS_SECONDS|0,9223372036854775807|TRUTH_LATENESS_SECONDS must be 1 to 32 ascending whole seconds"
          + " from 0 to 604800 (a week) like 0,10,30,60,120, got \"0,9223372036854775807\"",
      "TRUTH_LATENESS_SECONDS|604801|TRUTH_LATENESS_SECONDS must be 1 to 32 ascending whole seconds from 0 to 604800",
      "CLOCK|sim|CLOCK must be wall or virtual, got \"sim\"",
      "CLOCK|virtual|CLOCK=virtual needs SEED",
      "START_TIME|2026-01-01T00:00:00Z|START_TIME needs CLOCK=virtual",
      "SESSION_TIMEOUT_SECONDS|0|SESSION_TIMEOUT_SECONDS must be a number from 1 to 604800, got \"0\"",
      "PAYMENT_SECONDS|0|PAYMENT_SECONDS must be a number from 0.001 to 3600, got \"0\"",
      "PAYMENT_SECONDS|fast|PAYMENT_SECONDS must be a number from 0.001 to 3600, got \"fast\"",
      "PAYMENT_SECONDS|1500|PAYMENT_SECONDS must be less than two thirds of the session timeout (1800 s)",
      "STOP_DRAIN_SECONDS|-1|STOP_DRAIN_SECONDS must be a number from 0 to 86400, got \"-1\"",
      "METRICS_HOST|not a host|METRICS_HOST must be a host name or an IP address, got \"not a host\"",
      "CLUSTER_MEMBERS|127.0.0.1:99999|CLUSTER_MEMBERS must be a comma-separated list of host or host:port",
  })
  void badValuesNameTheVariableAndTheValue(String name, String value, String message) {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  /** Years a virtual clock cannot run in: a stack trace before, now a clear refusal. */
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "START_TIME|+999999999-01-01T00:00:00Z|START_TIME must be an ISO-8601 instant from 1970-01-01T00:00:00Z to"
          + " 9999-12-31T23:59:59.999Z, got \"+999999999-01-01T00:00:00Z\"",
      "START_TIME|-999999999-01-01T00:00:00Z|START_TIME must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z",
      "START_TIME|+10000-01-01T00:00:00Z|START_TIME must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z,"
          + " got \"+10000-01-01T00:00:00Z\"",
      "START_TIME|1969-12-31T23:59:59Z|START_TIME must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z",
      "END_TIME|+999999999-12-31T23:59:59Z|END_TIME must be an ISO-8601 instant from 1970-01-01T00:00:00Z",
      "END_TIME|+20000-01-01T00:00:00Z|END_TIME must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z",
  })
  void virtualClockYearsOutsideWhatItCanRunAreRefusedByName(String name, String value, String message) {
    Map<String, String> env = new HashMap<>(Map.of("CLOCK", "virtual", "SEED", "7", name, value));
    assertThatThrownBy(() -> WorkerConfig.fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }

  @org.junit.jupiter.api.Test
  void lateSkewPartitionsAreCheckedAgainstTheExistingTopicBeforeJoining() {
    WorkerConfig config = WorkerConfig.fromEnv(Map.of("LATE_SKEW", "partitions:3;7"));
    assertThat(io.clickstream.worker.publish.KafkaPreflight.checkLateSkew(config.preflightTopic(), 12)).isEqualTo(12);
    assertThatThrownBy(() -> io.clickstream.worker.publish.KafkaPreflight.checkLateSkew(config.preflightTopic(), 4))
        .isInstanceOf(io.clickstream.worker.publish.KafkaPreflight.TopicUnsuitableException.class)
        .hasMessage("LATE_SKEW=partitions:3;7 does not fit topic 'clickstream': LATE_SKEW partition 7 does not exist"
            + " (the topic has 4 partitions)");
  }


  @Test
  void theVirtualClockRunsFromStartToEndAtTheConfiguredRate() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of("CLOCK", "virtual", "SEED", "7", "EVENTS_PER_SECOND", "4",
        "START_TIME", "2026-01-01T00:00:00Z", "END_TIME", "2026-01-01T00:00:10Z"));
    assertThat(c.virtualClock().timeOf(0)).isEqualTo(1_767_225_600_000L);
    assertThat(c.virtualClock().timeOf(5)).isEqualTo(1_767_225_601_250L);
    assertThat(c.virtualClock().endMillis()).isEqualTo(1_767_225_610_000L);
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("CLOCK", "virtual", "SEED", "7",
        "START_TIME", "2026-01-01T00:00:00Z", "END_TIME", "2025-01-01T00:00:00Z")))
        .hasMessageContaining("END_TIME must be after START_TIME");
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("CLOCK", "virtual", "SEED", "7", "START_TIME", "yesterday")))
        .hasMessageContaining("START_TIME must be an ISO-8601 instant");
    assertThat(WorkerConfig.fromEnv(Map.of()).virtualClock()).isNull();
  }

  @Test
  void truthDefaultsAndTheSessionGap() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of());
    assertThat(c.truth().enabled()).isTrue();
    assertThat(c.truth().windowSeconds()).isEqualTo(60);
    assertThat(c.truth().latenessSeconds()).containsExactly(0, 10, 30, 60, 120);
    assertThat(c.sessionTimeoutMillis()).isEqualTo(30 * 60_000L);
    assertThat(WorkerConfig.fromEnv(Map.of("SESSION_TIMEOUT_SECONDS", "8")).sessionTimeoutMillis()).isEqualTo(8_000);
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("SESSION_TIMEOUT_SECONDS", "8", "SESSION_TIMEOUT_MINUTES", "1")))
        .hasMessageContaining("not both");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("NUM_USERS", "0", "EVENTS_PER_SECOND", "x")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2));
  }

  @Test
  void producerPropertiesPassThroughFromVariablesAndFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("producer.properties");
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nlinger.ms=20\n");
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_PRODUCER_CONFIG_FILE", file.toString());
    env.put("KAFKA_PRODUCER_SASL_MECHANISM", "SCRAM-SHA-512");
    env.put("KAFKA_PRODUCER_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    WorkerConfig c = WorkerConfig.fromEnv(env);
    assertThat(c.producerProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("linger.ms", "20")
        .containsKey("sasl.jaas.config");
    assertThat(c.loggableProducerProperties()).containsEntry("sasl.jaas.config", "******");
    assertThat(c.describe()).doesNotContain("ScramLoginModule");
  }

  @Test
  void acksOtherThanAllTurnsIdempotenceOffExplicitly() {
    WorkerConfig c = WorkerConfig.fromEnv(Map.of("KAFKA_PRODUCER_ACKS", "1"));
    assertThat(c.producerProperties()).containsEntry("acks", "1").containsEntry("enable.idempotence", "false");
  }

  @Test
  void aMissingPropertiesFileIsNamed() {
    assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("KAFKA_PRODUCER_CONFIG_FILE", "/nope/p.properties")))
        .hasMessageContaining("KAFKA_PRODUCER_CONFIG_FILE cannot be read: \"/nope/p.properties\"");
  }

  @Test
  void theStopWaitsForTheLatestLateEventAndPaymentsFitInTheSession() {
    WorkerConfig defaults = WorkerConfig.fromEnv(Map.of("MAX_LATE_SECONDS", "45"));
    assertThat(defaults.stopDrainSeconds()).isEqualTo(45);
    assertThat(defaults.paymentMillis()).isEqualTo(3_000);
    WorkerConfig shortSessions = WorkerConfig.fromEnv(Map.of("SESSION_TIMEOUT_SECONDS", "4"));
    assertThat(shortSessions.paymentMillis()).as("a quarter of a short session timeout").isEqualTo(1_000);
    assertThat(WorkerConfig.fromEnv(Map.of("PAYMENT_SECONDS", "0.5", "STOP_DRAIN_SECONDS", "0")))
        .extracting(WorkerConfig::paymentMillis, WorkerConfig::stopDrainSeconds).containsExactly(500L, 0);
  }
}
