package io.clickstream.coordinator.rate;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;

/**
 * A running shape's planned course over the next {@link #HORIZON_MILLIS}, as points {@code [epoch ms,
 * events/s]} to join with straight lines: what the dashboard draws ahead of now. The server computes it
 * from {@link TrafficShape#rateAt} so that the page never re-implements the shape maths (it once had a
 * copy of every formula). Points: one a second (finer is invisible at the chart's width), a sine's at
 * most 30 a period (the chord then strays 0.5 % of the amplitude at most), both sides of every edge
 * the shape has (a step's jump stays a jump), and none where the line is straight anyway. So a ramp or a
 * staircase costs a handful of points, and a sine at most 301 (about 7 KB in each status document).
 */
public final class ShapeCourse {
  /** How far ahead the course goes (to the shape's end at the latest): the throughput chart's width. */
  public static final long HORIZON_MILLIS = 600_000;
  private static final long SAMPLE_MILLIS = 1000;
  private static final int SINE_POINTS_PER_PERIOD = 30;

  private ShapeCourse() {
  }

  public static JsonArray json(ActiveShape active, long nowMillis) {
    JsonArray out = new JsonArray();
    for (double[] p : points(active, nowMillis)) {
      // Thousandths of an event per second: more digits only lengthen the document.
      out.add(new JsonArray().add((long) p[0]).add(Math.round(p[1] * 1000) / 1000.0));
    }
    return out;
  }

  /** {@code [epoch ms, rate]} from now (or the start) to the horizon or the end; empty once it ended. */
  static List<double[]> points(ActiveShape active, long nowMillis) {
    long from = Math.max(nowMillis, active.startMillis()) - active.startMillis();
    long to = Math.min(active.endMillis(), nowMillis + HORIZON_MILLIS) - active.startMillis();
    List<double[]> points = new ArrayList<>();
    if (to < from) {
      return points;
    }
    TrafficShape shape = active.shape();
    long step = shape instanceof TrafficShape.Sine sine
        ? Math.max(SAMPLE_MILLIS, sine.periodMillis() / SINE_POINTS_PER_PERIOD) : SAMPLE_MILLIS;
    boolean jumps = shape instanceof TrafficShape.Step || shape instanceof TrafficShape.Spike;
    long edge = shape.nextEdgeAfter(from);
    for (long t = from; t <= to; ) {
      add(points, active.startMillis() + t, shape.rateAt(t));
      long next = Math.min(t + step, to);
      if (edge <= next && edge > t) {
        // Only steps and spikes jump; a ramp or sine ending there needs no point 1 ms before.
        if (jumps && edge - 1 > t) {
          add(points, active.startMillis() + edge - 1, shape.rateAt(edge - 1));
        }
        next = Math.min(edge, to);
        edge = shape.nextEdgeAfter(edge);
      }
      if (next == t) {
        break;
      }
      t = next;
    }
    return points;
  }

  /** Appends, first dropping the last point when it lies on the line from the one before it to this one. */
  private static void add(List<double[]> points, long time, double rate) {
    int n = points.size();
    if (n >= 2) {
      double[] a = points.get(n - 2);
      double[] b = points.get(n - 1);
      double onLine = a[1] + (rate - a[1]) * (b[0] - a[0]) / (time - a[0]);
      if (Math.abs(onLine - b[1]) <= 1e-9 * Math.max(1, Math.abs(b[1]))) {
        points.remove(n - 1);
      }
    }
    points.add(new double[] {time, rate});
  }
}
