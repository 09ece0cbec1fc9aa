package io.clickstream.coordinator;

/**
 * A well-formed message the coordinator will not act on, answered with {@code code} and a reason that
 * names the culprit: {@link io.clickstream.protocol.Protocol#DUPLICATE_WORKER} for an id a live worker
 * has, {@link io.clickstream.protocol.Protocol#UNKNOWN_SENDER} for a report from a worker it does not
 * know.
 */
public final class Refused extends RuntimeException {
  private final int code;

  public Refused(int code, String message) {
    super(message);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
