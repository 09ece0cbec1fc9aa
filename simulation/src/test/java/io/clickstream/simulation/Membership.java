package io.clickstream.simulation;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is in the cluster, and what each member sees of it: the cluster manager's node list as the
 * coordinator's tick and registration and the workers' heartbeat check read it. Each member's view
 * follows a join or a leave after a lag of its own (as Hazelcast's member list reaches members at
 * slightly different times); updates to one node stay in order.
 */
final class Membership {
  private final SimScheduler scheduler;
  private final long maxLagMillis;
  private final TreeSet<String> nodes = new TreeSet<>();
  /** Each observing node's view. */
  private final Map<String, TreeSet<String>> views = new HashMap<>();
  /** When the last update of (observer, node) lands, so a later one never overtakes it. */
  private final Map<String, Long> lastUpdate = new HashMap<>();

  Membership(SimScheduler scheduler, long maxLagMillis) {
    this.scheduler = scheduler;
    this.maxLagMillis = maxLagMillis;
  }

  /** A node joins: it sees the cluster as it is, the others learn of it after their lag. */
  void join(String nodeId) {
    for (String observer : views.keySet().stream().sorted().toList()) {
      update(observer, nodeId, true);
    }
    nodes.add(nodeId);
    views.put(nodeId, new TreeSet<>(nodes));
  }

  /** A node leaves (killed or gone gracefully): it stops observing, the others learn after their lag. */
  void leave(String nodeId) {
    nodes.remove(nodeId);
    views.remove(nodeId);
    for (String observer : views.keySet().stream().sorted().toList()) {
      update(observer, nodeId, false);
    }
  }

  /**
   * The others stop seeing a node that is still running (frozen past the failure detection); it keeps its
   * own view. {@link #readmit} brings it back when it resumes.
   */
  void expel(String nodeId) {
    nodes.remove(nodeId);
    for (String observer : views.keySet().stream().sorted().toList()) {
      if (!observer.equals(nodeId)) {
        update(observer, nodeId, false);
      }
    }
  }

  /** An expelled node is seen again (it resumed and the cluster merged back). */
  void readmit(String nodeId) {
    if (!views.containsKey(nodeId) || nodes.contains(nodeId)) {
      return;
    }
    for (String observer : views.keySet().stream().sorted().toList()) {
      if (!observer.equals(nodeId)) {
        update(observer, nodeId, true);
      }
    }
    nodes.add(nodeId);
  }

  private void update(String observer, String nodeId, boolean present) {
    String key = observer + "|" + nodeId;
    long at = Math.max(scheduler.nowNanos() + scheduler.between(0, maxLagMillis) * 1_000_000L,
        lastUpdate.getOrDefault(key, 0L));
    lastUpdate.put(key, at);
    scheduler.after(null, at - scheduler.nowNanos(), () -> {
      TreeSet<String> view = views.get(observer);
      if (view != null) {
        if (present) {
          view.add(nodeId);
        } else {
          view.remove(nodeId);
        }
      }
    });
  }

  /** Whether {@code observer} sees {@code nodeId} in the cluster now. */
  boolean sees(String observer, String nodeId) {
    TreeSet<String> view = views.get(observer);
    return view != null && view.contains(nodeId);
  }

  /** What {@code observer} sees now: a copy, as ClusterManager.getNodes() gives one. */
  Set<String> view(String observer) {
    TreeSet<String> view = views.get(observer);
    return view == null ? new TreeSet<>() : new TreeSet<>(view);
  }

  Collection<String> nodes() {
    return nodes;
  }
}
