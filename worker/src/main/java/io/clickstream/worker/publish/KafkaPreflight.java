package io.clickstream.worker.publish;

import io.clickstream.worker.WorkerConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs once on the main thread before the worker joins a cluster: proves the broker is reachable with
 * the configured security settings and creates the topic if missing. Failing here means the process
 * exits with a clear reason and never half-joins a cluster.
 */
public final class KafkaPreflight {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

  private KafkaPreflight() {
  }

  /** Thrown with a message meant for the operator. */
  public static final class KafkaUnavailableException extends RuntimeException {
    KafkaUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Makes sure the topic exists and returns its partition count. */
  public static int ensureTopic(WorkerConfig config) {
    Map<String, Object> props = adminProperties(config.producerProperties());
    long timeoutMillis = TimeUnit.SECONDS.toMillis(config.kafkaStartupTimeoutSeconds());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMillis, 10_000));
    try (Admin admin = Admin.create(props)) {
      Set<String> topics = admin.listTopics().names().get(timeoutMillis, TimeUnit.MILLISECONDS);
      if (topics.contains(config.topic())) {
        int partitions = admin.describeTopics(List.of(config.topic())).allTopicNames()
            .get(timeoutMillis, TimeUnit.MILLISECONDS).get(config.topic()).partitions().size();
        LOG.info("Topic '{}' exists with {} partitions", config.topic(), partitions);
        return partitions;
      }
      Optional<Short> replication = config.topicReplicationFactor() < 0
          ? Optional.empty() : Optional.of((short) config.topicReplicationFactor());
      NewTopic topic = new NewTopic(config.topic(), Optional.of(config.topicPartitions()), replication);
      try {
        admin.createTopics(List.of(topic)).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
        LOG.info("Created topic '{}' with {} partitions", config.topic(), config.topicPartitions());
        return config.topicPartitions();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        // Another worker created it at the same moment.
        return admin.describeTopics(List.of(config.topic())).allTopicNames()
            .get(timeoutMillis, TimeUnit.MILLISECONDS).get(config.topic()).partitions().size();
      }
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException("cannot reach Kafka at KAFKA_BOOTSTRAP_SERVERS=" + config.bootstrapServers()
          + " within " + config.kafkaStartupTimeoutSeconds() + " s (KAFKA_STARTUP_TIMEOUT_SECONDS)", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        // The admin client's own deadline (default.api.timeout.ms) fired first: no broker answered.
        throw new KafkaUnavailableException("cannot reach Kafka at KAFKA_BOOTSTRAP_SERVERS=" + config.bootstrapServers()
            + " within " + config.kafkaStartupTimeoutSeconds() + " s (KAFKA_STARTUP_TIMEOUT_SECONDS)", e.getCause());
      }
      throw new KafkaUnavailableException("Kafka at KAFKA_BOOTSTRAP_SERVERS=" + config.bootstrapServers()
          + " refused the topic setup for TOPIC_NAME=" + config.topic() + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while checking Kafka", e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new KafkaUnavailableException("cannot create a Kafka client for KAFKA_BOOTSTRAP_SERVERS="
          + config.bootstrapServers() + ": " + e.getMessage(), e);
    }
  }

  /** The producer settings that also mean something to an admin client: connection and security. */
  static Map<String, Object> adminProperties(Map<String, String> producerProperties) {
    Map<String, Object> props = new HashMap<>();
    Set<String> adminNames = AdminClientConfig.configNames();
    producerProperties.forEach((name, value) -> {
      if (adminNames.contains(name) && !name.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
        props.put(name, value);
      }
    });
    return props;
  }
}
