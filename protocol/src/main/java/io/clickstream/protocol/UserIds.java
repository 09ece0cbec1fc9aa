package io.clickstream.protocol;

/**
 * The schema's user ids ({@code user_id} and the Kafka key): {@link #PREFIX} and the user's number,
 * zero-padded to at least {@link #MIN_DIGITS} digits, so user 42 is {@code USER_0042}. The worker writes
 * them without allocating from these two constants; the truth, the benchmarks and the dashboard (via
 * {@code GET /api/meta}) use the same.
 */
public final class UserIds {
  public static final String PREFIX = "USER_";
  public static final int MIN_DIGITS = 4;

  private UserIds() {
  }

  public static String format(long user) {
    String digits = Long.toString(user);
    return PREFIX + "0".repeat(Math.max(0, MIN_DIGITS - digits.length())) + digits;
  }
}
