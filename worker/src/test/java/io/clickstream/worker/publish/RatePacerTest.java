package io.clickstream.worker.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RatePacerTest {
  private static final long SECOND = 1_000_000_000L;

  @ParameterizedTest
  @ValueSource(doubles = {1, 10, 333.3, 2000, 50_000})
  void jitteryLoopNeverDriftsFromTheSchedule(double rate) {
    RatePacer pacer = new RatePacer(1.0);
    SplittableRandom random = new SplittableRandom(1);
    long now = 0;
    pacer.setRate(rate, now);
    long total = 0;
    long[] perTenSeconds = new long[6];
    while (now < 60 * SECOND) {
      now += 1 + random.nextLong(5_000_000); // 0..5 ms steps, like a real loop
      int n = pacer.take(now, Integer.MAX_VALUE);
      for (int i = 0; i < n; i++) {
        long intended = pacer.intendedNanos(i, n);
        assertThat(intended).isLessThanOrEqualTo(now);
        if (intended < 60 * SECOND) {
          perTenSeconds[(int) (intended / (10 * SECOND))]++;
        }
      }
      total += n;
      // Exactly what the elapsed time calls for, whatever the loop's jitter: no drift.
      assertThat(total).isEqualTo((long) (now * rate / SECOND));
    }
    for (long window : perTenSeconds) {
      assertThat((double) window).isCloseTo(rate * 10, org.assertj.core.data.Offset.offset(1.0));
    }
    assertThat(pacer.skipped()).isZero();
  }

  @Test
  void frequentRateChangesKeepTheIntegral() {
    // A sine followed twice a second, as the coordinator does for a traffic shape.
    RatePacer pacer = new RatePacer(1.0);
    SplittableRandom random = new SplittableRandom(3);
    long now = 0;
    double integral = 0;
    long total = 0;
    double rate = 0;
    long nextChange = 0;
    while (now < 120 * SECOND) {
      if (now >= nextChange) {
        rate = 1750 - 1250 * Math.cos(2 * Math.PI * now / (60.0 * SECOND));
        pacer.setRate(rate, now);
        nextChange += SECOND / 2;
      }
      long step = 1 + random.nextLong(5_000_000);
      integral += rate * step / SECOND;
      now += step;
      total += pacer.take(now, Integer.MAX_VALUE);
    }
    // 240 changes: before, each one lost the fraction of the next event (up to 240 events here).
    assertThat((double) total).isCloseTo(integral, org.assertj.core.data.Offset.offset(2.0));
  }

  @Test
  void intendedTimesAreOnTheUniformSchedule() {
    RatePacer pacer = new RatePacer(1.0);
    pacer.setRate(1000, 0);
    int n = pacer.take(10_000_000, 100);
    assertThat(n).isEqualTo(10);
    assertThat(pacer.intendedNanos(0, n)).isEqualTo(1_000_000);
    assertThat(pacer.intendedNanos(9, n)).isEqualTo(10_000_000);
    assertThat(pacer.nextDueNanos()).isEqualTo(11_000_000);
  }

  @Test
  void aStallLongerThanTheBacklogLimitIsSkippedNotBurst() {
    RatePacer pacer = new RatePacer(1.0);
    pacer.setRate(100, 0);
    int n = pacer.take(30 * SECOND, Integer.MAX_VALUE);
    assertThat(n).isEqualTo(100);
    assertThat(pacer.skipped()).isEqualTo(2900);
  }

  @Test
  void rateChangesTakeEffectWithoutLosingWhatWasDue() {
    RatePacer pacer = new RatePacer(1.0);
    pacer.setRate(100, 0);
    assertThat(pacer.take(SECOND, Integer.MAX_VALUE)).isEqualTo(100);
    pacer.setRate(1000, SECOND + SECOND / 2); // 50 were due at the old rate
    assertThat(pacer.take(2 * SECOND + 4 * SECOND / 10, Integer.MAX_VALUE)).isEqualTo(950);
    pacer.setRate(0, 3 * SECOND);
    assertThat(pacer.take(10 * SECOND, Integer.MAX_VALUE)).isZero();
    assertThat(pacer.nextDueNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void batchLimitDefersRatherThanDrops() {
    RatePacer pacer = new RatePacer(1.0);
    pacer.setRate(1000, 0);
    assertThat(pacer.take(SECOND / 2, 100)).isEqualTo(100);
    assertThat(pacer.take(SECOND / 2, 1000)).isEqualTo(400);
  }

  /** Turns the generator could not place in this millisecond stay due: none is lost. */
  @Test
  void eventsGivenBackComeBackWithTheNextTake() {
    RatePacer pacer = new RatePacer(1.0);
    pacer.setRate(1000, 0);
    long now = 10_000_000L; // 10 ms: 10 events due
    assertThat(pacer.take(now, 512)).isEqualTo(10);
    pacer.giveBack(4);
    assertThat(pacer.take(now, 512)).isEqualTo(4);
    assertThat(pacer.take(now, 512)).isZero();
    assertThat(pacer.skipped()).isZero();
  }
}
