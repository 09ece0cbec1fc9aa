package io.clickstream.coordinator.membership;

import io.clickstream.protocol.Registration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live set, kept from two independent signals: heartbeats (a worker silent for {@code lostAfterMillis}
 * is lost) and the cluster manager's member list (a worker whose node left is lost at once). Pure; the
 * caller passes the time. Lost workers stay listed so the dashboard can say since when.
 */
public final class WorkerRegistry {
  private final long lostAfterNanos;
  private final Map<String, WorkerEntry> workers = new LinkedHashMap<>();

  public WorkerRegistry(long lostAfterMillis) {
    this.lostAfterNanos = lostAfterMillis * 1_000_000L;
  }

  /** Returns true when this worker is new or comes back from lost: the partition must change. */
  public boolean register(Registration registration, long now) {
    WorkerEntry existing = workers.get(registration.workerId());
    if (existing == null) {
      workers.put(registration.workerId(), new WorkerEntry(registration, now));
      return true;
    }
    if (isLateCopy(existing, registration)) {
      return false;
    }
    boolean wasLost = !existing.isLive();
    existing.reRegistered(registration, now);
    return wasLost || !registration.heldUsers().equals(existing.assignedUsers());
  }

  /**
   * A late copy of a registration this same process sent earlier (its epoch never goes back), which, taken,
   * would erase users it may hold now and hand them to another worker. Either it is older than an epoch
   * the process acknowledged since (simulation, seed 193754), or, while the entry is live, older than an
   * assignment already sent to it: a reply slow past the worker's timeout makes it register again
   * (simulation, seed 163089). The entry keeps what it believes, at least what the process holds; the
   * reply still goes out.
   */
  private static boolean isLateCopy(WorkerEntry existing, Registration registration) {
    Registration known = existing.registration();
    if (!known.nodeId().equals(registration.nodeId())) {
      return false;
    }
    return registration.heldEpoch() < existing.heldEpoch()
        || existing.isLive() && known.incarnation().equals(registration.incarnation())
        && registration.heldEpoch() < existing.sentEpoch();
  }

  /**
   * Why this registration must be refused, or null. A registration from another process (another cluster
   * node) under a known id is taken only once the process that had the id is surely gone: it no longer
   * heartbeats (the entry is lost), its node has left the cluster, and its lease has run out, so it
   * produces nothing. That lets a worker restarted after a crash keep its WORKER_ID, and refuses a
   * second process started with the id of a live one. Re-registering from the same node is the same
   * process coming back (after a coordinator restart, or after it was declared lost): always taken.
   *
   * @param clusterNodeIds the cluster's members now; null when not clustered (heartbeats alone decide)
   */
  public String duplicateOf(Registration r, long now, Set<String> clusterNodeIds, long leaseMillis) {
    WorkerEntry existing = workers.get(r.workerId());
    if (existing == null || existing.registration().nodeId().equals(r.nodeId())) {
      return null;
    }
    Registration old = existing.registration();
    boolean member = clusterNodeIds != null && clusterNodeIds.contains(old.nodeId());
    boolean leaseRuns = now - existing.leaseEndsNanos(leaseMillis) < 0;
    if (!existing.isLive() && !member && !leaseRuns) {
      return null;
    }
    return "WORKER_ID " + r.workerId() + " is in use by a " + (existing.isLive() ? "live" : "lost but not yet gone")
        + " worker (node " + old.nodeId() + ", pid " + old.pid() + " on " + old.host() + ", last heartbeat "
        + (now - existing.lastHeartbeatNanos()) / 1_000_000 + " ms ago" + (member ? ", still a cluster member" : "")
        + "); refused the registration from node " + r.nodeId() + " (pid " + r.pid() + " on " + r.host() + ")";
  }

  /**
   * Why a truth report must be refused, or null. Truth is taken from a worker the registry knows, live or
   * lost (a lost worker's part may still complete a window), and only from the process that registered
   * the id: a stranger's parts would otherwise be merged into the published truth.
   */
  public String truthRefusal(String workerId, String incarnation) {
    WorkerEntry entry = workers.get(workerId);
    if (entry == null) {
      return "truth from worker " + workerId + " refused: no worker of that id is registered";
    }
    if (!entry.registration().incarnation().equals(incarnation)) {
      return "truth from worker " + workerId + " refused: incarnation " + incarnation + " is not the registered one";
    }
    return null;
  }

  /** Null when the worker is unknown or lost: it must stop and register again. */
  public WorkerEntry heartbeat(String workerId, long now) {
    return heartbeat(workerId, null, now);
  }

  /** As {@link #heartbeat(String, long)}, and null too when the beat comes from another node than registered. */
  public WorkerEntry heartbeat(String workerId, String nodeId, long now) {
    WorkerEntry entry = workers.get(workerId);
    if (entry == null || !entry.isLive() || nodeId != null && !nodeId.equals(entry.registration().nodeId())) {
      return null;
    }
    entry.heartbeat(now);
    entry.renewed(now);
    return entry;
  }

  /** Marks lost every live worker that missed its heartbeats or whose node left; returns them. */
  public List<WorkerEntry> expire(long now, long nowMillis, Set<String> clusterNodeIds) {
    List<WorkerEntry> lost = new ArrayList<>();
    for (WorkerEntry w : workers.values()) {
      if (!w.isLive()) {
        continue;
      }
      if (clusterNodeIds != null && !clusterNodeIds.contains(w.registration().nodeId())) {
        w.lost("left the cluster", nowMillis);
        lost.add(w);
      } else if (now - w.lastHeartbeatNanos() > lostAfterNanos) {
        w.lost("missed heartbeats for " + lostAfterNanos / 1_000_000 + " ms", nowMillis);
        lost.add(w);
      }
    }
    return lost;
  }

  /** Marks one worker lost (it failed to acknowledge an assignment). */
  public void markLost(String workerId, String reason, long nowMillis) {
    WorkerEntry w = workers.get(workerId);
    if (w != null && w.isLive()) {
      w.lost(reason, nowMillis);
    }
  }

  public WorkerEntry get(String workerId) {
    return workers.get(workerId);
  }

  /** Live workers in a stable order (by id), so the partition does not reshuffle needlessly. */
  public List<WorkerEntry> live() {
    List<WorkerEntry> live = new ArrayList<>();
    for (WorkerEntry w : workers.values()) {
      if (w.isLive()) {
        live.add(w);
      }
    }
    live.sort(Comparator.comparing(WorkerEntry::id));
    return live;
  }

  public Collection<WorkerEntry> all() {
    return workers.values();
  }

  /** Forgets lost workers lost longer ago than the given wall-clock instant, to bound memory. */
  public void forgetLostBefore(long millis) {
    workers.values().removeIf(w -> !w.isLive() && w.lostAtMillis() < millis && w.heldUsers().isEmpty());
  }
}
