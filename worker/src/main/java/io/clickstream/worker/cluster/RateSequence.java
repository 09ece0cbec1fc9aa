package io.clickstream.worker.cluster;

/**
 * The rate changes applied so far, by the coordinator that sent them: a change is new only when its
 * {@code seq} is above the last one admitted from the same coordinator. Another coordinator (a restart,
 * a failover) numbers its changes afresh, so its first change starts a new sequence. On the link's event
 * loop.
 */
final class RateSequence {
  private String coordinatorId;
  private long lastSeq;

  /**
   * Admits {@code seq} from {@code coordinatorId} when it is new (and remembers it); false for a duplicate
   * or a late copy of something already admitted.
   */
  boolean admit(String coordinatorId, long seq) {
    if (!coordinatorId.equals(this.coordinatorId)) {
      this.coordinatorId = coordinatorId;
      lastSeq = 0;
    }
    if (seq <= lastSeq) {
      return false;
    }
    lastSeq = seq;
    return true;
  }
}
