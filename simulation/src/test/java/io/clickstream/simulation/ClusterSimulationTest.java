package io.clickstream.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Smoke: a few seeds run to the end. */
class ClusterSimulationTest {
  @Test
  void aFewSeeds() {
    for (long seed = 1; seed <= 50; seed++) {
      ClusterSimulation.Outcome o = new ClusterSimulation(seed).run();
      System.out.println(o);
      assertThat(o.steps()).isPositive();
    }
  }
}
