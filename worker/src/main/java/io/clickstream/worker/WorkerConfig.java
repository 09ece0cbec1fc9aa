package io.clickstream.worker;

import io.clickstream.protocol.ClusterConfig;
import io.clickstream.protocol.EnvReader;
import io.clickstream.protocol.KafkaSettings;
import io.clickstream.protocol.TruthReport;
import io.clickstream.worker.format.SchemaRegistryConfig;
import io.clickstream.worker.simulation.LateDelay;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Everything a worker needs, read once from the environment and validated before anything starts.
 * The names and defaults of the original Python producer are kept: KAFKA_BOOTSTRAP_SERVERS, TOPIC_NAME,
 * EVENTS_PER_SECOND, NUM_USERS, NUM_PRODUCTS, LATE_DATA_PERCENTAGE, MAX_LATE_SECONDS,
 * SESSION_TIMEOUT_MINUTES, SEED.
 *
 * @param producerProperties the effective Kafka producer configuration (defaults, then the properties
 *     file, then KAFKA_PRODUCER_* variables)
 * @param standalone simulate every user at EVENTS_PER_SECOND without a coordinator (the original's mode)
 * @param metricsPort serves /metrics, /health and /ready; 0 turns it off (METRICS_PORT)
 * @param sessionTimeoutMillis SESSION_TIMEOUT_MINUTES, or SESSION_TIMEOUT_SECONDS for short tests: the
 *     simulator's session timeout and the ground truth's session gap
 * @param virtualClock null on the wall clock (CLOCK=wall, the default)
 * @param lateSkew LATE_SKEW as given, checked for syntax; resolved once the partition count is known
 * @param paymentMillis the mean payment step between a CHECKOUT and its PURCHASE (PAYMENT_SECONDS)
 * @param stopDrainSeconds how long a stop waits for held-back late events to fall due (STOP_DRAIN_SECONDS)
 * @param valueFormat VALUE_FORMAT and the SCHEMA_REGISTRY_* settings
 */
public record WorkerConfig(String bootstrapServers, String topic, int topicPartitions, int topicReplicationFactor,
                           double eventsPerSecond, int numUsers, int numProducts, double latePercentage,
                           int maxLateSeconds, int sessionTimeoutMinutes, OptionalLong seed,
                           Map<String, String> producerProperties, boolean standalone, String workerId,
                           int statsLogSeconds, int coordinatorGraceSeconds, int kafkaStartupTimeoutSeconds,
                           LateDelay lateDelay, io.clickstream.worker.publish.RecordHeaders recordHeaders, String metricsHost,
                           int metricsPort,
                           ClusterConfig cluster, long sessionTimeoutMillis, Truth truth,
                           io.clickstream.worker.publish.VirtualClock virtualClock, String lateSkew,
                           long paymentMillis, int stopDrainSeconds,
                           SchemaRegistryConfig valueFormat) {

  public WorkerConfig {
    producerProperties = Map.copyOf(producerProperties);
  }

  /**
   * The ground truth settings (TRUTH, TRUTH_WINDOW_SECONDS, TRUTH_LATENESS_SECONDS).
   *
   * @param latenessSeconds ascending allowed latenesses L
   */
  public record Truth(boolean enabled, int windowSeconds, long[] latenessSeconds) {
    public String describe() {
      return enabled ? windowSeconds + "s windows, lateness " + java.util.Arrays.toString(latenessSeconds) : "off";
    }
  }

  public static WorkerConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    String bootstrap = KafkaSettings.bootstrapServers(env);
    String topic = KafkaSettings.topic(env);
    int partitions = env.intIn("TOPIC_PARTITIONS", 12, 1, 10_000);
    int replication = env.intIn("TOPIC_REPLICATION_FACTOR", -1, -1, 32);
    if (replication == 0) {
      env.problem("TOPIC_REPLICATION_FACTOR must be -1 (broker default) or from 1 to 32, got \"0\"");
    }
    double maxRate = env.doubleIn("MAX_EVENTS_PER_SECOND", 1_000_000, 1, 100_000_000);
    double rate = env.doubleIn("EVENTS_PER_SECOND", 10, 0, maxRate);
    int users = env.intIn("NUM_USERS", 100, 1, 100_000_000);
    int products = env.intIn("NUM_PRODUCTS", 50, 1, 1_000_000);
    double latePct = env.doubleIn("LATE_DATA_PERCENTAGE", 5, 0, 100);
    int maxLate = env.intIn("MAX_LATE_SECONDS", 120, 1, 86_400);
    int sessionTimeout = env.intIn("SESSION_TIMEOUT_MINUTES", 30, 1, 10_080);
    long sessionTimeoutMillis = sessionTimeout * 60_000L;
    if (env.value("SESSION_TIMEOUT_SECONDS") != null) {
      if (env.value("SESSION_TIMEOUT_MINUTES") != null) {
        env.problem("set SESSION_TIMEOUT_MINUTES or SESSION_TIMEOUT_SECONDS, not both");
      }
      sessionTimeoutMillis = env.intIn("SESSION_TIMEOUT_SECONDS", 1800, 1, 604_800) * 1000L;
    }
    long paymentMillis = paymentMillis(env, sessionTimeoutMillis);
    // By default a stop waits for everything held back: the last late event is due MAX_LATE_SECONDS after it.
    int stopDrain = env.intIn("STOP_DRAIN_SECONDS", maxLate, 0, 86_400);
    Truth truth = truth(env);
    io.clickstream.worker.publish.VirtualClock virtualClock = virtualClock(env, rate);
    String lateSkew = env.string("LATE_SKEW", "none");
    try {
      io.clickstream.worker.simulation.LateSkew.parse(lateSkew, 0, partitions, user -> 0);
    } catch (IllegalArgumentException e) {
      env.problem(e.getMessage());
    }
    LateDelay lateDelay = null;
    try {
      lateDelay = LateDelay.parse(env.value("LATE_DISTRIBUTION"), maxLate);
    } catch (IllegalArgumentException e) {
      env.problem(e.getMessage());
    }
    OptionalLong seed = env.optionalLong("SEED");
    boolean standalone = env.bool("STANDALONE", false);
    String workerId = env.string("WORKER_ID", "worker-" + UUID.randomUUID().toString().substring(0, 8));
    if (!workerId.matches("[A-Za-z0-9._-]{1,64}")) {
      env.problem("WORKER_ID must be 1-64 letters, digits, '.', '_' or '-', got \"" + workerId + "\"");
    }
    int statsLog = env.intIn("STATS_LOG_SECONDS", 5, 1, 3600);
    int grace = env.intIn("COORDINATOR_GRACE_SECONDS", 60, 0, 86_400);
    int kafkaTimeout = env.intIn("KAFKA_STARTUP_TIMEOUT_SECONDS", 30, 1, 3600);
    io.clickstream.worker.publish.RecordHeaders recordHeaders = io.clickstream.worker.publish.RecordHeaders.LATE;
    String headers = env.string("RECORD_HEADERS", "late");
    try {
      recordHeaders = io.clickstream.worker.publish.RecordHeaders.valueOf(headers.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      env.problem("RECORD_HEADERS must be all, late or none, got \"" + headers + "\"");
    }
    String metricsHost = env.host("METRICS_HOST", "0.0.0.0");
    int metricsPort = env.intIn("METRICS_PORT", 9100, 0, 65535);
    Map<String, String> producer = producerProperties(env, bootstrap);
    ClusterConfig cluster = ClusterConfig.fromEnv(env);
    SchemaRegistryConfig valueFormat = SchemaRegistryConfig.fromEnv(env);
    env.throwIfInvalid();
    return new WorkerConfig(bootstrap, topic, partitions, replication, rate, users, products, latePct, maxLate,
        sessionTimeout, seed, producer, standalone, workerId, statsLog, grace, kafkaTimeout, lateDelay, recordHeaders,
        metricsHost, metricsPort, cluster, sessionTimeoutMillis, truth, virtualClock, lateSkew, paymentMillis, stopDrain,
        valueFormat);
  }

  /**
   * PAYMENT_SECONDS, the mean payment step (each payment takes 0.5 to 1.5 times it): 3 s by default, or a
   * quarter of a session timeout shorter than 12 s (short timeouts are for tests). A payment must end
   * inside the session, or the PURCHASE would open a session of its own.
   */
  private static long paymentMillis(EnvReader env, long sessionTimeoutMillis) {
    if (env.value("PAYMENT_SECONDS") == null) {
      return Math.min(io.clickstream.worker.simulation.Behaviour.DEFAULT_PAYMENT_MILLIS, sessionTimeoutMillis / 4);
    }
    double seconds = env.doubleIn("PAYMENT_SECONDS", 3, 0.001, 3600);
    long millis = Math.round(seconds * 1000);
    if (millis * 3 / 2 >= sessionTimeoutMillis) {
      env.problem("PAYMENT_SECONDS must be less than two thirds of the session timeout (" + sessionTimeoutMillis / 1000
          + " s): a payment takes up to 1.5 times it and must end inside the session, got \""
          + env.value("PAYMENT_SECONDS") + "\"");
    }
    return millis;
  }

  private static Truth truth(EnvReader env) {
    String enabled = env.string("TRUTH", "on");
    if (!enabled.equals("on") && !enabled.equals("off")) {
      env.problem("TRUTH must be on or off, got \"" + enabled + "\"");
    }
    int window = env.intIn("TRUTH_WINDOW_SECONDS", 60, 1, 86_400);
    String list = env.string("TRUTH_LATENESS_SECONDS", "0,10,30,60,120");
    long[] lateness = new long[0];
    try {
      lateness = java.util.Arrays.stream(list.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
      for (int i = 0; i < lateness.length; i++) {
        // At most a week: seconds are turned into milliseconds, and far larger values overflowed.
        if (lateness[i] < 0 || lateness[i] > TruthReport.MAX_LATENESS_SECONDS || i > 0 && lateness[i] <= lateness[i - 1]) {
          throw new NumberFormatException();
        }
      }
      if (lateness.length == 0 || lateness.length > TruthReport.MAX_LATENESSES) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      env.problem("TRUTH_LATENESS_SECONDS must be 1 to 32 ascending whole seconds from 0 to 604800 (a week) like "
          + "0,10,30,60,120, got \"" + list + "\"");
    }
    return new Truth(enabled.equals("on"), window, lateness);
  }

  /** CLOCK=virtual with START_TIME and optional END_TIME (ISO-8601 instants); null for the wall clock. */
  private static io.clickstream.worker.publish.VirtualClock virtualClock(EnvReader env, double rate) {
    String clock = env.string("CLOCK", "wall");
    if (clock.equals("wall")) {
      for (String name : new String[] {"START_TIME", "END_TIME"}) {
        if (env.value(name) != null) {
          env.problem(name + " needs CLOCK=virtual (the wall clock has no start or end)");
        }
      }
      return null;
    }
    if (!clock.equals("virtual")) {
      env.problem("CLOCK must be wall or virtual, got \"" + clock + "\"");
      return null;
    }
    long start = instant(env, "START_TIME", "2026-01-01T00:00:00Z");
    long end = env.value("END_TIME") == null ? Long.MAX_VALUE : instant(env, "END_TIME", null);
    if (env.value("SEED") == null) {
      env.problem("CLOCK=virtual needs SEED: without a seed the stream cannot be repeated");
    }
    try {
      return new io.clickstream.worker.publish.VirtualClock(start, end, rate);
    } catch (IllegalArgumentException e) {
      env.problem(e.getMessage());
      return null;
    }
  }

  private static long instant(EnvReader env, String name, String fallback) {
    String value = env.string(name, fallback);
    try {
      java.time.Instant instant = java.time.Instant.parse(value);
      // Years beyond long milliseconds threw ArithmeticException with a stack trace; years beyond 9999 gave
      // windows the truth API and Kafka timestamps cannot carry; before 1970, negative record timestamps.
      if (instant.isBefore(java.time.Instant.EPOCH) || instant.toEpochMilli() > TruthReport.MAX_EVENT_TIME) {
        env.problem(name + " must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z, got \"" + value + "\"");
        return 0;
      }
      return instant.toEpochMilli();
    } catch (java.time.format.DateTimeParseException | ArithmeticException | NullPointerException e) {
      env.problem(name + " must be an ISO-8601 instant from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z, got \""
          + value + "\"");
      return 0;
    }
  }

  /**
   * Defaults first (lz4, acks=all with idempotence: no loss and no duplicates on retry), then what
   * {@link KafkaSettings} reads from KAFKA_PRODUCER_CONFIG_FILE and KAFKA_PRODUCER_* variables.
   */
  static Map<String, String> producerProperties(EnvReader env, String bootstrap) {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put(ProducerConfig.ACKS_CONFIG, "all");
    defaults.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    defaults.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    defaults.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    defaults.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
    // Never expire a record the producer has accepted: a batch that times out while in flight may or may
    // not have been written (measured: 913 events counted failed that had landed), so every "failed" would
    // be a guess. Instead the buffer (buffer.memory) bounds memory, and when it is full send() blocks for at
    // most max.block.ms and then fails that one event, which certainly was never written.
    defaults.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
    defaults.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    Map<String, String> props = new LinkedHashMap<>(KafkaSettings.producerProperties(env, bootstrap, defaults));
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArraySerializer");
    return props;
  }

  /** Seed for the catalog and the user streams: SEED, or a fixed one so all workers share one catalog. */
  public long catalogSeed() {
    return seed.orElse(0x5EED_C47A_1065L);
  }

  /** The producer configuration with secrets masked, for the Starting line. */
  /** What the Kafka preflight checks and creates. */
  public io.clickstream.worker.publish.KafkaPreflight.Topic preflightTopic() {
    return new io.clickstream.worker.publish.KafkaPreflight.Topic(producerProperties, bootstrapServers,
        kafkaStartupTimeoutSeconds, topic, topicPartitions, topicReplicationFactor, virtualClock, lateSkew);
  }

  public Map<String, String> loggableProducerProperties() {
    return KafkaSettings.masked(producerProperties);
  }

  public String describe() {
    return "bootstrap=" + bootstrapServers + ", topic=" + topic + " (" + topicPartitions + " partitions), events/s="
        + eventsPerSecond + ", users=" + numUsers + ", products=" + numProducts + ", late=" + latePercentage
        + "% (" + lateDelay.describe() + ", skew " + lateSkew + "), maxLate=" + maxLateSeconds + "s, sessionTimeout="
        + sessionTimeoutMillis / 1000 + "s, payment=" + paymentMillis + "ms, stopDrain=" + stopDrainSeconds
        + "s, truth=" + truth.describe() + ", clock="
        + (virtualClock == null ? "wall" : "virtual from " + java.time.Instant.ofEpochMilli(virtualClock.startMillis())
            + (virtualClock.hasEnd() ? " to " + java.time.Instant.ofEpochMilli(virtualClock.endMillis()) : ""))
        + ", seed="
        + (seed.isPresent() ? Long.toString(seed.getAsLong()) : "none") + ", mode="
        + (standalone ? "standalone" : "cluster " + cluster.name() + " via " + cluster.members() + ", "
            + cluster.describeSecret())
        + ", values=" + valueFormat.describe()
        + ", workerId=" + workerId + ", metrics=" + (metricsPort == 0 ? "off" : metricsHost + ":" + metricsPort)
        + ", producer=" + loggableProducerProperties();
  }
}
