package io.clickstream.worker.truth;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.TruthReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionMarksTest {
  private static final long NONE = Long.MAX_VALUE;

  @Test
  void aBoundIsReleasedOnlyOnceEverySendBeforeItCompleted() {
    PartitionMarks marks = new PartitionMarks(2);
    marks.sent(0, 1_000, 1_000);
    marks.sent(0, 1_500, 1_500);
    List<TruthReport.PartitionMark> first = marks.cut(2_000, new long[] {NONE, NONE});
    // Partition 0 has two sends in flight: nothing released. Partition 1 never had any: its bound holds now.
    assertThat(first.get(0).watermark()).isEqualTo(Long.MIN_VALUE);
    assertThat(first.get(0).maxEventTime()).isEqualTo(1_500);
    assertThat(first.get(1).watermark()).isEqualTo(2_000);
    marks.completed(0);
    assertThat(marks.cut(3_000, new long[] {NONE, NONE}).get(0).watermark()).isEqualTo(Long.MIN_VALUE);
    marks.completed(0);
    // The candidate cut at 2 000 is released; the next one is cut now and released at once (nothing in flight).
    assertThat(marks.cut(4_000, new long[] {NONE, NONE}).get(0).watermark()).isEqualTo(4_000);
  }

  @Test
  void aSendThatFailedInsideSendIsNotInFlight() {
    PartitionMarks marks = new PartitionMarks(1);
    marks.sent(0, 1_000, 1_000);
    marks.sent(0, 1_100, 1_100);
    marks.unsent(0);
    // One send in flight: the bound waits for it, and for it only.
    assertThat(marks.cut(2_000, new long[] {NONE}).get(0).watermark()).isEqualTo(Long.MIN_VALUE);
    marks.completed(0);
    assertThat(marks.cut(3_000, new long[] {NONE}).get(0).watermark()).isEqualTo(3_000);
  }

  @Test
  void heldBackLateEventsBoundTheirPartition() {
    PartitionMarks marks = new PartitionMarks(2);
    List<TruthReport.PartitionMark> cut = marks.cut(10_000, new long[] {7_000, NONE});
    assertThat(cut.get(0).watermark()).isEqualTo(7_000);
    assertThat(cut.get(1).watermark()).isEqualTo(10_000);
    assertThat(cut.get(1).lastSent()).isEqualTo(Long.MIN_VALUE);
  }
}
