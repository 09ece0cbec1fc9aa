package io.clickstream.protocol;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a clustered Vert.x over Hazelcast the same way for every member: TCP-IP join on the configured
 * member list (never multicast), a cluster name so strangers do not join, failure detection in seconds
 * rather than a minute, and an event bus that fails fast when a member dies.
 */
public final class ClusterBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterBootstrap.class);
  /** Event-bus connect timeout: a dead member's address must fail in seconds, not the default 60 s. */
  private static final int EVENT_BUS_CONNECT_TIMEOUT_MILLIS = 3000;

  private ClusterBootstrap() {
  }

  /** A clustered Vert.x and the cluster manager it runs on (for the node id and the member list). */
  public record Clustered(Vertx vertx, HazelcastClusterManager clusterManager) {
    public String nodeId() {
      return clusterManager.getNodeId();
    }
  }

  public static Future<Clustered> start(ClusterConfig config, PrometheusMeterRegistry registry) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(config));
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions()
        .setHost(config.host())
        .setClusterPublicHost(config.publicHost())
        .setPort(config.eventBusPort())
        .setConnectTimeout(EVENT_BUS_CONNECT_TIMEOUT_MILLIS);
    long started = Clock.SYSTEM.nanoTime();
    return MetricsSupport.builder(registry, options).withClusterManager(manager).buildClustered()
        .map(vertx -> {
          LOG.info("Joined cluster '{}' as node {} in {} ms ({} members)", config.name(), manager.getNodeId(),
              TimeUnit.NANOSECONDS.toMillis(Clock.SYSTEM.nanoTime() - started), manager.getNodes().size());
          guardBus(vertx, manager, config);
          return new Clustered(vertx, manager);
        });
  }

  /**
   * Signs and checks every event-bus message when CLUSTER_SECRET is set. Installed before any verticle is
   * deployed, so no handler is ever reachable unguarded. Hazelcast itself cannot be guarded the same way: member
   * authentication is an Enterprise feature (Hazelcast 5.3 OSS joins any member that gives the cluster name),
   * so its port must be firewalled; but every command and report travels on the event bus, which this guards.
   */
  private static void guardBus(Vertx vertx, HazelcastClusterManager manager, ClusterConfig config) {
    if (config.secret() != null) {
      BusGuard.install(vertx, config.secret());
      LOG.info("Cluster event bus messages are signed and checked with CLUSTER_SECRET");
    } else {
      LOG.warn("cluster event bus is open: any process that reaches port {} can send commands; set CLUSTER_SECRET",
          manager.getNodeInfo().port());
    }
  }

  /**
   * Starts from Vert.x's own default Hazelcast config (it carries the map settings Vert.x relies on) and
   * changes only discovery, identity and timing.
   */
  static Config hazelcastConfig(ClusterConfig config) {
    Config hz = ConfigUtil.loadConfig();
    if (hz == null) {
      hz = new Config();
    }
    hz.setClusterName(config.name());
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    // Hazelcast's own metrics are unused here, cost CPU, and log an error when interrupted at shutdown.
    hz.getMetricsConfig().setEnabled(false);
    // Defaults see a hung member after 60 s; measured here: 1 s beats and a 5 s limit see it in ~5.6 s.
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(config.failureDetectionSeconds()));
    // A member cut off and back merges in ~14 s instead of ~300 s.
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    // Members listed without a port are scanned from the base port upwards: cover every member of a host.
    hz.setProperty("hazelcast.tcp.join.port.try.count", Integer.toString(config.portCount()));
    hz.setProperty("hazelcast.local.localAddress", config.host());
    // By default Hazelcast listens on every interface: members on 127.0.0.2 and 127.0.0.3 would then
    // fight over the same ports, and the cluster port would be open on interfaces nobody chose.
    hz.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(config.port()).setPortAutoIncrement(true).setPortCount(config.portCount());
    if (!config.publicHost().equals(config.host())) {
      network.setPublicAddress(config.publicHost());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(config.members()).setConnectionTimeoutSeconds(2);
    return hz;
  }
}
