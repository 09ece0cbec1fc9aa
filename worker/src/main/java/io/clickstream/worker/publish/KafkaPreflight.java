package io.clickstream.worker.publish;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.KafkaRefusal;
import io.clickstream.protocol.KafkaSettings;
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

  /**
   * What the preflight needs of the worker's configuration, as plain values (this package does not
   * depend on the configuration's).
   *
   * @param producerProperties the effective producer configuration, for the admin client's connection
   * @param kafkaStartupTimeoutSeconds KAFKA_STARTUP_TIMEOUT_SECONDS
   * @param virtualClock null on the wall clock
   * @param lateSkew LATE_SKEW as given
   */
  public record Topic(Map<String, String> producerProperties, String bootstrapServers, int kafkaStartupTimeoutSeconds,
                      String topic, int topicPartitions, int topicReplicationFactor, VirtualClock virtualClock,
                      String lateSkew) {
    public Topic {
      producerProperties = Map.copyOf(producerProperties);
    }
  }

  /** The broker answered but refused the login or access: a configuration mistake, not an outage. */
  public static final class KafkaRefusedException extends RuntimeException {
    KafkaRefusedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Thrown with a message meant for the operator. */
  public static final class KafkaUnavailableException extends RuntimeException {
    KafkaUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Makes sure the topic exists and returns its partition count. */
  public static int ensureTopic(Topic config, Clock clock) {
    Map<String, Object> props = new HashMap<>(KafkaSettings.adminProperties(config.producerProperties()));
    long timeoutMillis = TimeUnit.SECONDS.toMillis(config.kafkaStartupTimeoutSeconds());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMillis);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMillis, 10_000));
    try (Admin admin = Admin.create(props)) {
      Set<String> topics = admin.listTopics().names().get(timeoutMillis, TimeUnit.MILLISECONDS);
      if (topics.contains(config.topic())) {
        checkRetention(admin, config, timeoutMillis, clock.currentTimeMillis());
        int partitions = partitionCount(admin, config.topic(), timeoutMillis);
        LOG.info("Topic '{}' exists with {} partitions", config.topic(), partitions);
        return partitions;
      }
      Optional<Short> replication = config.topicReplicationFactor() < 0
          ? Optional.empty() : Optional.of((short) config.topicReplicationFactor());
      NewTopic topic = new NewTopic(config.topic(), Optional.of(config.topicPartitions()), replication);
      if (config.virtualClock() != null) {
        // Record timestamps are event times from START_TIME, possibly long past: time-based retention
        // would delete them as soon as the broker looks (measured: the first 18 s of a run gone).
        topic.configs(Map.of("retention.ms", "-1"));
      }
      try {
        admin.createTopics(List.of(topic)).all().get(timeoutMillis, TimeUnit.MILLISECONDS);
        LOG.info("Created topic '{}' with {} partitions", config.topic(), config.topicPartitions());
        return config.topicPartitions();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        // Another worker created it at the same moment.
        return partitionCount(admin, config.topic(), timeoutMillis);
      }
    } catch (TimeoutException e) {
      throw new KafkaUnavailableException("cannot reach Kafka at KAFKA_BOOTSTRAP_SERVERS=" + config.bootstrapServers()
          + " within " + config.kafkaStartupTimeoutSeconds() + " s (KAFKA_STARTUP_TIMEOUT_SECONDS)", e);
    } catch (ExecutionException e) {
      String refusal = KafkaRefusal.explain(e.getCause());
      if (refusal != null) {
        throw new KafkaRefusedException(refusal + " (KAFKA_BOOTSTRAP_SERVERS=" + config.bootstrapServers() + ")",
            e.getCause());
      }
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        // The admin client's own deadline (default.api.timeout.ms) fired first: no broker answered.
        throw new KafkaUnavailableException("cannot reach Kafka at KAFKA_BOOTSTRAP_SERVERS=" + config.bootstrapServers()
            + " within " + config.kafkaStartupTimeoutSeconds() + " s (KAFKA_STARTUP_TIMEOUT_SECONDS), or "
            + "KAFKA_PRODUCER_SECURITY_PROTOCOL does not match the broker's listener", e.getCause());
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

  /**
   * LATE_SKEW=partitions:... was checked against TOPIC_PARTITIONS; an existing topic may have fewer. Checked
   * here, before the worker joins the cluster, so that it exits 2 without the others ever seeing it.
   *
   * @return {@code partitions}
   */
  public static int checkLateSkew(Topic config, int partitions) {
    try {
      io.clickstream.worker.simulation.LateSkew.parse(config.lateSkew(), 0, partitions, user -> 0);
    } catch (IllegalArgumentException e) {
      throw new TopicUnsuitableException("LATE_SKEW=" + config.lateSkew() + " does not fit topic '" + config.topic()
          + "': " + e.getMessage());
    }
    return partitions;
  }

  private static int partitionCount(Admin admin, String topic, long timeoutMillis)
      throws ExecutionException, InterruptedException, TimeoutException {
    return admin.describeTopics(List.of(topic)).allTopicNames().get(timeoutMillis, TimeUnit.MILLISECONDS).get(topic)
        .partitions().size();
  }

  /** Thrown when the topic would delete what the virtual clock produces. */
  public static final class TopicUnsuitableException extends RuntimeException {
    TopicUnsuitableException(String message) {
      super(message);
    }
  }

  /**
   * On the virtual clock, an existing topic whose time retention is shorter than the age of START_TIME
   * would silently delete the stream (the record timestamp is the event time): refuse to start.
   */
  private static void checkRetention(Admin admin, Topic config, long timeoutMillis, long nowMillis)
      throws ExecutionException, InterruptedException, TimeoutException {
    if (config.virtualClock() == null) {
      return;
    }
    org.apache.kafka.common.config.ConfigResource resource =
        new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
            config.topic());
    org.apache.kafka.clients.admin.ConfigEntry entry = admin.describeConfigs(List.of(resource)).all()
        .get(timeoutMillis, TimeUnit.MILLISECONDS).get(resource).get("retention.ms");
    long retention = entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
    long oldestKept = nowMillis - retention;
    if (retention >= 0 && config.virtualClock().startMillis() < oldestKept) {
      throw new TopicUnsuitableException("topic '" + config.topic() + "' has retention.ms=" + retention
          + ", so Kafka would delete events timestamped from START_TIME=" + java.time.Instant.ofEpochMilli(
              config.virtualClock().startMillis()) + " (the record timestamp is event_time): set retention.ms=-1 on"
          + " the topic, use a new TOPIC_NAME (created with retention.ms=-1), or a recent START_TIME");
    }
  }
}
