package io.clickstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaRefusalTest {
  @Test
  void aRefusedLoginNamesTheSettingsToCheck() {
    assertThat(KafkaRefusal.explain(new CompletionException(new SaslAuthenticationException("Invalid password"))))
        .startsWith("Kafka authentication failed (Invalid password)").contains("KAFKA_PRODUCER_SASL_JAAS_CONFIG");
    assertThat(KafkaRefusal.explain(new ExecutionException(new SslAuthenticationException("PKIX"))))
        .contains("TLS handshake").contains("KAFKA_PRODUCER_SSL_TRUSTSTORE_LOCATION");
    assertThat(KafkaRefusal.explain(new TopicAuthorizationException("denied"))).contains("ACLs");
  }

  @Test
  void anAbsentBrokerIsNotARefusal() {
    assertThat(KafkaRefusal.explain(new ExecutionException(new TimeoutException("no node")))).isNull();
    assertThat(KafkaRefusal.explain(null)).isNull();
  }
}
