package io.clickstream.protocol;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Tells a broker that refused us from a broker that is not there. A refused login or a missing ACL is a
 * configuration mistake the operator must fix, not an outage to wait out, and "unreachable" would send
 * them looking at the network; so the message names the settings to check.
 */
public final class KafkaRefusal {
  private KafkaRefusal() {
  }

  /** The operator's explanation when {@code error} (or a cause) is a refusal by the broker, else null. */
  public static String explain(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SaslAuthenticationException) {
        return "Kafka authentication failed (" + t.getMessage() + "): check " + KafkaSettings.PREFIX
            + "SASL_JAAS_CONFIG (user name and password) and " + KafkaSettings.PREFIX + "SASL_MECHANISM";
      }
      if (t instanceof SslAuthenticationException) {
        return "the TLS handshake with Kafka failed (" + t.getMessage() + "): check " + KafkaSettings.PREFIX
            + "SSL_TRUSTSTORE_LOCATION, " + KafkaSettings.PREFIX + "SSL_TRUSTSTORE_PASSWORD and "
            + KafkaSettings.PREFIX + "SECURITY_PROTOCOL";
      }
      if (t instanceof AuthenticationException) {
        return "Kafka authentication failed (" + t.getMessage() + "): check " + KafkaSettings.PREFIX
            + "SECURITY_PROTOCOL and the " + KafkaSettings.PREFIX + "SASL_* / SSL_* settings";
      }
      if (t instanceof AuthorizationException) {
        return "Kafka denied access (" + t.getMessage() + "): the user in " + KafkaSettings.PREFIX
            + "SASL_JAAS_CONFIG needs ACLs to describe and create the topics and to write to them";
      }
    }
    return null;
  }
}
