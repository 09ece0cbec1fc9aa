package io.clickstream.protocol;

/**
 * Event-bus addresses and timing constants shared by coordinator and workers. Every address sits under
 * one prefix so a bridge or a sniffer can filter on it.
 */
public final class Protocol {
  /** Bumped on any incompatible message change; members of another version are refused by name. */
  public static final int VERSION = 1;

  public static final String PREFIX = "clickstream.";
  /** Worker → coordinator, request/reply: "I exist, here is what I hold". Reply: {@link RegistrationReply}. */
  public static final String REGISTER = PREFIX + "coordinator.register";
  /** Worker → coordinator, request/reply every second. Reply: {@link HeartbeatReply} (renews the lease). */
  public static final String HEARTBEAT = PREFIX + "coordinator.heartbeat";
  /** Worker → coordinator, fire-and-forget every second: a {@link StatsReport}. */
  public static final String STATS = PREFIX + "coordinator.stats";
  /**
   * Worker → coordinator, request/reply, in order, re-sent until acknowledged: a {@link TruthReport}.
   * The reply is an empty JSON object once merged (or already merged).
   */
  public static final String TRUTH = PREFIX + "coordinator.truth";

  private Protocol() {
  }

  /** Coordinator → one worker, request/reply: an {@link Assignment}; the reply is an {@link AssignmentAck}. */
  public static String assignAddress(String workerId) {
    return PREFIX + "worker." + workerId + ".assign";
  }
}
