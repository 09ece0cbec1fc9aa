package io.clickstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

/** The optional SASL/PLAIN listener admits its user and refuses a wrong password. */
class EmbeddedKafkaSaslTest {
    private static Admin admin(String bootstrap, String password) {
        return Admin.create(Map.of("bootstrap.servers", bootstrap, "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "default.api.timeout.ms", 10_000, "request.timeout.ms", 5_000,
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"loadgen\" password=\"" + password + "\";"));
    }

    @Test
    void theSaslListenerAdmitsTheUserAndRefusesAWrongPassword() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().saslPlainUser("loadgen", "s3cret-pw").start()) {
            assertThat(kafka.saslBootstrapServers()).isNotEqualTo(kafka.bootstrapServers());
            try (Admin admin = admin(kafka.saslBootstrapServers(), "s3cret-pw")) {
                assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
            }
            try (Admin admin = admin(kafka.saslBootstrapServers(), "wrong")) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }
}
