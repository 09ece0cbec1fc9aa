package io.clickstream.worker.simulation;

import java.util.BitSet;
import java.util.function.IntPredicate;

/**
 * Concentrates late events on some users (LATE_SKEW): the chosen users are late with probability
 * {@code p / share} (at most 1) and the others never, so the overall late share stays about p while
 * one key's or one partition's watermark suffers. {@code share} is the expected fraction of users
 * chosen; activity differs between users, so the overall share is close to p, not exact.
 */
public final class LateSkew {
  public static final LateSkew NONE = new LateSkew("none", user -> true, 1.0);

  private final String description;
  private final IntPredicate chosen;
  private final double share;

  private LateSkew(String description, IntPredicate chosen, double share) {
    this.description = description;
    this.chosen = chosen;
    this.share = share;
  }

  /**
   * {@code none}, {@code users:<fraction>} (a seeded pick of that fraction of users), or
   * {@code partitions:<p>[;<p>...]} (the users whose key falls in those partitions).
   *
   * @param partitionOf the Kafka partition of a user's key
   */
  public static LateSkew parse(String spec, long seed, int partitionCount, java.util.function.IntUnaryOperator partitionOf) {
    if (spec == null || spec.isBlank() || spec.trim().equals("none")) {
      return NONE;
    }
    String s = spec.trim();
    if (s.startsWith("users:")) {
      double fraction;
      try {
        fraction = Double.parseDouble(s.substring(6));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("LATE_SKEW users:<fraction> needs a number, got \"" + spec + "\"");
      }
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException("LATE_SKEW users:<fraction> must be in (0, 1], got \"" + spec + "\"");
      }
      long skewSeed = SplitMix.seedFor(seed, 0x1A7E5L, 0);
      return new LateSkew(s, user -> (SplitMix.mix(skewSeed ^ user * 0x9E3779B97F4A7C15L) >>> 11) * 0x1.0p-53 < fraction,
          fraction);
    }
    if (s.startsWith("partitions:")) {
      BitSet partitions = new BitSet();
      for (String part : s.substring(11).split("[;,]")) {
        int p;
        try {
          p = Integer.parseInt(part.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("LATE_SKEW partitions:<p>;<p>... needs partition numbers, got \"" + spec + "\"");
        }
        if (p < 0 || p >= partitionCount) {
          throw new IllegalArgumentException("LATE_SKEW partition " + p + " does not exist (the topic has "
              + partitionCount + " partitions)");
        }
        partitions.set(p);
      }
      return new LateSkew(s, user -> partitions.get(partitionOf.applyAsInt(user)),
          partitions.cardinality() / (double) partitionCount);
    }
    throw new IllegalArgumentException("LATE_SKEW must be none, users:<fraction> or partitions:<p>;<p>..., got \""
        + spec + "\"");
  }

  public double probabilityFor(int user, double baseProbability) {
    if (this == NONE) {
      return baseProbability;
    }
    return chosen.test(user) ? Math.min(1.0, baseProbability / share) : 0.0;
  }

  public boolean chosen(int user) {
    return chosen.test(user);
  }

  public String describe() {
    return description;
  }
}
