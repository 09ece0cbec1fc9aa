package io.clickstream.coordinator.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clickstream.protocol.UserRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The split: contiguous, disjoint, covering, sizes within one user, in the workers' order. */
class PartitionerTest {
  private static List<String> workers(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("w" + i);
    }
    return ids;
  }

  @ParameterizedTest(name = "{0} users on {1} workers: {2}")
  @CsvSource(delimiter = '|', value = {
      "100|1|1..100",
      "100|2|1..50 51..100",
      "10|3|1..4 5..7 8..10",
      "2|4|1..1 2..2 [] []",
      "0|2|[] []",
      "7|7|1..1 2..2 3..3 4..4 5..5 6..6 7..7",
  })
  void splitsAsTheTable(int users, int workerCount, String expected) {
    Map<String, UserRange> split = Partitioner.split(users, workers(workerCount));
    List<String> shown = split.values().stream().map(r -> r.isEmpty() ? "[]" : r.from() + ".." + r.to()).toList();
    assertThat(String.join(" ", shown)).isEqualTo(expected);
    assertThat(split.keySet()).containsExactlyElementsOf(workers(workerCount));
  }

  @Test
  void noWorkersGetsNothing() {
    assertThat(Partitioner.split(100, List.of())).isEmpty();
  }

  @Test
  void seededSplitsCoverEveryUserOnceWithSizesWithinOne() {
    SplittableRandom random = new SplittableRandom(14);
    for (int round = 0; round < 2000; round++) {
      int users = random.nextInt(5000);
      int n = random.nextInt(1, 60);
      Map<String, UserRange> split = Partitioner.split(users, workers(n));
      String where = "round " + round + ": " + users + " users on " + n + " workers";
      int next = 1;
      int min = Integer.MAX_VALUE;
      int max = 0;
      double rates = 0;
      for (String id : workers(n)) {
        UserRange r = split.get(id);
        if (!r.isEmpty()) {
          assertThat(r.from()).as(where + ": contiguous, in order, no overlap").isEqualTo(next);
          next = r.to() + 1;
        }
        min = Math.min(min, r.size());
        max = Math.max(max, r.size());
        rates += Partitioner.rateShare(1000, r, users);
      }
      assertThat(next - 1).as(where + ": covered").isEqualTo(users);
      assertThat(max - min).as(where + ": sizes").isLessThanOrEqualTo(1);
      assertThat(rates).as(where + ": rate shares").isCloseTo(users == 0 ? 0 : 1000, within(1e-6));
    }
  }

  @Test
  void rateShareIsInProportionToUsers() {
    assertThat(Partitioner.rateShare(1000, UserRange.of(1, 25), 100)).isEqualTo(250.0);
    assertThat(Partitioner.rateShare(1000, UserRange.EMPTY, 100)).isZero();
    assertThat(Partitioner.rateShare(1000, UserRange.EMPTY, 0)).as("no users, no division by zero").isZero();
  }
}
