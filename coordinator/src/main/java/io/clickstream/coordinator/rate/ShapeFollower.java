package io.clickstream.coordinator.rate;

/**
 * Decides, update by update, the rate the workers hold while a shape runs. Three rules keep the events
 * produced close to the shape's integral, which is what a windowed job downstream counts:
 * <ul>
 *   <li>each update sends the shape's <em>mean</em> until the next one, not its value now, so a rising
 *       curve is not trailed (nor a falling one led) by half an interval;</li>
 *   <li>updates come every {@link #UPDATE_MILLIS} and exactly at each edge of a step or spike, so an
 *       edge is not smeared over half a second;</li>
 *   <li>an update that runs late (a busy event loop, a GC pause) leaves events owed or overdone, since
 *       the old rate was held longer than planned: they are made up over the next interval.</li>
 * </ul>
 * Changes under 0.2 % are not sent: far inside the ±2 % per 10 s that shapes promise, and each send is
 * a rate change to every worker. Pure and single-threaded: the time is passed in.
 */
public final class ShapeFollower {
  /** Twice a second, as ramps always did: each update costs a rate change to every worker. */
  public static final long UPDATE_MILLIS = 500;

  private final ActiveShape shape;
  private final double ceiling;
  private double holding;
  private long lastMillis;
  /** Events the shape asked for since the start that the held rates did not give (negative: too many). */
  private double owed;

  /**
   * @param holding the rate the workers hold when the shape starts
   * @param ceiling no rate above it is sent (MAX_EVENTS_PER_SECOND), even to make up owed events
   */
  public ShapeFollower(ActiveShape shape, double holding, double ceiling) {
    this.shape = shape;
    this.holding = holding;
    this.ceiling = ceiling;
    this.lastMillis = shape.startMillis();
  }

  /**
   * @param rate what the workers should hold from now on
   * @param send false when it is too close to what they hold to be worth a rate change
   * @param nextMillis when to update again (wall ms)
   * @param finished the shape is over; {@code rate} is its final rate, held from now on
   */
  public record Update(double rate, boolean send, long nextMillis, boolean finished) {
  }

  public ActiveShape shape() {
    return shape;
  }

  public Update update(long nowMillis) {
    long now = Math.max(nowMillis, lastMillis);
    long from = lastMillis - shape.startMillis();
    long elapsed = now - shape.startMillis();
    TrafficShape s = shape.shape();
    if (s.finishedAt(elapsed)) {
      // Every shape ends on its final rate without a jump, so nothing owed is worth a burst after it.
      holding = s.finalRate();
      return new Update(holding, true, Long.MAX_VALUE, true);
    }
    owed += s.integral(from, elapsed) - holding * (elapsed - from) / 1000.0;
    lastMillis = now;
    long next = Math.min(elapsed + UPDATE_MILLIS, s.nextEdgeAfter(elapsed));
    double mean = s.meanRate(elapsed, next);
    // Owed events beyond half a second's worth (the ceiling kept them from being made up) are forgiven:
    // paying them later would be a burst the shape never asked for.
    owed = Math.max(-mean * 0.5, Math.min(owed, Math.max(mean, holding) * 0.5));
    double rate = Math.max(0, Math.min(ceiling, mean + owed * 1000.0 / (next - elapsed)));
    boolean send = Math.abs(rate - holding) > Math.max(0.5, holding * 0.002);
    if (send) {
      holding = rate;
    }
    return new Update(rate, send, shape.startMillis() + next, false);
  }
}
