package io.clickstream.coordinator.partition;

import io.clickstream.protocol.UserRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits USER_0001..USER_n into contiguous ranges, one per worker in the given order, sizes differing by
 * at most one. Contiguous ranges keep assignments small and make "who holds user u" obvious in logs.
 * Workers beyond the user count get an empty range.
 */
public final class Partitioner {
  private Partitioner() {
  }

  public static Map<String, UserRange> split(int numUsers, List<String> workerIds) {
    Map<String, UserRange> out = new LinkedHashMap<>();
    int n = workerIds.size();
    if (n == 0) {
      return out;
    }
    int base = numUsers / n;
    int extra = numUsers % n;
    int next = 1;
    for (int i = 0; i < n; i++) {
      int size = base + (i < extra ? 1 : 0);
      out.put(workerIds.get(i), UserRange.of(next, next + size - 1));
      next += size;
    }
    return out;
  }

  /** A worker's share of the global rate: in proportion to the users it simulates. */
  public static double rateShare(double globalRate, UserRange users, int numUsers) {
    return numUsers == 0 ? 0 : globalRate * users.size() / numUsers;
  }
}
