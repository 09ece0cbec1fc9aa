package io.clickstream.coordinator.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shapes' values at the points their documentation names, their exact integrals, and their end. */
class TrafficShapeTest {
  private static final long S = 1000;

  @Test
  void aStaircaseHoldsEachLevelForAnEqualShareAndStaysAtTheTop() {
    TrafficShape steps = new TrafficShape.Step(1000, 5000, 4, 300 * S);
    assertThat(steps.rateAt(0)).isEqualTo(1000);
    assertThat(steps.rateAt(60 * S - 1)).isEqualTo(1000);
    assertThat(steps.rateAt(60 * S)).isEqualTo(2000);
    assertThat(steps.rateAt(150 * S)).isEqualTo(3000);
    assertThat(steps.rateAt(299 * S)).isEqualTo(5000);
    assertThat(steps.rateAt(400 * S)).isEqualTo(5000);
    assertThat(steps.integral(0, 300 * S)).isCloseTo(60.0 * (1000 + 2000 + 3000 + 4000 + 5000), offset(1e-6));
    assertThat(steps.integral(55 * S, 65 * S)).isCloseTo(5 * 1000 + 5 * 2000, offset(1e-6));
    assertThat(steps.finishedAt(300 * S - 1)).isFalse();
    assertThat(steps.finishedAt(300 * S)).isTrue();
    assertThat(steps.finalRate()).isEqualTo(5000);
  }

  @Test
  void oneStepDownSwitchesAtHalfTime() {
    TrafficShape step = new TrafficShape.Step(4000, 1000, 1, 20 * S);
    assertThat(step.rateAt(10 * S - 1)).isEqualTo(4000);
    assertThat(step.rateAt(10 * S)).isEqualTo(1000);
    assertThat(step.integral(0, 30 * S)).isCloseTo(10 * 4000 + 20 * 1000, offset(1e-6));
  }

  @Test
  void aRampIsAStraightLineThatStaysAtItsEnd() {
    TrafficShape ramp = new TrafficShape.Ramp(1000, 3000, 20 * S);
    assertThat(ramp.rateAt(0)).isEqualTo(1000);
    assertThat(ramp.rateAt(5 * S)).isEqualTo(1500);
    assertThat(ramp.rateAt(20 * S)).isEqualTo(3000);
    assertThat(ramp.rateAt(60 * S)).isEqualTo(3000);
    assertThat(ramp.integral(0, 20 * S)).isCloseTo(20 * 2000, offset(1e-6));
    assertThat(ramp.integral(10 * S, 30 * S)).isCloseTo(10 * 2500 + 10 * 3000, offset(1e-6));
    assertThat(ramp.meanRate(0, 1 * S)).isCloseTo(1050, offset(1e-9));
  }

  @Test
  void aSineStartsAtMinRisesToMaxAtHalfPeriodAndEndsWhereTheCurveIs() {
    TrafficShape sine = new TrafficShape.Sine(500, 5000, 600 * S, 1500 * S);
    assertThat(sine.rateAt(0)).isCloseTo(500, offset(1e-9));
    assertThat(sine.rateAt(150 * S)).isCloseTo(2750, offset(1e-9));
    assertThat(sine.rateAt(300 * S)).isCloseTo(5000, offset(1e-9));
    assertThat(sine.rateAt(450 * S)).isCloseTo(2750, offset(1e-9));
    assertThat(sine.rateAt(600 * S)).isCloseTo(500, offset(1e-9));
    // 2.5 periods: it stops at the crest and stays there, with no jump.
    assertThat(sine.finalRate()).isCloseTo(5000, offset(1e-9));
    assertThat(sine.rateAt(2000 * S)).isCloseTo(5000, offset(1e-9));
    assertThat(sine.integral(0, 600 * S)).isCloseTo(600 * 2750, offset(1e-6));
    assertThat(new TrafficShape.Sine(500, 5000, 600 * S, 1200 * S).finalRate()).isCloseTo(500, offset(1e-9));
  }

  @Test
  void aSpikeIsThePeakForItsSecondsAndTheBaseAroundIt() {
    TrafficShape spike = new TrafficShape.Spike(1000, 8000, 60 * S, 30 * S, 180 * S);
    assertThat(spike.rateAt(60 * S - 1)).isEqualTo(1000);
    assertThat(spike.rateAt(60 * S)).isEqualTo(8000);
    assertThat(spike.rateAt(90 * S - 1)).isEqualTo(8000);
    assertThat(spike.rateAt(90 * S)).isEqualTo(1000);
    assertThat(spike.rateAt(500 * S)).isEqualTo(1000);
    assertThat(spike.integral(55 * S, 65 * S)).isCloseTo(5 * 1000 + 5 * 8000, offset(1e-6));
    assertThat(spike.integral(0, 200 * S)).isCloseTo(170 * 1000 + 30 * 8000, offset(1e-6));
    assertThat(spike.finalRate()).isEqualTo(1000);
  }

  static Stream<TrafficShape> shapes() {
    return Stream.of(new TrafficShape.Step(300, 4000, 7, 123_456), new TrafficShape.Step(5000, 0, 3, 40 * S),
        new TrafficShape.Ramp(0, 9000, 77_777), new TrafficShape.Ramp(4000, 100, 30 * S),
        new TrafficShape.Sine(500, 3000, 60 * S, 90 * S), new TrafficShape.Sine(0, 1000, 13_333, 100 * S),
        new TrafficShape.Spike(1000, 8000, 12_345, 3_210, 60 * S), new TrafficShape.Spike(2000, 100, 0, 5 * S, 20 * S));
  }

  /** The closed forms against a plain sum of rateAt, millisecond by millisecond, over 10 s windows. */
  @ParameterizedTest
  @MethodSource("shapes")
  void theIntegralOverEveryTenSecondWindowMatchesTheRateCurve(TrafficShape shape) {
    long end = shape.durationMillis() + 20 * S;
    for (long from = 0; from < end; from += 3_337) {
      double sum = 0;
      for (long t = from; t < from + 10 * S; t++) {
        // Midpoint rule: exact for steps and lines, and within 1e-6 relative for these sines.
        sum += (shape.rateAt(t) + shape.rateAt(t + 1)) / 2 / 1000.0;
      }
      double exact = shape.integral(from, from + 10 * S);
      assertThat(exact).as("%s over [%d, %d) ms", shape, from, from + 10 * S)
          .isCloseTo(sum, offset(Math.max(1e-6 * sum, 2 * maxJump(shape) / 1000.0)));
    }
  }

  /** A step or spike edge inside a millisecond makes the trapezoid off by at most half the jump for 1 ms. */
  private static double maxJump(TrafficShape shape) {
    if (shape instanceof TrafficShape.Step s) {
      return Math.abs(s.to() - s.from()) / s.steps();
    }
    if (shape instanceof TrafficShape.Spike s) {
      return Math.abs(s.peak() - s.base());
    }
    return 0;
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void everyShapeFinishesAtItsDurationAndThenHoldsItsFinalRate(TrafficShape shape) {
    long d = shape.durationMillis();
    assertThat(shape.finishedAt(d - 1)).isFalse();
    assertThat(shape.finishedAt(d)).isTrue();
    assertThat(shape.rateAt(d + 1)).isEqualTo(shape.finalRate());
    assertThat(shape.integral(d + 5 * S, d + 15 * S)).isCloseTo(10 * shape.finalRate(), offset(1e-6));
    assertThat(shape.toJson().getDouble("durationSeconds")).isEqualTo(d / 1000.0);
  }
}
