package io.clickstream.worker.truth;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.TruthReport;
import io.clickstream.protocol.UserRange;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.EventType;
import org.junit.jupiter.api.Test;

class TruthRecorderTest {
  private static final long[] LATENESS = {0, 10, 30};

  private static ClickEvent event(int user, EventType type, long time, long price) {
    ClickEvent e = new ClickEvent();
    e.user = user;
    e.type = type;
    e.eventTime = time;
    e.priceCents = price;
    return e;
  }

  @Test
  void countsWindowsByEventTimeAndArrivalsAfterEachLateness() {
    TruthRecorder truth = new TruthRecorder(60_000, LATENESS, 30_000);
    truth.assign(new UserRange(1, 10));
    truth.sent(event(1, EventType.VIEW, 1_000, 500), 1_000, 3);
    truth.sent(event(2, EventType.PURCHASE, 59_999, 1234), 60_000, 3);
    truth.sent(event(2, EventType.PURCHASE, 30_000, 100), 60_000 + 10_001, 4);
    truth.sent(event(1, EventType.VIEW, 60_000, 1), 60_000, 4);
    TruthRecorder.Cut cut = truth.cut(60_500, 60_000);
    assertThat(cut.windows()).hasSize(1);
    TruthReport.WindowPart w = cut.windows().get(0);
    assertThat(w.start()).isZero();
    assertThat(w.end()).isEqualTo(60_000);
    assertThat(w.byType()).containsExactly(1, 0, 0, 0, 2);
    assertThat(w.revenueCents()).isEqualTo(1334);
    assertThat(w.users().cardinality()).isEqualTo(2);
    // Arrived 10.001 s after the end: beyond L=0 and L=10, not beyond L=30; arriving exactly at the end is not late.
    assertThat(w.arrivingAfter()).containsExactly(1, 1, 0);
    assertThat(w.firstEpoch()).isEqualTo(3);
    assertThat(w.lastEpoch()).isEqualTo(4);
    assertThat(truth.cut(70_000, 60_000).windows()).isEmpty();
    assertThat(truth.finish().windows()).extracting(TruthReport.WindowPart::start).containsExactly(60_000L);
  }

  @Test
  void sessionsCloseOnTheGapAndHandOverWhenTheUserLeaves() {
    TruthRecorder truth = new TruthRecorder(60_000, LATENESS, 30_000);
    truth.assign(new UserRange(1, 4));
    truth.generated(event(1, EventType.VIEW, 0, 1));
    truth.generated(event(1, EventType.PURCHASE, 29_999, 1));
    truth.generated(event(2, EventType.VIEW, 1_000, 1));
    TruthRecorder.Cut first = truth.cut(30_999, 0);
    assertThat(first.sessions()).isEmpty();
    // Users taken over at the first assignment: their first sessions may continue someone else's.
    assertThat(first.starts()).containsExactly(new TruthReport.SessionStart(1, 0), new TruthReport.SessionStart(2, 1_000));
    // User 2 idle for the whole gap: closed.
    assertThat(truth.cut(31_000, 0).sessions())
        .containsExactly(new TruthReport.SessionPart(2, 1_000, 1_000, 1, false, true, false));
    // User 1 acts exactly the gap after its last event: a new session.
    truth.generated(event(1, EventType.VIEW, 59_999, 1));
    truth.assign(new UserRange(3, 6));
    assertThat(truth.cut(60_000, 0).sessions()).containsExactly(
        new TruthReport.SessionPart(1, 0, 29_999, 2, true, true, false),
        new TruthReport.SessionPart(1, 59_999, 59_999, 1, false, false, true));
    truth.generated(event(5, EventType.VIEW, 61_000, 1));
    assertThat(truth.cut(61_000, 0).starts()).containsExactly(new TruthReport.SessionStart(5, 61_000));
  }

  @Test
  void theFirstSessionOfAUserTakenOverSaysItMayContinue() {
    TruthRecorder truth = new TruthRecorder(60_000, LATENESS, 10_000);
    truth.assign(new UserRange(1, 2));
    truth.generated(event(1, EventType.VIEW, 0, 1));
    truth.cut(100, 0);
    truth.generated(event(1, EventType.VIEW, 20_000, 1));
    TruthRecorder.Cut cut = truth.finish();
    assertThat(cut.sessions()).containsExactly(new TruthReport.SessionPart(1, 0, 0, 1, false, true, false),
        new TruthReport.SessionPart(1, 20_000, 20_000, 1, false, false, true));
    // A user who stays does not count as taken over again by a later assignment.
    truth.assign(new UserRange(1, 3));
    truth.generated(event(1, EventType.VIEW, 40_000, 1));
    truth.generated(event(3, EventType.VIEW, 40_000, 1));
    assertThat(truth.cut(40_000, 0).starts()).containsExactly(new TruthReport.SessionStart(3, 40_000));
  }
}
