package io.clickstream.coordinator;

import io.clickstream.protocol.ClusterConfig;
import io.clickstream.protocol.EnvReader;
import io.clickstream.protocol.KafkaSettings;
import io.clickstream.protocol.Protocol;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Everything the coordinator needs, from the environment, validated before it joins the cluster.
 *
 * @param eventsPerSecond the global target at start (EVENTS_PER_SECOND, as in the original)
 * @param maxEventsPerSecond ceiling for rate commands; above it a command is refused with 400
 * @param leaseMillis how long a heartbeat reply lets a worker produce; shorter than {@code lostAfterMillis}
 * @param lostAfterMillis a worker silent this long is lost and its users reassigned
 * @param settleMillis after start, wait this long for workers to re-register before the first split (the
 *     coordinator waits at least leaseMillis plus a heartbeat anyway: see its constructor)
 * @param httpHost the HTTP server's bind address (HTTP_HOST): loopback unless opened on purpose
 * @param allowedHosts extra names the Host header may carry (HTTP_ALLOWED_HOSTS; "*" for any)
 * @param publishedHost where a container's port is published on its host (HTTP_PUBLISHED_HOST, compose sets
 *     it): decides, instead of httpHost, whether the API is open to the network; null if unset
 * @param controlToken when set, rate/pause/resume need it as a bearer token (CONTROL_TOKEN); null if unset
 * @param protectReads the status, history, events and metrics routes need it too (CONTROL_TOKEN_PROTECT_READS)
 * @param truth merge the workers' ground truth and publish it to TOPIC_NAME.truth (TRUTH, default on)
 * @param watermarks publish perfect watermarks to TOPIC_NAME.watermarks (WATERMARKS, default off)
 * @param watermarkIdleMillis a partition with no event sent for this long is idle (WATERMARK_IDLE_SECONDS)
 * @param minWorkers assign no users until this many workers have registered (MIN_WORKERS): a fleet that
 *     starts together then starts with one split and no rebalance, which seed-exact runs need
 * @param producerProperties the truth producer's settings (KAFKA_PRODUCER_* and KAFKA_PRODUCER_CONFIG_FILE, read
 *     as the workers read them); the admin clients take their connection and security part
 * @param lockWaitSeconds how long a second coordinator waits for the cluster's coordinator lock before it
 *     exits (COORDINATOR_LOCK_WAIT_SECONDS); 0, the default, waits for ever as a standby that takes over
 */
public record CoordinatorConfig(int numUsers, double eventsPerSecond, double maxEventsPerSecond,
                                String httpHost, List<String> allowedHosts, String publishedHost, int httpPort,
                                int bodyLimitBytes,
                                long leaseMillis, long lostAfterMillis, long settleMillis,
                                String bootstrapServers, String topic, String controlToken, boolean protectReads,
                                ClusterConfig cluster, boolean truth, boolean watermarks, long watermarkIdleMillis,
                                int minWorkers, Map<String, String> producerProperties, int lockWaitSeconds) {

  public CoordinatorConfig {
    producerProperties = Map.copyOf(producerProperties);
  }

  /**
   * Like the workers': an accepted record is never expired, so a long outage delays the truth, not loses it;
   * one partition per truth topic, so idempotence keeps the records in publication order across retries.
   */
  private static final Map<String, String> TRUTH_PRODUCER_DEFAULTS = Map.of("acks", "all", "enable.idempotence",
      "true", "linger.ms", "20", "max.block.ms", "10000", "compression.type", "lz4",
      "delivery.timeout.ms", Integer.toString(Integer.MAX_VALUE));

  public static CoordinatorConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    int users = env.intIn("NUM_USERS", 100, 1, 100_000_000);
    double maxRate = env.doubleIn("MAX_EVENTS_PER_SECOND", 1_000_000, 1, 100_000_000);
    double rate = env.doubleIn("EVENTS_PER_SECOND", 10, 0, maxRate);
    String httpHost = env.host("HTTP_HOST", "127.0.0.1");
    List<String> allowedHosts = hostList(env, "HTTP_ALLOWED_HOSTS");
    String publishedHost = env.value("HTTP_PUBLISHED_HOST");
    if (publishedHost != null && !AllowedHosts.isValidEntry(publishedHost)) {
      env.problem("HTTP_PUBLISHED_HOST must be a host name or address, got \"" + publishedHost + "\"");
    }
    int httpPort = env.intIn("HTTP_PORT", 8088, 0, 65535);
    int bodyLimit = env.intIn("HTTP_BODY_LIMIT_BYTES", 4096, 64, 1_048_576);
    long lostAfter = env.intIn("WORKER_LOST_AFTER_MS", 4000, 1500, 600_000);
    long lease = env.intIn("WORKER_LEASE_MS", (int) Math.min(3000, lostAfter - 1000), 500, 600_000);
    if (lease < 2 * Protocol.HEARTBEAT_INTERVAL_MILLIS) {
      env.problem("WORKER_LEASE_MS must be at least two heartbeats (" + 2 * Protocol.HEARTBEAT_INTERVAL_MILLIS
          + " ms), got \"" + lease + "\": a shorter lease lapses whenever one heartbeat reply is late, and the"
          + " workers stop and start all the time" + (env.value("WORKER_LEASE_MS") == null
          ? " (it defaults to WORKER_LOST_AFTER_MS - 1000, and WORKER_LOST_AFTER_MS is " + lostAfter + ")" : ""));
    } else if (lease >= lostAfter) {
      env.problem("WORKER_LEASE_MS must be shorter than WORKER_LOST_AFTER_MS (" + lostAfter + "), got \"" + lease
          + "\": a lost worker must have stopped before its users are reassigned");
    }
    long settle = env.intIn("COORDINATOR_SETTLE_MS", 2000, 0, 60_000);
    String bootstrap = KafkaSettings.bootstrapServers(env);
    String topic = KafkaSettings.topic(env);
    Map<String, String> producer = KafkaSettings.producerProperties(env, bootstrap, TRUTH_PRODUCER_DEFAULTS);
    String token = env.value("CONTROL_TOKEN");
    if (token != null && token.length() < 8) {
      env.problem("CONTROL_TOKEN must be at least 8 characters, got one of " + token.length());
    }
    boolean protectReads = env.bool("CONTROL_TOKEN_PROTECT_READS", false);
    if (protectReads && token == null) {
      env.problem("CONTROL_TOKEN_PROTECT_READS=true needs CONTROL_TOKEN to be set");
    }
    ClusterConfig cluster = ClusterConfig.fromEnv(env);
    boolean truth = onOff(env, "TRUTH", "on");
    boolean watermarks = onOff(env, "WATERMARKS", "off");
    long idle = env.intIn("WATERMARK_IDLE_SECONDS", 5, 1, 86_400) * 1000L;
    int minWorkers = env.intIn("MIN_WORKERS", 1, 1, 10_000);
    int lockWait = env.intIn("COORDINATOR_LOCK_WAIT_SECONDS", 0, 0, 86_400);
    if (watermarks && !truth) {
      env.problem("WATERMARKS=on needs TRUTH=on: the watermarks come with the workers' truth reports");
    }
    env.throwIfInvalid();
    return new CoordinatorConfig(users, rate, maxRate, httpHost, allowedHosts, publishedHost, httpPort, bodyLimit,
        lease, lostAfter, settle, bootstrap, topic, token, protectReads, cluster, truth, watermarks, idle, minWorkers,
        producer, lockWait);
  }

  private static boolean onOff(EnvReader env, String name, String fallback) {
    String value = env.string(name, fallback);
    if (!value.equals("on") && !value.equals("off")) {
      env.problem(name + " must be on or off, got \"" + value + "\"");
    }
    return value.equals("on");
  }

  private static List<String> hostList(EnvReader env, String name) {
    String value = env.value(name);
    if (value == null) {
      return List.of();
    }
    List<String> hosts = Arrays.stream(value.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
    for (String host : hosts) {
      if (!AllowedHosts.isValidEntry(host)) {
        env.problem(name + " must be a comma-separated list of host names or addresses (no scheme, port or path) "
            + "or *, got \"" + host + "\"");
      }
    }
    return hosts;
  }

  /** Commands need no token and the port is reachable from other machines: warned at start, shown on the page. */
  public boolean controlOpenToNetwork() {
    return controlToken == null && !AllowedHosts.isLoopback(publishedHost != null ? publishedHost : httpHost);
  }

  public String describe() {
    return "users=" + numUsers + ", events/s=" + eventsPerSecond + " (max " + maxEventsPerSecond + "), http="
        + httpHost + ":" + httpPort + (allowedHosts.isEmpty() ? "" : " (also as " + allowedHosts + ")")
        + ", lease=" + leaseMillis + "ms, lostAfter=" + lostAfterMillis + "ms, cluster="
        + cluster.name() + " via " + cluster.members() + " (" + cluster.describeSecret() + "), kafka="
        + bootstrapServers + " topic=" + topic
        + ", truth=" + (truth ? topic + ".truth" : "off") + ", watermarks="
        + (watermarks ? topic + ".watermarks (idle after " + watermarkIdleMillis / 1000 + "s)" : "off")
        + ", minWorkers=" + minWorkers + ", lockWait=" + (lockWaitSeconds == 0 ? "forever" : lockWaitSeconds + "s")
        + ", kafkaClients=" + KafkaSettings.masked(producerProperties)
        + ", control=" + (controlToken == null ? "open" : protectReads ? "token for all API calls" : "token for commands");
  }
}
