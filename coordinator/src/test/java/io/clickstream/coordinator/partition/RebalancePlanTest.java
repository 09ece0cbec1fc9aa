package io.clickstream.coordinator.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.UserRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The plan revokes before it grants: after the revocations, granting the targets in any order never puts
 * a user on two workers, and at the end each worker holds exactly its target.
 */
class RebalancePlanTest {
  @Test
  void aJoinShrinksTheHolderAndGrantsTheRest() {
    RebalancePlan plan = RebalancePlan.between(Map.of("w1", UserRange.of(1, 100), "w2", UserRange.EMPTY),
        Map.of("w1", UserRange.of(1, 50), "w2", UserRange.of(51, 100)));
    assertThat(plan.revocations()).containsExactly(Map.entry("w1", UserRange.of(1, 50)));
    assertThat(plan.grants()).containsOnly(Map.entry("w1", UserRange.of(1, 50)), Map.entry("w2", UserRange.of(51, 100)));
  }

  @Test
  void aWorkerLeavingThePlanIsRevokedToNothingAndAnUnchangedOneIsNotRevoked() {
    RebalancePlan plan = RebalancePlan.between(Map.of("w1", UserRange.of(1, 50), "w2", UserRange.of(51, 100)),
        Map.of("w1", UserRange.of(1, 100)));
    assertThat(plan.revocations()).containsExactly(Map.entry("w2", UserRange.EMPTY));
    assertThat(plan.grants()).containsOnlyKeys("w1");
  }

  /** Held ranges as a previous split, a restart or a half-done rebalance may leave them: disjoint, with gaps. */
  private static Map<String, UserRange> randomHeld(SplittableRandom random, int users, List<String> ids) {
    Map<String, UserRange> held = new LinkedHashMap<>();
    int next = 1;
    for (String id : ids) {
      if (random.nextInt(4) == 0 || next > users) {
        held.put(id, UserRange.EMPTY);
        continue;
      }
      int from = next + random.nextInt(3);
      int to = Math.min(users, from + random.nextInt(users / ids.size() + 2));
      held.put(id, UserRange.of(from, to));
      next = to + 1;
    }
    return held;
  }

  @Test
  void seededPlansNeverOverlapWhateverTheGrantOrder() {
    SplittableRandom random = new SplittableRandom(1414);
    for (int round = 0; round < 3000; round++) {
      int users = random.nextInt(1, 500);
      List<String> all = new ArrayList<>();
      int count = random.nextInt(1, 9);
      for (int i = 0; i < count; i++) {
        all.add("w" + i);
      }
      Map<String, UserRange> held = randomHeld(random, users, all);
      List<String> staying = new ArrayList<>(all.stream().filter(id -> random.nextInt(3) > 0).toList());
      int joining = random.nextInt(3);
      for (int i = count; i < count + joining; i++) {
        staying.add("w" + i); // joining
      }
      Map<String, UserRange> target = Partitioner.split(users, staying);
      RebalancePlan plan = RebalancePlan.between(held, target);
      String where = "round " + round + ": held " + held + ", target " + target;

      Map<String, UserRange> state = new LinkedHashMap<>(held);
      plan.revocations().forEach((id, keep) -> {
        assertThat(keep.intersect(held.get(id))).as(where + ": a revocation only shrinks").isEqualTo(keep);
        state.put(id, keep);
        assertDisjoint(where + " after revoking " + id, state);
      });
      held.forEach((id, range) -> {
        if (!plan.revocations().containsKey(id)) {
          UserRange goal = target.getOrDefault(id, UserRange.EMPTY);
          assertThat(range.intersect(goal)).as(where + ": " + id + " keeps all it holds").isEqualTo(range);
        }
      });
      List<String> order = new ArrayList<>(plan.grants().keySet());
      Collections.shuffle(order, new java.util.Random(round));
      for (String id : order) {
        state.put(id, plan.grants().get(id));
        assertDisjoint(where + " after granting " + id, state);
      }
      assertThat(plan.grants()).as(where).isEqualTo(target);
      int covered = state.values().stream().mapToInt(UserRange::size).sum();
      assertThat(covered).as(where + ": covered").isEqualTo(staying.isEmpty() ? 0 : users);
    }
  }

  private static void assertDisjoint(String where, Map<String, UserRange> state) {
    List<Map.Entry<String, UserRange>> entries = new ArrayList<>(state.entrySet());
    for (int i = 0; i < entries.size(); i++) {
      for (int j = i + 1; j < entries.size(); j++) {
        assertThat(entries.get(i).getValue().intersect(entries.get(j).getValue()).size())
            .as(where + ": " + entries.get(i).getKey() + " and " + entries.get(j).getKey()).isZero();
      }
    }
  }
}
