package io.clickstream.worker.simulation;

import java.util.Arrays;

/**
 * The products: each with a fixed price and a popularity weight. Built from a seed so every worker of a
 * cluster holds the identical catalog (a product keeps its price everywhere). Prices are log-uniform
 * between {@code MIN_PRICE_CENTS} and {@code MAX_PRICE_CENTS}, so cheap and expensive items both occur;
 * popularity follows Zipf's law (exponent 1) over a shuffled order, so a few products get most views.
 */
public final class Catalog {
  public static final long MIN_PRICE_CENTS = 500;
  public static final long MAX_PRICE_CENTS = 50_000;
  private static final double ZIPF_EXPONENT = 1.0;

  private final long[] priceCents;
  /** Cumulative popularity, normalised to end at 1.0, for sampling by binary search. */
  private final double[] cumulative;

  public Catalog(int numProducts, long seed) {
    if (numProducts < 1) {
      throw new IllegalArgumentException("numProducts must be >= 1, got " + numProducts);
    }
    long[] rng = {SplitMix.seedFor(seed, 0x0CA7A106L, numProducts)};
    priceCents = new long[numProducts];
    double logMin = Math.log(MIN_PRICE_CENTS);
    double logMax = Math.log(MAX_PRICE_CENTS);
    for (int i = 0; i < numProducts; i++) {
      priceCents[i] = Math.round(Math.exp(logMin + SplitMix.nextDouble(rng, 0) * (logMax - logMin)));
    }
    int[] rank = new int[numProducts];
    for (int i = 0; i < numProducts; i++) {
      rank[i] = i;
    }
    for (int i = numProducts - 1; i > 0; i--) {
      int j = SplitMix.nextInt(rng, 0, i + 1);
      int t = rank[i];
      rank[i] = rank[j];
      rank[j] = t;
    }
    cumulative = new double[numProducts];
    double sum = 0;
    for (int i = 0; i < numProducts; i++) {
      sum += 1.0 / Math.pow(rank[i] + 1, ZIPF_EXPONENT);
      cumulative[i] = sum;
    }
    for (int i = 0; i < numProducts; i++) {
      cumulative[i] /= sum;
    }
    cumulative[numProducts - 1] = 1.0;
  }

  public int size() {
    return priceCents.length;
  }

  /** Price of product number {@code product} (1-based, as in PROD_001). */
  public long priceCents(int product) {
    return priceCents[product - 1];
  }

  /** A product number (1-based) drawn by popularity, given a uniform u in [0, 1). */
  public int productAt(double u) {
    // Product k covers [cumulative[k-1], cumulative[k]): an exact hit on a boundary belongs to the next.
    int i = Arrays.binarySearch(cumulative, u);
    int index = i >= 0 ? i + 1 : -i - 1;
    return Math.min(index, size() - 1) + 1;
  }

  /** Popularity share of a product (1-based), for tests and documentation. */
  public double share(int product) {
    int i = product - 1;
    return cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
  }
}
