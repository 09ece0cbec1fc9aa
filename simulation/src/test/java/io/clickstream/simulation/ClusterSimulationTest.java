package io.clickstream.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The whole cluster in one JVM under seeded faults (see README, "Development"). By default seeds 1..2000;
 * {@code -Dsim.seed=N} replays one seed, {@code -Dsim.schedules=N} runs N seeds, {@code -Dsim.soak=true}
 * runs a million seeds from a random start (printed), for a long soak.
 */
class ClusterSimulationTest {
  private static final int DEFAULT_SCHEDULES = 2000;
  private static final int SOAK_SCHEDULES = 1_000_000;

  @Test
  void everyScheduleKeepsTheInvariants() {
    String one = System.getProperty("sim.seed");
    boolean soak = Boolean.parseBoolean(System.getProperty("sim.soak", "false"));
    long first = one != null ? Long.parseLong(one) : soak ? new java.util.SplittableRandom().nextLong() : 1;
    long count = one != null ? 1 : Long.getLong("sim.schedules", soak ? SOAK_SCHEDULES : DEFAULT_SCHEDULES);
    if (soak) {
      System.out.println("Soak: " + count + " schedules from seed " + first);
    }
    long started = System.nanoTime();
    long steps = 0;
    long faults = 0;
    long checks = 0;
    long longestSettle = 0;
    long tightestBound = Long.MAX_VALUE;
    for (long i = 0; i < count; i++) {
      ClusterSimulation.Outcome o = new ClusterSimulation(first + i).run();
      steps += o.steps();
      faults += o.faults();
      checks += o.coverageChecks();
      longestSettle = Math.max(longestSettle, o.longestSettleMillis());
      tightestBound = Math.min(tightestBound, o.settleBoundMillis());
      if (one != null) {
        System.out.println(o);
      }
    }
    System.out.printf(java.util.Locale.ROOT, "Simulated %d schedules (seeds %d..%d) in %.1f s: %d steps, %d faults,"
            + " %d settled-coverage checks; slowest settle %d ms after the last fault (bounds %d ms and up)%n",
        count, first, first + count - 1, (System.nanoTime() - started) / 1e9, steps, faults, checks, longestSettle,
        tightestBound);
    assertThat(steps).isPositive();
    assertThat(checks).as("coverage was checked on settled clusters").isPositive();
  }

  @Test
  void aSeedReplaysExactly() {
    for (long seed : new long[] {7, 349, 12_345}) {
      ClusterSimulation.Outcome first = new ClusterSimulation(seed).run();
      ClusterSimulation.Outcome again = new ClusterSimulation(seed).run();
      assertThat(again).isEqualTo(first);
      assertThat(first.faults()).isPositive();
    }
  }

  /** The harness can fail: a generator that ignores its lease is caught, with its seed and schedule. */
  @Test
  void aGeneratorThatIgnoresItsLeaseIsCaught() {
    assertThatThrownBy(() -> {
      for (long seed = 1; seed <= 200; seed++) {
        new ClusterSimulation(seed, true).run();
      }
    }).isInstanceOf(AssertionError.class)
        .hasMessageContaining("replay with -Dsim.seed=")
        .hasMessageContaining("never two workers on one user")
        .hasMessageContaining("schedule so far:");
  }
}
