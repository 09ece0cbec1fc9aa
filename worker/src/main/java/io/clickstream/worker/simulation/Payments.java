package io.clickstream.worker.simulation;

import io.clickstream.protocol.UserRange;
import java.util.PriorityQueue;

/**
 * The payments in progress of a slice: users who checked out and whose PURCHASE is due once their
 * payment step is over. At most one per user (a user paying does nothing else). Owned by the simulator.
 */
final class Payments {
  /** Ties on the due time go by user, so that the order never depends on heap internals. */
  private record Payment(long dueMillis, int user) implements Comparable<Payment> {
    @Override
    public int compareTo(Payment o) {
      return dueMillis != o.dueMillis ? Long.compare(dueMillis, o.dueMillis) : Integer.compare(user, o.user);
    }
  }

  private final PriorityQueue<Payment> queue = new PriorityQueue<>();

  void start(int user, long dueMillis) {
    queue.add(new Payment(dueMillis, user));
  }

  /** Epoch ms when the next payment ends, or Long.MAX_VALUE when none is in progress. */
  long nextDueMillis() {
    Payment head = queue.peek();
    return head == null ? Long.MAX_VALUE : head.dueMillis;
  }

  /** Removes the payment that ends first and returns its user; 0 when none. */
  int pollUser() {
    Payment head = queue.poll();
    return head == null ? 0 : head.user;
  }

  /** Removes, in one pass, the payments of users outside {@code keep}; returns those users, earliest due first. */
  int[] removeOutside(UserRange keep) {
    java.util.List<Payment> removed = new java.util.ArrayList<>();
    queue.removeIf(p -> !keep.contains(p.user) && removed.add(p));
    return removed.stream().sorted().mapToInt(Payment::user).toArray();
  }

  boolean hasUserOutside(UserRange keep) {
    for (Payment p : queue) {
      if (!keep.contains(p.user)) {
        return true;
      }
    }
    return false;
  }

  int size() {
    return queue.size();
  }

  /** The users paying, in no particular order: for bounds computed about once a second. */
  int[] users() {
    return queue.stream().mapToInt(Payment::user).toArray();
  }
}
