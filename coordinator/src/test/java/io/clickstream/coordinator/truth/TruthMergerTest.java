package io.clickstream.coordinator.truth;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.TruthReport;
import io.clickstream.protocol.TruthReport.SessionPart;
import io.clickstream.protocol.TruthReport.SessionStart;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TruthMergerTest {
  private static final long GAP = 10_000;
  private final java.util.Map<String, Long> seqs = new java.util.HashMap<>();

  private TruthReport report(String worker, long completeBefore, long clock, List<TruthReport.WindowPart> windows,
                             List<SessionPart> sessions, List<SessionStart> starts) {
    long seq = seqs.merge(worker, 1L, Long::sum);
    return new TruthReport(worker, "inc-" + worker, seq, 1, completeBefore, clock, GAP, Long.MIN_VALUE, false, windows,
        sessions, starts,
        List.of());
  }

  private static TruthReport.WindowPart part(long start, long views, long purchases, long revenue, long[] after,
                                             int... users) {
    BitSet set = new BitSet();
    for (int u : users) {
      set.set(u);
    }
    return new TruthReport.WindowPart(start, start + 60_000, new long[] {views, 0, 0, 0, purchases}, revenue, set,
        new long[] {0, 10}, after, 2, 3);
  }

  @Test
  void windowsMergeOnceEveryLiveWorkerIsPastTheirEnd() {
    TruthMerger merger = new TruthMerger();
    merger.accept(report("a", 60_000, 60_000, List.of(part(0, 5, 1, 250, new long[] {2, 1}, 1, 2, 3)), List.of(), List.of()));
    // b is live and has not reported: nothing can be final.
    assertThat(merger.settle(Set.of("a", "b"))).isFalse();
    merger.accept(report("b", 30_000, 30_000, List.of(), List.of(), List.of()));
    assertThat(merger.settle(Set.of("a", "b"))).isFalse();
    merger.accept(report("b", 61_000, 61_000, List.of(part(0, 4, 2, 100, new long[] {1, 0}, 3, 4)), List.of(), List.of()));
    assertThat(merger.settle(Set.of("a", "b"))).isTrue();
    List<MergedWindow> windows = merger.takeWindows();
    assertThat(windows).hasSize(1);
    MergedWindow w = windows.get(0);
    assertThat(w.byType()).containsExactly(9, 0, 0, 0, 3);
    assertThat(w.events()).isEqualTo(12);
    assertThat(w.revenueCents()).isEqualTo(350);
    // User 3 acted on both workers (it moved): counted once.
    assertThat(w.distinctUsers()).isEqualTo(4);
    assertThat(w.arrivingAfter()).containsExactly(3, 1);
    assertThat(w.parts()).containsOnlyKeys("a", "b");
    assertThat(w.complete()).isTrue();
    assertThat(merger.takeWindows()).isEmpty();
  }

  @Test
  void aResentReportIsMergedOnce() {
    TruthMerger merger = new TruthMerger();
    TruthReport r = report("a", 60_000, 60_000, List.of(part(0, 5, 0, 0, new long[] {0, 0}, 1)), List.of(), List.of());
    assertThat(merger.accept(r)).isTrue();
    assertThat(merger.accept(r)).isFalse();
    merger.settle(Set.of("a"));
    assertThat(merger.takeWindows().get(0).events()).isEqualTo(5);
  }

  @Test
  void aLostWorkerStopsBlockingAndItsWindowsAreFlaggedIncomplete() {
    TruthMerger merger = new TruthMerger();
    merger.accept(report("a", 120_000, 120_000, List.of(part(0, 1, 0, 0, new long[] {0, 0}, 1),
        part(60_000, 1, 0, 0, new long[] {0, 0}, 1)), List.of(), List.of()));
    merger.accept(report("b", 60_000, 60_000, List.of(part(0, 1, 0, 0, new long[] {0, 0}, 2)), List.of(), List.of()));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeWindows()).extracting(MergedWindow::complete).containsExactly(true);
    merger.lost("b");
    merger.settle(Set.of("a"));
    assertThat(merger.takeWindows()).extracting(MergedWindow::complete).containsExactly(false);
  }

  @Test
  void afterACoordinatorRestartTheWindowsThatMayHaveLostPartsAreFlagged() {
    TruthMerger merger = new TruthMerger();
    // The worker's first report here is its 41st: earlier parts went to the previous coordinator.
    seqs.put("a", 40L);
    merger.accept(report("a", 120_000, 120_000, List.of(part(60_000, 1, 0, 0, new long[] {0, 0}, 1)), List.of(),
        List.of()));
    merger.accept(report("a", 240_000, 240_000, List.of(part(120_000, 1, 0, 0, new long[] {0, 0}, 1)), List.of(),
        List.of()));
    merger.settle(Set.of("a"));
    assertThat(merger.takeWindows()).extracting(MergedWindow::complete).containsExactly(false, true);
  }

  @Test
  void aRestartedCoordinatorWaitsAndCountsWorkersThatReportBeforeTheyRegister() {
    TruthMerger merger = new TruthMerger(1_000_000);
    merger.accept(report("a", 120_000, 120_000, List.of(part(0, 1, 0, 0, new long[] {0, 0}, 1)), List.of(), List.of()),
        1_000_500);
    merger.accept(report("b", 50_000, 50_000, List.of(), List.of(), List.of()), 1_000_500);
    // Its first seconds: nothing, whatever the registry says.
    assertThat(merger.settle(Set.of(), 1_002_000)).isFalse();
    // b reported a second ago but is not registered yet: it still holds the window back.
    assertThat(merger.settle(Set.of(), 1_004_000)).isFalse();
    // b silent for 5 s and not live: no longer waited for.
    assertThat(merger.settle(Set.of(), 1_006_000)).isTrue();
  }

  @Test
  void aWorkerRestartedUnderTheSameIdStartsAfresh() {
    TruthMerger merger = new TruthMerger();
    merger.accept(report("a", 60_000, 60_000, List.of(), List.of(), List.of()));
    merger.accept(report("a", 60_000, 60_000, List.of(), List.of(), List.of()));
    TruthReport restarted = new TruthReport("a", "another-process", 1, 1, 120_000, 120_000, GAP, Long.MIN_VALUE, false,
        List.of(part(60_000, 2, 0, 0, new long[] {0, 0}, 5)), List.of(), List.of(), List.of());
    assertThat(merger.accept(restarted)).isTrue();
    merger.settle(Set.of("a"));
    assertThat(merger.takeWindows()).extracting(MergedWindow::events).containsExactly(2L);
  }

  @Test
  void aLostWorkersFlagReachesOnlyAsFarAsItCouldHaveProduced() {
    TruthMerger merger = new TruthMerger();
    merger.accept(report("b", 60_000, 60_000, List.of(), List.of(), List.of(new SessionStart(9, 55_000))));
    merger.accept(report("a", 60_000, 60_000, List.of(), List.of(new SessionPart(9, 1_000, 50_000, 3, false, false, true)),
        List.of()));
    merger.lost("b");
    for (long start = 60_000; start < 300_000; start += 60_000) {
      merger.accept(report("a", start + 60_000, start + 60_000,
          List.of(part(start, 1, 0, 0, new long[] {0, 0}, 1)), List.of(), List.of()));
    }
    merger.settle(Set.of("a"));
    // b reported up to 60 s: the window from 60 s may lack its part; later ones cannot.
    assertThat(merger.takeWindows()).extracting(MergedWindow::complete)
        .containsExactly(false, true, true, true);
    // b's open continuation will never close: a's cut-short session is not held for it.
    assertThat(merger.takeSessions()).containsExactly(new TruthMerger.Session(9, 1_000, 50_000, 3, false, GAP));
  }

  @Test
  void aLostWorkerStillBoundsTheWatermarkUntilItsHeldEventsFellDue() {
    TruthMerger merger = new TruthMerger();
    merger.accept(new TruthReport("b", "inc-b", 1, 1, 50_000, 60_000, GAP, 90_000, false, List.of(), List.of(),
        List.of(), List.of()));
    merger.accept(report("a", 60_000, 60_000, List.of(), List.of(), List.of()));
    merger.lost("b");
    assertThat(merger.stillHolding(Set.of("a"))).containsExactly("b");
    merger.accept(report("a", 90_000, 90_001, List.of(), List.of(), List.of()));
    assertThat(merger.stillHolding(Set.of("a"))).isEmpty();
  }

  @Test
  void aSessionCutByAHandoverJoinsItsContinuationWithinTheGap() {
    TruthMerger merger = new TruthMerger();
    merger.accept(report("a", 0, 20_000, List.of(), List.of(new SessionPart(7, 1_000, 10_000, 3, false, false, true)),
        List.of()));
    merger.accept(report("b", 0, 20_000, List.of(), List.of(), List.of(new SessionStart(7, 13_000))));
    // Every clock is past the gap, but a continuation opened 3 s after the cut: wait for it.
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).isEmpty();
    merger.accept(report("b", 0, 40_000, List.of(), List.of(new SessionPart(7, 13_000, 25_000, 4, true, true, false)),
        List.of()));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).containsExactly(new TruthMerger.Session(7, 1_000, 25_000, 7, true, GAP));
  }

  @Test
  void aContinuationThatArrivesFirstWaitsForItsPredecessor() {
    TruthMerger merger = new TruthMerger();
    merger.accept(report("b", 0, 30_000, List.of(),
        List.of(new SessionPart(7, 13_000, 15_000, 2, false, true, false)), List.of(new SessionStart(7, 13_000))));
    // a has not reported past 13 000 yet: its handover may still come.
    merger.accept(report("a", 0, 12_000, List.of(), List.of(), List.of()));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).isEmpty();
    merger.accept(report("a", 0, 30_000, List.of(), List.of(new SessionPart(7, 1_000, 10_000, 3, false, false, true)),
        List.of()));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).containsExactly(new TruthMerger.Session(7, 1_000, 15_000, 5, false, GAP));
  }

  @Test
  void aChainOverSeveralHandoversIsOneSessionWhateverTheOrderOfArrival() {
    TruthMerger merger = new TruthMerger();
    // b's notice first; then a's part, itself the first part on a (the initial assignment), cut by a handover;
    // then b's part closes before a's is settled. Each must wait for the other.
    merger.accept(report("b", 0, 5_000, List.of(), List.of(), List.of(new SessionStart(7, 13_000))));
    merger.accept(report("a", 0, 5_000, List.of(), List.of(new SessionPart(7, 1_000, 10_000, 3, false, true, true)),
        List.of()));
    merger.accept(report("b", 0, 9_000, List.of(), List.of(new SessionPart(7, 13_000, 20_000, 2, false, true, true)),
        List.of(new SessionStart(7, 13_000))));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).isEmpty();
    // Back to a, which continues within the gap and closes by it.
    merger.accept(report("a", 0, 40_000, List.of(), List.of(new SessionPart(7, 25_000, 26_000, 1, true, true, false)),
        List.of(new SessionStart(7, 25_000))));
    merger.accept(report("b", 0, 40_000, List.of(), List.of(), List.of()));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).containsExactly(new TruthMerger.Session(7, 1_000, 26_000, 6, true, GAP));
    assertThat(merger.pendingSessions()).isZero();
  }

  @Test
  void aCutShortSessionWaitsWhileItsContinuationIsOpen() {
    TruthMerger merger = new TruthMerger();
    merger.accept(report("a", 0, 60_000, List.of(), List.of(new SessionPart(7, 1_000, 10_000, 3, false, false, true)),
        List.of()));
    merger.accept(report("b", 0, 60_000, List.of(), List.of(), List.of(new SessionStart(7, 15_000))));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).isEmpty();
    merger.accept(report("b", 0, 90_000, List.of(), List.of(new SessionPart(7, 15_000, 70_000, 9, false, true, false)),
        List.of()));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).containsExactly(new TruthMerger.Session(7, 1_000, 70_000, 12, false, GAP));
  }

  @Test
  void partsFartherApartThanTheGapStaySeparate() {
    TruthMerger merger = new TruthMerger();
    merger.accept(report("a", 0, 40_000, List.of(), List.of(new SessionPart(7, 1_000, 10_000, 3, false, false, true)),
        List.of()));
    merger.accept(report("b", 0, 40_000, List.of(),
        List.of(new SessionPart(7, 20_000, 21_000, 2, false, true, false)), List.of(new SessionStart(7, 20_000))));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).containsExactlyInAnyOrder(new TruthMerger.Session(7, 1_000, 10_000, 3, false, GAP),
        new TruthMerger.Session(7, 20_000, 21_000, 2, false, GAP));
  }

  @Test
  void aHandoverWithNoContinuationIsPublishedOnceTheGapHasPassedEverywhere() {
    TruthMerger merger = new TruthMerger();
    merger.accept(report("a", 0, 12_000, List.of(), List.of(new SessionPart(7, 1_000, 10_000, 3, false, false, true)),
        List.of()));
    merger.accept(report("b", 0, 19_999, List.of(), List.of(), List.of()));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).isEmpty();
    merger.accept(report("a", 0, 20_000, List.of(), List.of(), List.of()));
    merger.accept(report("b", 0, 20_000, List.of(), List.of(), List.of()));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).containsExactly(new TruthMerger.Session(7, 1_000, 10_000, 3, false, GAP));
  }

  @Test
  void aSessionClosedByTheGapIsPublishedAtOnce() {
    TruthMerger merger = new TruthMerger();
    merger.accept(report("a", 0, 30_000, List.of(), List.of(new SessionPart(3, 0, 5_000, 2, true, false, false)),
        List.of()));
    merger.settle(Set.of("a", "b"));
    assertThat(merger.takeSessions()).containsExactly(new TruthMerger.Session(3, 0, 5_000, 2, true, GAP));
  }
}
