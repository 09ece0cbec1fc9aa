package io.clickstream.worker.simulation;

/**
 * How active each user is, and picking a user by those weights: shared by the simulator's slice
 * ({@link UserSlice}) and the seed-exact mode's {@link PopulationPicker}, so both skew alike.
 */
final class ActivityWeights {
  /** Heaviest user is at most this many times as active as the lightest. */
  private static final double MAX_ACTIVITY = 30.0;

  private ActivityWeights() {
  }

  /**
   * How active a user is relative to others: Pareto-distributed (shape 2), fixed per user for a seed,
   * so a few users generate much of the traffic, as in a real shop.
   */
  static double of(long seed, int user) {
    double u = (SplitMix.mix(seed ^ SplitMix.mix(user * 0x2545F4914F6CDD1DL)) >>> 11) * 0x1.0p-53;
    return Math.min(MAX_ACTIVITY, 1.0 / Math.sqrt(1.0 - u));
  }

  /**
   * The index i whose weight interval holds {@code u} (uniform in [0, 1)) scaled to the total: the first
   * i with {@code cumulative[i] > u * total}, by binary search.
   */
  static int weightedIndex(double[] cumulative, double u) {
    double target = u * cumulative[cumulative.length - 1];
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] <= target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
