package io.clickstream.protocol;

/**
 * Event-bus addresses and timing constants shared by coordinator and workers. Every address sits under
 * one prefix so a bridge or a sniffer can filter on it.
 */
public final class Protocol {
  /** Bumped on any incompatible message change; members of another version are refused by name. */
  public static final int VERSION = 1;

  /**
   * Ceilings for values that come off the wire, which has no authentication: a member refuses a message
   * above them by name instead of allocating, wrapping or waiting by it. Epochs stop at 2^53, which JSON
   * carries exactly and which a coordinator issuing a thousand epochs a second would reach in 285,000
   * years; users and rates stop at the configuration's own maxima.
   */
  public static final long MAX_EPOCH = 1L << 53;
  public static final int MAX_USERS = 100_000_000;
  public static final double MAX_EVENTS_PER_SECOND = 100_000_000;
  public static final long MAX_LEASE_MILLIS = 600_000;
  /** Worker ids go into an address, so they keep to the characters WORKER_ID allows. */
  public static final String WORKER_ID_PATTERN = "[A-Za-z0-9._-]{1,64}";
  /** Host names, node ids, incarnations and the like. */
  public static final int MAX_STRING_LENGTH = 1024;
  /** A worker heartbeats this often; a lease shorter than two beats would lapse on one late reply. */
  public static final long HEARTBEAT_INTERVAL_MILLIS = 1000;
  /** The failure code of a registration refused because a live worker already has the id. */
  public static final int DUPLICATE_WORKER = 409;
  /** The failure code of a message from a sender this member does not take it from. */
  public static final int UNKNOWN_SENDER = 403;

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

  /** Coordinator → one worker, request/reply: a {@link RateChange}; the reply is a {@link RateChange.Ack}. */
  public static String rateAddress(String workerId) {
    return PREFIX + "worker." + workerId + ".rate";
  }
}
