package io.clickstream.coordinator.partition;

import io.clickstream.protocol.UserRange;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two phases that move users without ever letting two workers produce one user:
 * <ol>
 *   <li><b>revoke</b>: every worker that holds users it will not keep is shrunk to what it keeps, and
 *       must acknowledge (it acks only after its generator has stopped those users);</li>
 *   <li><b>grant</b>: then every worker gets its full target.</li>
 * </ol>
 * Users held by a lost worker are granted only after that worker's lease has run out; the caller
 * enforces that wait, this class only computes the ranges.
 *
 * @param revocations worker → what it keeps, only for workers that must shrink
 * @param grants worker → its full target
 */
public record RebalancePlan(Map<String, UserRange> revocations, Map<String, UserRange> grants) {
  public static RebalancePlan between(Map<String, UserRange> held, Map<String, UserRange> target) {
    Map<String, UserRange> revocations = new LinkedHashMap<>();
    held.forEach((worker, range) -> {
      UserRange keep = range.intersect(target.getOrDefault(worker, UserRange.EMPTY));
      if (keep.size() != range.size()) {
        revocations.put(worker, keep);
      }
    });
    // Not Map.copyOf: its iteration order changes from one JVM to the next, and the grants go out in this
    // order; the simulation replays a seed only if they go out in the partition's order every time.
    return new RebalancePlan(revocations, Collections.unmodifiableMap(new LinkedHashMap<>(target)));
  }
}
