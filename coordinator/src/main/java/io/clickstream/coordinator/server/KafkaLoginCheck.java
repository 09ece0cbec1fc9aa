package io.clickstream.coordinator.server;

import io.clickstream.coordinator.CoordinatorConfig;
import io.clickstream.protocol.KafkaRefusal;
import io.clickstream.protocol.KafkaSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs once before the coordinator joins the cluster: a broker that refuses our login (wrong password,
 * wrong mechanism, a TLS mismatch) is a configuration mistake, so the coordinator stops with the setting
 * to fix. A broker that does not answer is not: the coordinator starts anyway, and /ready says
 * BROKER_UNREACHABLE until Kafka is there (compose may start it before the broker).
 */
final class KafkaLoginCheck {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaLoginCheck.class);
  private static final int TIMEOUT_MILLIS = 5000;

  private KafkaLoginCheck() {
  }

  /** Null when Kafka accepted us or did not answer in time; else why it refused, for the operator. */
  static String refusal(CoordinatorConfig config) {
    Map<String, Object> props = new HashMap<>(KafkaSettings.adminProperties(config.producerProperties()));
    props.put("default.api.timeout.ms", TIMEOUT_MILLIS);
    props.put("request.timeout.ms", TIMEOUT_MILLIS);
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster().clusterId().get(TIMEOUT_MILLIS + 1000L, TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException e) {
      String refusal = KafkaRefusal.explain(e.getCause());
      if (refusal == null) {
        LOG.warn("Kafka at KAFKA_BOOTSTRAP_SERVERS={} did not answer at start ({}); starting anyway, /ready waits"
            + " for it", config.bootstrapServers(), e.getCause().toString());
      }
      return refusal == null ? null : refusal + " (KAFKA_BOOTSTRAP_SERVERS=" + config.bootstrapServers() + ")";
    } catch (TimeoutException e) {
      LOG.warn("Kafka at KAFKA_BOOTSTRAP_SERVERS={} did not answer within {} s at start; starting anyway, /ready"
          + " waits for it", config.bootstrapServers(), TIMEOUT_MILLIS / 1000);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (org.apache.kafka.common.KafkaException e) {
      return "cannot create a Kafka client with the KAFKA_PRODUCER_* settings: " + e.getMessage();
    }
  }
}
