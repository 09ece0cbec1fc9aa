package io.clickstream.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * How a member joins the cluster. Shared by coordinator and worker so both read the same variables
 * the same way.
 *
 * @param name Hazelcast cluster name: members of another name never join (CLUSTER_NAME)
 * @param members TCP-IP join list, host or host:port (CLUSTER_MEMBERS); no multicast
 * @param host interface Hazelcast and the event bus bind to (CLUSTER_HOST)
 * @param publicHost address other members use to reach this one, e.g. a container's IP (CLUSTER_PUBLIC_HOST)
 * @param port Hazelcast base port; members on one host take the next free one (CLUSTER_PORT)
 * @param eventBusPort 0 picks a free port (EVENTBUS_PORT)
 * @param failureDetectionSeconds how long a silent member may be before Hazelcast drops it
 * @param secret signs and checks every event-bus message ({@link BusMac}); null: the bus is open (CLUSTER_SECRET)
 */
public record ClusterConfig(String name, List<String> members, String host, String publicHost, int port,
                            int portCount, int eventBusPort, int failureDetectionSeconds, String secret) {
  public static final String DEFAULT_NAME = "clickstream";

  public ClusterConfig {
    members = List.copyOf(members);
  }

  public static ClusterConfig fromEnv(EnvReader env) {
    String name = env.string("CLUSTER_NAME", DEFAULT_NAME);
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      env.problem("CLUSTER_NAME must be 1-64 letters, digits, '.', '_' or '-', got \"" + name + "\"");
    }
    String host = env.host("CLUSTER_HOST", "127.0.0.1");
    String publicHost = env.host("CLUSTER_PUBLIC_HOST", host);
    int port = env.intIn("CLUSTER_PORT", 5701, 1, 65535);
    int portCount = env.intIn("CLUSTER_PORT_COUNT", 10, 1, 1000);
    int eventBusPort = env.intIn("EVENTBUS_PORT", 0, 0, 65535);
    int detection = env.intIn("CLUSTER_FAILURE_DETECTION_SECONDS", 5, 2, 600);
    List<String> members = new ArrayList<>();
    for (String m : env.string("CLUSTER_MEMBERS", "127.0.0.1").split(",")) {
      String member = m.trim();
      if (member.isEmpty()) {
        continue;
      }
      if (!EnvReader.isHostAndOptionalPort(member)) {
        env.problem("CLUSTER_MEMBERS must be a comma-separated list of host or host:port (port 1-65535), got \""
            + member + "\" in \"" + env.value("CLUSTER_MEMBERS") + "\"");
        break;
      }
      members.add(member);
    }
    if (members.isEmpty()) {
      env.problem("CLUSTER_MEMBERS must name at least one member, got \"" + env.value("CLUSTER_MEMBERS") + "\"");
    }
    String secret = env.value("CLUSTER_SECRET");
    if (secret != null && secret.length() < BusMac.MIN_SECRET_LENGTH) {
      // The value is never echoed, not even here: only its length.
      env.problem("CLUSTER_SECRET must be at least " + BusMac.MIN_SECRET_LENGTH + " characters, got one of "
          + secret.length());
    }
    return new ClusterConfig(name, members, host, publicHost, port, portCount, eventBusPort, detection, secret);
  }

  /** For start-up lines: whether the bus is signed, never the secret. */
  public String describeSecret() {
    return secret == null ? "bus open (no CLUSTER_SECRET)" : "bus signed (CLUSTER_SECRET ****)";
  }

  /** The record's own toString would print the secret. */
  @Override
  public String toString() {
    return "ClusterConfig[name=" + name + ", members=" + members + ", host=" + host + ", publicHost=" + publicHost
        + ", port=" + port + ", portCount=" + portCount + ", eventBusPort=" + eventBusPort
        + ", failureDetectionSeconds=" + failureDetectionSeconds + ", secret=" + (secret == null ? "unset" : "****")
        + "]";
  }
}
