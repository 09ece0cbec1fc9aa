package io.clickstream.worker.simulation;

/**
 * Probabilities of the next action within a session, with an empty and a non-empty cart. Whatever is
 * left over to 1.0 is the chance that the user abandons the session (and the action opens a new one).
 * The defaults give a shop-like funnel: views far above adds, adds above checkouts, one purchase per
 * checkout.
 */
public record Behaviour(double viewEmpty, double addEmpty,
                        double viewCart, double addCart, double removeCart, double checkoutCart,
                        double lateProbability, LateDelay lateDelay, long sessionTimeoutMillis,
                        long paymentMillis) {
  /**
   * The payment step between a CHECKOUT and its PURCHASE, on average: a card form and the bank's
   * confirmation take a few seconds in a real shop. Each payment takes between half and one and a half
   * times this, drawn from the user's own random stream.
   */
  public static final long DEFAULT_PAYMENT_MILLIS = 3_000;

  /** The original's lateness: uniform from 10 s to MAX_LATE_SECONDS. */
  public static Behaviour defaults(double latePercentage, int maxLateSeconds, int sessionTimeoutMinutes) {
    return defaults(latePercentage, LateDelay.parse("uniform", maxLateSeconds), sessionTimeoutMinutes);
  }

  public static Behaviour defaults(double latePercentage, LateDelay lateDelay, int sessionTimeoutMinutes) {
    return withTimeoutMillis(latePercentage, lateDelay, sessionTimeoutMinutes * 60_000L);
  }

  public static Behaviour withTimeoutMillis(double latePercentage, LateDelay lateDelay, long sessionTimeoutMillis) {
    return withTimeoutMillis(latePercentage, lateDelay, sessionTimeoutMillis, DEFAULT_PAYMENT_MILLIS);
  }

  public static Behaviour withTimeoutMillis(double latePercentage, LateDelay lateDelay, long sessionTimeoutMillis,
                                            long paymentMillis) {
    return new Behaviour(0.78, 0.17, 0.60, 0.15, 0.07, 0.10,
        latePercentage / 100.0, lateDelay, sessionTimeoutMillis, paymentMillis);
  }

  /**
   * How long one payment takes, from a uniform draw {@code u} in [0, 1): between half and one and a half
   * times {@link #paymentMillis}, and at least 1 ms, so that a PURCHASE is always strictly after its CHECKOUT.
   */
  public long paymentDelayMillis(double u) {
    return Math.max(1, Math.round(paymentMillis * (0.5 + u)));
  }

  public Behaviour {
    if (viewEmpty + addEmpty > 1.0 || viewCart + addCart + removeCart + checkoutCart > 1.0) {
      throw new IllegalArgumentException("action probabilities exceed 1");
    }
    if (lateProbability < 0 || lateProbability > 1) {
      throw new IllegalArgumentException("late probability must be in [0, 1], got " + lateProbability);
    }
    if (paymentMillis < 0 || paymentMillis * 3 / 2 >= sessionTimeoutMillis) {
      throw new IllegalArgumentException("a payment must end well inside the session timeout: payment "
          + paymentMillis + " ms, timeout " + sessionTimeoutMillis + " ms");
    }
  }
}
