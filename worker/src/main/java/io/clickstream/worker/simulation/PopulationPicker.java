package io.clickstream.worker.simulation;

/**
 * Picks who acts in each slot of the global event sequence, over the whole population and from a
 * stream that depends only on the seed. Every worker in seed-exact mode walks the same sequence and
 * acts only when the picked user is its own, so the events of a user do not depend on how many workers
 * share the population or which one holds the user. Same activity weights as {@link ClickSimulator}.
 */
public final class PopulationPicker {
  private final double[] cumulativeActivity;
  private final long[] random = new long[1];

  public PopulationPicker(long seed, int population) {
    if (population < 1) {
      throw new IllegalArgumentException("population must be at least 1, got " + population);
    }
    cumulativeActivity = new double[population];
    double sum = 0;
    for (int i = 0; i < population; i++) {
      sum += ActivityWeights.of(seed, i + 1);
      cumulativeActivity[i] = sum;
    }
    random[0] = SplitMix.seedFor(seed, 0x9_1C4EL, -1);
  }

  public int population() {
    return cumulativeActivity.length;
  }

  /** The user (1-based) who acts in the next slot. */
  public int next() {
    return ActivityWeights.weightedIndex(cumulativeActivity, SplitMix.nextDouble(random, 0)) + 1;
  }
}
