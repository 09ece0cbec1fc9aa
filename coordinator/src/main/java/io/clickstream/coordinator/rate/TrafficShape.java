package io.clickstream.coordinator.rate;

import io.vertx.core.json.JsonObject;

/**
 * The global rate as a function of the time since a shape started, for load tests that need more than
 * a constant rate: a staircase to find where a job falls behind, a ramp, a day-like sine, a flash-sale
 * spike. Pure: times are milliseconds since the start, passed in. Every shape lasts
 * {@link #durationMillis()}; after that the rate stays at {@link #finalRate()}.
 *
 * <p>{@link #integral} is exact (closed forms, no sampling), so the coordinator can send each worker
 * the mean rate of the half second ahead, and tests can compare what landed in Kafka with the shape.
 */
public sealed interface TrafficShape {
  /** Events per second at {@code elapsedMillis} after the start; {@link #finalRate()} from the end on. */
  double rateAt(long elapsedMillis);

  long durationMillis();

  /** The rate the shape leaves behind once it is finished. */
  double finalRate();

  /** The parameters as the API accepts them, with {@code "shape"} naming the kind. */
  JsonObject toJson();

  /**
   * Events between {@code fromMillis} and {@code toMillis} after the start (the integral of the rate),
   * for any {@code 0 <= fromMillis <= toMillis}, including past the end.
   */
  default double integral(long fromMillis, long toMillis) {
    long end = durationMillis();
    double tail = Math.max(0, toMillis - Math.max(fromMillis, end)) / 1000.0 * finalRate();
    return fromMillis >= end ? tail : within(fromMillis, Math.min(toMillis, end)) + tail;
  }

  /** Mean events per second over the interval; the rate at {@code fromMillis} when it is empty. */
  default double meanRate(long fromMillis, long toMillis) {
    return toMillis <= fromMillis ? rateAt(fromMillis) : integral(fromMillis, toMillis) * 1000.0 / (toMillis - fromMillis);
  }

  default boolean finishedAt(long elapsedMillis) {
    return elapsedMillis >= durationMillis();
  }

  /**
   * The first time after {@code elapsedMillis} where the rate jumps (a step's next level, a spike's rise
   * or fall) or the shape ends; {@code Long.MAX_VALUE} after the end. Followers update exactly there.
   */
  default long nextEdgeAfter(long elapsedMillis) {
    return elapsedMillis < durationMillis() ? durationMillis() : Long.MAX_VALUE;
  }

  /** The integral for {@code 0 <= a <= b <= durationMillis()}. */
  double within(long a, long b);

  private static double seconds(long millis) {
    return millis / 1000.0;
  }

  /**
   * A staircase from {@code from} to {@code to} in {@code steps} equal rises (or falls): the duration is
   * cut into {@code steps + 1} equal levels, the first at {@code from}, the last at {@code to}, which
   * then stays. One step is a plain "from, then to at half time".
   */
  record Step(double from, double to, int steps, long durationMillis) implements TrafficShape {
    @Override
    public double rateAt(long t) {
      return t >= durationMillis ? to : level(levelIndex(t));
    }

    @Override
    public double finalRate() {
      return to;
    }

    @Override
    public double within(long a, long b) {
      double sum = 0;
      int first = levelIndex(a);
      int last = levelIndex(Math.max(a, b - 1));
      for (int i = first; i <= last; i++) {
        double lo = Math.max(a, levelStart(i));
        double hi = Math.min(b, levelStart(i + 1));
        sum += level(i) * Math.max(0, hi - lo) / 1000.0;
      }
      return sum;
    }

    @Override
    public long nextEdgeAfter(long t) {
      int i = levelIndex(t);
      return i >= steps ? TrafficShape.super.nextEdgeAfter(t) : (long) Math.ceil(levelStart(i + 1));
    }

    private int levelIndex(long t) {
      return (int) Math.min(steps, Math.max(0, t) * (steps + 1) / durationMillis);
    }

    private double levelStart(int i) {
      return (double) i * durationMillis / (steps + 1);
    }

    private double level(int i) {
      return from + (to - from) * i / steps;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("shape", "step").put("from", from).put("to", to).put("steps", steps)
          .put("durationSeconds", seconds(durationMillis));
    }
  }

  /** A straight line from {@code from} to {@code to}, which then stays. */
  record Ramp(double from, double to, long durationMillis) implements TrafficShape {
    @Override
    public double rateAt(long t) {
      return t >= durationMillis ? to : from + (to - from) * Math.max(0, t) / durationMillis;
    }

    @Override
    public double finalRate() {
      return to;
    }

    @Override
    public double within(long a, long b) {
      return (rateAt(a) + rateAt(b)) / 2 * (b - a) / 1000.0;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("shape", "ramp").put("from", from).put("to", to)
          .put("durationSeconds", seconds(durationMillis));
    }
  }

  /**
   * A sine between {@code min} and {@code max} that starts at {@code min} and rises (like a day starting
   * at night): {@code mid - amplitude * cos(2 pi t / period)}. After the duration the rate stays where
   * the curve ended, so there is no jump; that is {@code min} when the duration is whole periods.
   */
  record Sine(double min, double max, long periodMillis, long durationMillis) implements TrafficShape {
    @Override
    public double rateAt(long t) {
      long at = Math.min(Math.max(0, t), durationMillis);
      return mid() - amplitude() * Math.cos(2 * Math.PI * at / periodMillis);
    }

    @Override
    public double finalRate() {
      return rateAt(durationMillis);
    }

    @Override
    public double within(long a, long b) {
      double w = 2 * Math.PI / periodMillis;
      // The integral of the cosine term, in rate * ms, then to events.
      double cosine = (Math.sin(w * b) - Math.sin(w * a)) / w;
      return (mid() * (b - a) - amplitude() * cosine) / 1000.0;
    }

    private double mid() {
      return (min + max) / 2;
    }

    private double amplitude() {
      return (max - min) / 2;
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("shape", "sine").put("min", min).put("max", max)
          .put("periodSeconds", seconds(periodMillis)).put("durationSeconds", seconds(durationMillis));
    }
  }

  /**
   * {@code base}, then {@code peak} from {@code atMillis} for {@code spikeMillis} (a flash sale), then
   * {@code base} again until the end and after it.
   */
  record Spike(double base, double peak, long atMillis, long spikeMillis, long durationMillis) implements TrafficShape {
    @Override
    public double rateAt(long t) {
      return t >= atMillis && t < atMillis + spikeMillis && t < durationMillis ? peak : base;
    }

    @Override
    public double finalRate() {
      return base;
    }

    @Override
    public double within(long a, long b) {
      long spikeIn = Math.max(0, Math.min(b, atMillis + spikeMillis) - Math.max(a, atMillis));
      return (base * (b - a - spikeIn) + peak * spikeIn) / 1000.0;
    }

    @Override
    public long nextEdgeAfter(long t) {
      if (t < atMillis) {
        return atMillis;
      }
      return t < atMillis + spikeMillis ? atMillis + spikeMillis : TrafficShape.super.nextEdgeAfter(t);
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("shape", "spike").put("base", base).put("peak", peak)
          .put("atSeconds", seconds(atMillis)).put("spikeSeconds", seconds(spikeMillis))
          .put("durationSeconds", seconds(durationMillis));
    }
  }
}
