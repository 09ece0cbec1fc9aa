package io.clickstream.coordinator.membership;

import io.clickstream.protocol.Registration;
import io.clickstream.protocol.UserRange;

/**
 * What the coordinator knows of one worker. Mutable, owned by the coordinator's event loop only.
 * Times are the monotonic time of the coordinator's clock, except {@code lostAtMillis} (wall clock, for display).
 */
public final class WorkerEntry {
  public enum State { LIVE, LOST }

  private Registration registration;
  private State state = State.LIVE;
  private long lastHeartbeatNanos;
  /** When the last lease renewal was sent; the worker's lease ends at most leaseMillis after it. */
  private long lastRenewalNanos;
  /** Users the worker may be producing: acknowledged assignments, or what it said it held. */
  private UserRange heldUsers;
  private long heldEpoch;
  /** What it was last assigned (possibly not yet acknowledged). */
  private UserRange assignedUsers = UserRange.EMPTY;
  private double assignedRate;
  private long sentEpoch;
  /**
   * The rate version ({@code RateController.version}) the worker holds, as its acknowledgements say; 0 when
   * unknown (it registered holding users). Behind the current one, it is sent a {@code RateChange}.
   */
  private long rateVersion;
  private long lostAtMillis;
  private String lostReason;
  /** Stopping: it gets no users, but stays live and reporting until it leaves. */
  private boolean draining;

  WorkerEntry(Registration registration, long now) {
    this.registration = registration;
    this.lastHeartbeatNanos = now;
    this.lastRenewalNanos = now;
    this.heldUsers = registration.heldUsers();
    this.heldEpoch = registration.heldEpoch();
  }

  public String id() {
    return registration.workerId();
  }

  public Registration registration() {
    return registration;
  }

  public State state() {
    return state;
  }

  public boolean isLive() {
    return state == State.LIVE;
  }

  public long lastHeartbeatNanos() {
    return lastHeartbeatNanos;
  }

  public UserRange heldUsers() {
    return heldUsers;
  }

  public long heldEpoch() {
    return heldEpoch;
  }

  public UserRange assignedUsers() {
    return assignedUsers;
  }

  public double assignedRate() {
    return assignedRate;
  }

  public long rateVersion() {
    return rateVersion;
  }

  public boolean draining() {
    return draining;
  }

  /** Marks the worker draining; returns true the first time. */
  public boolean startDraining() {
    boolean first = !draining;
    draining = true;
    return first;
  }

  public long lostAtMillis() {
    return lostAtMillis;
  }

  public String lostReason() {
    return lostReason;
  }

  /** The instant after which the worker's lease has surely ended (it stopped producing by itself). */
  public long leaseEndsNanos(long leaseMillis) {
    return lastRenewalNanos + leaseMillis * 1_000_000L;
  }

  void reRegistered(Registration r, long now) {
    registration = r;
    state = State.LIVE;
    lastHeartbeatNanos = now;
    lastRenewalNanos = now;
    heldUsers = r.heldUsers();
    heldEpoch = r.heldEpoch();
    lostReason = null;
    draining = false;
    rateVersion = 0;
  }

  void heartbeat(long now) {
    lastHeartbeatNanos = now;
  }

  void renewed(long now) {
    lastRenewalNanos = now;
  }

  void lost(String reason, long nowMillis) {
    state = State.LOST;
    lostReason = reason;
    lostAtMillis = nowMillis;
  }

  /** An assignment at {@code epoch} is on its way: the process may hold it from now on. */
  public void assigned(UserRange users, double rate, long epoch) {
    assignedUsers = users;
    assignedRate = rate;
    sentEpoch = Math.max(sentEpoch, epoch);
  }

  /** The highest epoch sent to this process (0 when none): it may hold that one, answered or not. */
  public long sentEpoch() {
    return sentEpoch;
  }

  /**
   * It took an assignment: it holds these users at this epoch, at the rate of {@code rateVersion} (an
   * assignment replaces the rate too, so this is not a maximum).
   */
  public void acknowledged(UserRange users, long epoch, long rateVersion) {
    heldUsers = users;
    heldEpoch = epoch;
    this.rateVersion = rateVersion;
  }

  /** It applied a rate change that carried {@code version} for the users it holds, at {@code rate}. */
  public void rateApplied(long version, double rate) {
    rateVersion = Math.max(rateVersion, version);
    if (assignedUsers.equals(heldUsers)) {
      // No assignment in flight: what it holds is what it was last given.
      assignedRate = rate;
    }
  }

  /** After its lease ran out a lost worker produces nothing: forget what it held. */
  public void released() {
    heldUsers = UserRange.EMPTY;
  }
}
