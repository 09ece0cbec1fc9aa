package io.clickstream.coordinator.truth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PendingRecordsTest {
  private static List<TruthPublisher.Record> records(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> new TruthPublisher.Record("t.truth", "k" + i, "v" + i, i)).toList();
  }

  private static List<String> keys(List<TruthPublisher.Record> records) {
    return records.stream().map(TruthPublisher.Record::key).toList();
  }

  @Test
  void whileKafkaRefusesTheListStaysBoundedAndCountsWhatItDrops() {
    PendingRecords pending = new PendingRecords(100, () -> 0);
    for (int tick = 0; tick < 50; tick++) {
      pending.add(records(tick * 10, tick * 10 + 10));
      List<TruthPublisher.Record> batch = pending.takeBatch();
      assertThat(batch).hasSizeLessThanOrEqualTo(100);
      pending.batchDone(false);
    }
    assertThat(pending.size()).isEqualTo(100);
    assertThat(pending.dropped()).isEqualTo(400);
    // The oldest went; the newest wait, in order.
    assertThat(keys(pending.takeBatch())).first().isEqualTo("k400");
  }

  @Test
  void aBatchInFlightIsNeverDroppedAndLeavesOnlyWhenPublished() {
    PendingRecords pending = new PendingRecords(10, () -> 0);
    pending.add(records(0, 8));
    List<TruthPublisher.Record> batch = pending.takeBatch();
    assertThat(pending.takeBatch()).isEmpty();
    pending.add(records(8, 20));
    assertThat(pending.size()).isEqualTo(10);
    assertThat(pending.dropped()).isEqualTo(10);
    pending.batchDone(true);
    // The in-flight batch k0..k7 was kept whole; of the 12 waiting, the two newest survive.
    assertThat(keys(batch)).containsExactly("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7");
    assertThat(keys(pending.takeBatch())).containsExactly("k18", "k19");
  }

  @Test
  void aFailedBatchIsRetriedWhole() {
    PendingRecords pending = new PendingRecords(10, () -> 0);
    pending.add(records(0, 3));
    pending.takeBatch();
    pending.batchDone(false);
    assertThat(keys(pending.takeBatch())).containsExactly("k0", "k1", "k2");
    assertThat(pending.dropped()).isZero();
  }

  @Test
  void onlyWaitingRecordsAreReplaced() {
    PendingRecords pending = new PendingRecords(10, () -> 0);
    pending.add(records(0, 2));
    pending.takeBatch();
    pending.add(records(2, 4));
    pending.removeWaiting(r -> true);
    pending.batchDone(false);
    assertThat(keys(pending.takeBatch())).containsExactly("k0", "k1");
  }
}
