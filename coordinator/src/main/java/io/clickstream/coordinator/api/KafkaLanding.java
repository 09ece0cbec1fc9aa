package io.clickstream.coordinator.api;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.KafkaRefusal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.admin.TopicDescription;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.common.TopicPartitionInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What has actually landed in Kafka: the sum of the topic's end offsets, read through the admin client
 * every few seconds. Shown beside "acknowledged" so an operator sees the broker has the data, and the
 * first place a broker outage shows up.
 */
public final class KafkaLanding {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaLanding.class);

  /** A check without any answer for this long counts as "unreachable", and the admin client is replaced. */
  private static final long STUCK_MILLIS = 10_000;

  private final Vertx vertx;
  private final Clock clock;
  private final String topic;
  private final Map<String, String> config;
  private KafkaAdminClient admin;
  private boolean inFlight;
  private long inFlightSinceMillis;
  /** Answers to an abandoned check are ignored. */
  private int generation;
  private long endOffsetsSum = -1;
  private long checkedAtMillis;
  private Boolean reachable;
  private String error;
  /** The broker answered but refused the login or access. */
  private boolean refused;

  /**
   * @param adminProperties the connection and security settings every Kafka client of this process uses
   *     ({@link io.clickstream.protocol.KafkaSettings#adminProperties}); null for no Kafka at all (tests)
   */
  public KafkaLanding(Vertx vertx, Clock clock, Map<String, String> adminProperties, String topic) {
    this.vertx = vertx;
    this.clock = clock;
    this.topic = topic;
    this.config = adminProperties == null ? null : new HashMap<>(adminProperties);
    if (config != null) {
      config.put("default.api.timeout.ms", "5000");
      config.put("request.timeout.ms", "4000");
    }
    this.admin = config == null ? null : KafkaAdminClient.create(vertx, config);
  }

  /** Starts one refresh unless one is still running. Never blocks. */
  public void refresh() {
    if (admin == null) {
      return;
    }
    long now = clock.currentTimeMillis();
    if (inFlight) {
      if (now - inFlightSinceMillis < STUCK_MILLIS) {
        return;
      }
      // Not even a failure within the admin client's own timeout: do not wait for it forever (the
      // dashboard would show a stale "reachable"); say so and start over with a fresh client.
      if (!Boolean.FALSE.equals(reachable)) {
        LOG.warn("No answer from Kafka about topic '{}' within {} s", topic, STUCK_MILLIS / 1000);
      }
      reachable = false;
      error = "no answer from Kafka within " + STUCK_MILLIS / 1000 + " s";
      checkedAtMillis = now;
      generation++;
      admin.close(1000);
      admin = KafkaAdminClient.create(vertx, config);
    }
    inFlight = true;
    inFlightSinceMillis = now;
    int checkGeneration = generation;
    admin.describeTopics(List.of(topic))
        .compose(this::endOffsets)
        .onComplete(ar -> {
          if (checkGeneration != generation) {
            return;
          }
          inFlight = false;
          checkedAtMillis = clock.currentTimeMillis();
          if (ar.succeeded()) {
            endOffsetsSum = ar.result();
            if (Boolean.FALSE.equals(reachable)) {
              LOG.info("Kafka reachable again");
            }
            reachable = true;
            refused = false;
            error = null;
          } else if (isUnknownTopic(ar.cause())) {
            // The broker answered: it is reachable, the topic is just not created yet (workers create
            // it). Readiness must not wait for it, or a compose start would deadlock: workers wait for a
            // ready coordinator before they create the topic.
            endOffsetsSum = 0;
            reachable = true;
            refused = false;
            error = null;
          } else {
            // A refused login is a setting to fix, not an outage: say which one, on the dashboard and in the log.
            String refusal = KafkaRefusal.explain(ar.cause());
            String message = refusal != null ? refusal
                : ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage();
            if (!Boolean.FALSE.equals(reachable)) {
              LOG.warn("Cannot read end offsets of topic '{}': {}", topic, message);
            }
            reachable = false;
            refused = refusal != null;
            error = message;
          }
        });
  }

  private Future<Long> endOffsets(Map<String, TopicDescription> descriptions) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (TopicPartitionInfo partition : descriptions.get(topic).getPartitions()) {
      request.put(new TopicPartition(topic, partition.getPartition()), OffsetSpec.LATEST);
    }
    return admin.listOffsets(request)
        .map(offsets -> offsets.values().stream().mapToLong(info -> info.getOffset()).sum());
  }

  private static boolean isUnknownTopic(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
        return true;
      }
    }
    return false;
  }

  /** Null until the first check: unknown is not unreachable. */
  public Boolean reachable() {
    return reachable;
  }

  /** True when the last check failed because the broker refused us (login, TLS, ACLs), not for lack of it. */
  public boolean refused() {
    return Boolean.FALSE.equals(reachable) && refused;
  }

  public String error() {
    return error;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("topic", topic).put("endOffsetsSum", endOffsetsSum)
        .put("checkedAtMillis", checkedAtMillis);
    if (reachable != null) {
      json.put("reachable", reachable);
    }
    if (error != null) {
      json.put("error", error);
    }
    return json;
  }

  public Future<Void> close() {
    // Bounded: a broker that never answered must not hold up the coordinator's shutdown.
    return admin == null ? Future.succeededFuture() : admin.close(2000);
  }
}
