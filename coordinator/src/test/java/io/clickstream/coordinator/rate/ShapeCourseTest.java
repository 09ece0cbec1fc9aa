package io.clickstream.coordinator.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShapeCourseTest {
  private static final long START = 1_700_000_000_000L;

  @Test
  void aRampIsItsTwoEnds() {
    List<double[]> course = ShapeCourse.points(new ActiveShape(new TrafficShape.Ramp(100, 1100, 60_000), START), START);
    assertThat(course).hasSize(2);
    assertThat(course.get(0)).containsExactly(START, 100);
    assertThat(course.get(1)).containsExactly(START + 60_000, 1100);
  }

  @Test
  void aStepKeepsItsJumpsSharp() {
    // Levels 1000, 2000, 3000 of 10 s each; the edges at 10 s and 20 s.
    List<double[]> course = ShapeCourse.points(new ActiveShape(new TrafficShape.Step(1000, 3000, 2, 30_000), START),
        START + 5_000);
    assertThat(course).extracting(p -> (long) p[0] - START, p -> p[1]).containsExactly(
        org.assertj.core.groups.Tuple.tuple(5_000L, 1000.0), org.assertj.core.groups.Tuple.tuple(9_999L, 1000.0),
        org.assertj.core.groups.Tuple.tuple(10_000L, 2000.0), org.assertj.core.groups.Tuple.tuple(19_999L, 2000.0),
        org.assertj.core.groups.Tuple.tuple(20_000L, 3000.0), org.assertj.core.groups.Tuple.tuple(30_000L, 3000.0));
  }

  @Test
  void aSineIsSampledThirtyTimesAPeriodUpToTheHorizon() {
    TrafficShape.Sine sine = new TrafficShape.Sine(500, 3000, 60_000, 3_600_000);
    long now = START + 123_456;
    List<double[]> course = ShapeCourse.points(new ActiveShape(sine, START), now);
    assertThat(course.get(0)[0]).isEqualTo(now);
    assertThat(course.get(course.size() - 1)[0]).isEqualTo(now + ShapeCourse.HORIZON_MILLIS);
    // 600 s of a 60 s period: 10 periods of 30 points, and the last.
    assertThat(course).hasSize(301);
    assertThat(course.get(1)[0] - course.get(0)[0]).isEqualTo(2000);
    for (double[] p : course) {
      assertThat(p[1]).isCloseTo(sine.rateAt((long) p[0] - START), within(1e-9));
    }
  }

  @Test
  void aFastSineIsSampledEverySecondAtMost() {
    List<double[]> course = ShapeCourse.points(
        new ActiveShape(new TrafficShape.Sine(0, 100, 10_000, 60_000), START), START);
    assertThat(course).hasSize(61);
  }

  @Test
  void theJsonRoundsRatesToThousandths() {
    io.vertx.core.json.JsonArray json = ShapeCourse.json(
        new ActiveShape(new TrafficShape.Ramp(1.0 / 3, 2.0 / 3, 10_000), START), START);
    assertThat(json.getJsonArray(0).getLong(0)).isEqualTo(START);
    assertThat(json.getJsonArray(0).getDouble(1)).isEqualTo(0.333);
    assertThat(json.getJsonArray(1).getDouble(1)).isEqualTo(0.667);
  }

  @Test
  void aSpikeHasFourEdgePointsAndTheCourseEndsWithTheShape() {
    TrafficShape.Spike spike = new TrafficShape.Spike(1000, 8000, 60_000, 30_000, 180_000);
    List<double[]> course = ShapeCourse.points(new ActiveShape(spike, START), START);
    assertThat(course).extracting(p -> (long) p[0] - START).containsExactly(0L, 59_999L, 60_000L, 89_999L, 90_000L,
        180_000L);
    assertThat(ShapeCourse.points(new ActiveShape(spike, START), START + 180_001)).isEmpty();
  }
}
