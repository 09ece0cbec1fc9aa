package io.clickstream.coordinator.truth;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.TruthReport.PartitionMark;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WatermarkMergerTest {
  @Test
  void thePerfectWatermarkIsTheSmallestBoundOfTheLiveWorkers() {
    WatermarkMerger merger = new WatermarkMerger(5_000);
    List<WatermarkMerger.Watermark> out = merger.merge(Set.of("a", "b"), Map.of(
            "a", List.of(new PartitionMark(0, 9_000, 8_000, 9_000), new PartitionMark(1, 9_500, 9_900, 9_500)),
            "b", List.of(new PartitionMark(0, 9_800, 7_000, 9_800), new PartitionMark(1, Long.MIN_VALUE, 10_000, Long.MIN_VALUE))),
        Map.of("a", 10_000L, "b", 10_000L), 11_000);
    assertThat(out).hasSize(2);
    assertThat(out.get(0).watermark()).isEqualTo(7_000);
    assertThat(out.get(0).maxEventTime()).isEqualTo(9_800);
    assertThat(out.get(0).idle()).isFalse();
    assertThat(out.get(1).watermark()).isEqualTo(9_900);
    assertThat(out.get(1).publishedAt()).isEqualTo(11_000);
  }

  @Test
  void aPartitionNobodySentToLatelyIsIdle() {
    WatermarkMerger merger = new WatermarkMerger(5_000);
    List<WatermarkMerger.Watermark> out = merger.merge(Set.of("a"), Map.of("a", List.of(new PartitionMark(0, 1_000, 20_000, 1_000),
        new PartitionMark(1, Long.MIN_VALUE, 20_000, Long.MIN_VALUE), new PartitionMark(2, 19_000, 19_000, 19_000))),
        Map.of("a", 20_000L), 20_000);
    assertThat(out).extracting(WatermarkMerger.Watermark::idle).containsExactly(true, true, false);
    assertThat(out.get(1).maxEventTime()).isNull();
    assertThat(TruthJson.watermark(out.get(1)).containsKey("max_event_time")).as("null in the record, not left out").isTrue();
  }

  @Test
  void nothingIsPublishedWhileALiveWorkerHasNotReportedAndItNeverGoesBackwards() {
    WatermarkMerger merger = new WatermarkMerger(5_000);
    assertThat(merger.merge(Set.of("a", "b"), Map.of("a", List.of(new PartitionMark(0, 1, 5_000, 1))), Map.of(), 1))
        .isEmpty();
    assertThat(merger.merge(Set.of("a"), Map.of("a", List.of(new PartitionMark(0, 1, 5_000, 1))), Map.of(), 1)
        .get(0).watermark()).isEqualTo(5_000);
    assertThat(merger.merge(Set.of("a"), Map.of("a", List.of(new PartitionMark(0, 1, 4_000, 1))), Map.of(), 2)
        .get(0).watermark()).isEqualTo(5_000);
  }
}
