package io.clickstream.coordinator.truth;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.KafkaRefusal;
import io.clickstream.protocol.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the truth and watermark records to Kafka. The producer's send() can block on metadata, so
 * every call runs on a worker thread (ordered), never on the event loop; the topics (one partition each,
 * so that records stay in publication order) are created on first use.
 */
public final class TruthPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(TruthPublisher.class);

  /** One record to write. */
  public record Record(String topic, String key, String value, long timestamp) {
  }

  private final Vertx vertx;
  private final Clock clock;
  /** KAFKA_PRODUCER_* on the coordinator's defaults: the same security settings as every other client. */
  private final Map<String, String> producerProperties;
  private final List<String> topics;
  private KafkaProducer<String, String> producer;
  private boolean topicsReady;
  private long failed;
  private long lastFailureLogMillis;

  public TruthPublisher(Vertx vertx, Clock clock, Map<String, String> producerProperties, List<String> topics) {
    this.vertx = vertx;
    this.clock = clock;
    this.producerProperties = Map.copyOf(producerProperties);
    this.topics = List.copyOf(topics);
  }

  /** Sends the records in order; completes when they are handed to the producer. */
  public Future<Void> publish(List<Record> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      ensureReady();
      for (Record r : records) {
        producer.send(new ProducerRecord<>(r.topic(), null, r.timestamp(), r.key(), r.value()), (meta, err) -> {
          if (err != null) {
            failed++;
            logFailure(err);
          }
        });
      }
      return null;
    });
  }

  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      if (producer != null) {
        producer.close(java.time.Duration.ofSeconds(5));
      }
      return null;
    });
  }

  private void ensureReady() throws Exception {
    if (producer == null) {
      Properties props = new Properties();
      props.putAll(producerProperties);
      producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
    if (!topicsReady) {
      Map<String, Object> adminProps = new HashMap<>(KafkaSettings.adminProperties(producerProperties));
      // default.api.timeout.ms below the request timeout is refused when set explicitly: set both.
      adminProps.put("default.api.timeout.ms", 10000);
      adminProps.put("request.timeout.ms", 5000);
      try (Admin admin = Admin.create(adminProps)) {
        for (String topic : topics) {
          try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all()
                .get(10, TimeUnit.SECONDS);
            LOG.info("Created topic '{}' (1 partition)", topic);
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw e;
            }
          }
        }
      }
      topicsReady = true;
    }
  }

  private void logFailure(Exception err) {
    long now = clock.currentTimeMillis();
    if (now - lastFailureLogMillis > 5000) {
      lastFailureLogMillis = now;
      String refusal = KafkaRefusal.explain(err);
      LOG.warn("Could not write a truth or watermark record ({} so far): {}", failed,
          refusal != null ? refusal : err.toString());
    }
  }
}
