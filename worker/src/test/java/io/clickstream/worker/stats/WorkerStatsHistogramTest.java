package io.clickstream.worker.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.HistogramCodec;
import io.clickstream.worker.simulation.EventType;
import org.junit.jupiter.api.Test;

class WorkerStatsHistogramTest {
  @Test
  void anIntervalCarriesItsOwnHistogramsWhichTheNextIntervalDoesNotTouch() {
    WorkerStats stats = new WorkerStats(0);
    stats.generated(EventType.VIEW, false);
    stats.acked(2_000_000);
    stats.acked(3_000_000);
    stats.sendLag(500_000);
    WorkerStats.Interval first = stats.closeInterval(1000);
    assertThat(first.ackMicros().getTotalCount()).isEqualTo(2);
    assertThat(first.ackMicros().getMaxValue()).isBetween(2_999L, 3_002L);
    assertThat(first.lagMicros().getTotalCount()).isEqualTo(1);

    stats.acked(7_000_000);
    WorkerStats.Interval second = stats.closeInterval(2000);
    assertThat(second.ackMicros().getTotalCount()).isEqualTo(1);
    assertThat(second.lagMicros().getTotalCount()).isZero();
    assertThat(first.ackMicros().getTotalCount()).as("the first interval's copy").isEqualTo(2);
  }

  @Test
  void aLatencyBeyondWhatTheWireCarriesIsClampedAndNegativeIsZero() {
    WorkerStats stats = new WorkerStats(0);
    stats.acked(Long.MAX_VALUE);
    stats.sendLag(-5);
    WorkerStats.Interval interval = stats.closeInterval(1000);
    assertThat(interval.ackMicros().getMaxValue())
        .isEqualTo(interval.ackMicros().highestEquivalentValue(HistogramCodec.MAX_RECORDED_MICROS));
    assertThat(interval.ackMicros().getHighestTrackableValue()).isLessThanOrEqualTo(HistogramCodec.MAX_TRACKABLE_MICROS);
    assertThat(interval.lagMicros().getMaxValue()).isZero();
  }
}
