package io.clickstream.worker.simulation;

/**
 * SplitMix64 (Steele, Lea, Flood 2014) over a caller-held {@code long} state. It lets every simulated user
 * own an independent random stream that costs one {@code long} of memory, derived from (SEED, user), so a
 * user's choices do not depend on which worker simulates it or on who else is simulated.
 */
public final class SplitMix {
  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  private SplitMix() {
  }

  /** The finaliser: a good 64-bit hash, used to derive seeds from (seed, user, ...). */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public static long seedFor(long seed, long a, long b) {
    return mix(mix(mix(seed) + a * GAMMA) + b);
  }

  /** Advances state[index] and returns the next 64 random bits. */
  public static long nextLong(long[] state, int index) {
    long s = state[index] + GAMMA;
    state[index] = s;
    return mix(s);
  }

  /** Uniform in [0, 1), 53 bits. */
  public static double nextDouble(long[] state, int index) {
    return (nextLong(state, index) >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound) for bound > 0 (multiply-shift; the bias is below 2^-32 for these bounds). */
  public static int nextInt(long[] state, int index, int bound) {
    return (int) (((nextLong(state, index) >>> 32) * bound) >>> 32);
  }

  /** The high half of a random RFC 4122 version 4 UUID (its version bits set). */
  public static long nextUuidHi(long[] state, int index) {
    return (nextLong(state, index) & ~0xF000L) | 0x4000L;
  }

  /** The low half of a random RFC 4122 UUID (its variant bits set). */
  public static long nextUuidLo(long[] state, int index) {
    return (nextLong(state, index) & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
  }
}
