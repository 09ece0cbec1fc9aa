package io.clickstream.worker.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LateSkewTest {
  @Test
  void noneKeepsTheBaseProbabilityForEveryone() {
    LateSkew none = LateSkew.parse("none", 1, 12, u -> u % 12);
    assertThat(none.probabilityFor(7, 0.05)).isEqualTo(0.05);
    assertThat(LateSkew.parse(null, 1, 12, u -> u % 12)).isSameAs(LateSkew.NONE);
  }

  @Test
  void usersFractionConcentratesLatenessAndKeepsTheOverallShare() {
    LateSkew skew = LateSkew.parse("users:0.1", 42, 12, u -> u % 12);
    int chosen = 0;
    double total = 0;
    for (int u = 1; u <= 100_000; u++) {
      double p = skew.probabilityFor(u, 0.05);
      assertThat(p).isIn(0.0, 0.5);
      if (p > 0) {
        chosen++;
      }
      total += p;
    }
    assertThat(chosen).isBetween(9_500, 10_500);
    assertThat(total / 100_000).isBetween(0.0475, 0.0525);
  }

  @Test
  void partitionsChooseTheUsersWhoseKeyFallsThere() {
    LateSkew skew = LateSkew.parse("partitions:0;3", 42, 6, u -> u % 6);
    assertThat(skew.probabilityFor(6, 0.05)).isEqualTo(0.05 * 3, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(skew.probabilityFor(9, 0.05)).isEqualTo(0.05 * 3, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(skew.probabilityFor(7, 0.05)).isZero();
    assertThat(LateSkew.parse("partitions:1", 42, 2, u -> u % 2).probabilityFor(1, 0.8)).isEqualTo(1.0);
  }

  @Test
  void badSpecsAreRefusedByName() {
    assertThatThrownBy(() -> LateSkew.parse("users:0", 1, 12, u -> 0)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> LateSkew.parse("users:x", 1, 12, u -> 0)).hasMessageContaining("users:x");
    assertThatThrownBy(() -> LateSkew.parse("partitions:12", 1, 12, u -> 0)).hasMessageContaining("partition 12");
    assertThatThrownBy(() -> LateSkew.parse("keys:1", 1, 12, u -> 0)).hasMessageContaining("LATE_SKEW must be");
  }
}
