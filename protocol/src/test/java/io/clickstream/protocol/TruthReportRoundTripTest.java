package io.clickstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link TruthReport} through its encoded JSON, as over the clustered event bus: every field back as it
 * was, the extremes too (Long.MIN_VALUE and MAX_VALUE bounds, users at the top of the population, empty
 * parts), and what a population forbids refused by name.
 */
class TruthReportRoundTripTest {
  private static TruthReport viaWire(TruthReport report, int population) {
    return TruthReport.fromJson(new JsonObject(report.toJson().encode()), population);
  }

  private static BitSet users(int... ids) {
    BitSet set = new BitSet();
    for (int id : ids) {
      set.set(id);
    }
    return set;
  }

  private static TruthReport.WindowPart window(long start, BitSet users) {
    return new TruthReport.WindowPart(start, start + 60_000, new long[] {40, 7, 2, 3, 1}, 12_345, users,
        new long[] {0, 5, 60}, new long[] {4, 1, 0}, 3, 5);
  }

  /** Records with arrays compare their arrays by identity: each field is compared by value here. */
  private static void assertSame(TruthReport back, TruthReport sent) {
    assertThat(back.workerId()).isEqualTo(sent.workerId());
    assertThat(back.incarnation()).isEqualTo(sent.incarnation());
    assertThat(List.of(back.seq(), back.epoch(), back.completeBefore(), back.sessionClock(), back.sessionGapMillis(),
        back.heldUntil())).isEqualTo(List.of(sent.seq(), sent.epoch(), sent.completeBefore(), sent.sessionClock(),
        sent.sessionGapMillis(), sent.heldUntil()));
    assertThat(back.last()).isEqualTo(sent.last());
    assertThat(back.windows()).hasSameSizeAs(sent.windows());
    for (int i = 0; i < sent.windows().size(); i++) {
      TruthReport.WindowPart b = back.windows().get(i);
      TruthReport.WindowPart s = sent.windows().get(i);
      assertThat(List.of(b.start(), b.end(), b.revenueCents(), b.firstEpoch(), b.lastEpoch()))
          .as("window " + i).isEqualTo(List.of(s.start(), s.end(), s.revenueCents(), s.firstEpoch(), s.lastEpoch()));
      assertThat(b.byType()).as("window " + i + " byType").containsExactly(s.byType());
      assertThat(b.users()).as("window " + i + " users").isEqualTo(s.users());
      assertThat(b.latenessSeconds()).containsExactly(s.latenessSeconds());
      assertThat(b.arrivingAfter()).containsExactly(s.arrivingAfter());
    }
    assertThat(back.sessions()).isEqualTo(sent.sessions());
    assertThat(back.starts()).isEqualTo(sent.starts());
    assertThat(back.partitions()).isEqualTo(sent.partitions());
  }

  @Test
  void aFullReportSurvivesTheWire() {
    TruthReport report = new TruthReport("w1", "inc-1", 7, 12, 1_767_225_660_000L, 1_767_225_661_234L, 30_000,
        1_767_225_700_000L, false,
        List.of(window(1_767_225_600_000L, users(1, 2, 99_999, 100_000)), window(1_767_225_660_000L, new BitSet())),
        List.of(new TruthReport.SessionPart(5, 1_000, 9_000, 12, true, false, false),
            new TruthReport.SessionPart(100_000, 2_000, 3_000, 1, false, true, true)),
        List.of(new TruthReport.SessionStart(42, 5_000)),
        List.of(new TruthReport.PartitionMark(0, 9_000, 8_000, 9_000),
            new TruthReport.PartitionMark(11, Long.MIN_VALUE, 10_000, Long.MIN_VALUE)));
    assertSame(viaWire(report, 100_000), report);
  }

  @Test
  void theLastReportWithItsOpenBoundsSurvivesTheWire() {
    TruthReport last = new TruthReport("w-2.x_y", "i", 1, 0, Long.MAX_VALUE, Long.MAX_VALUE, 1, Long.MIN_VALUE, true,
        List.of(), List.of(), List.of(), List.of());
    assertSame(viaWire(last, 1), last);
  }

  @Test
  void seededReportsSurviveTheWire() {
    SplittableRandom random = new SplittableRandom(14);
    for (int round = 0; round < 500; round++) {
      int population = random.nextInt(1, 200_000);
      List<TruthReport.WindowPart> windows = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        BitSet set = new BitSet();
        int from = random.nextInt(1, population + 1);
        for (int u = random.nextInt(50); u > 0; u--) {
          set.set(random.nextInt(from, Math.min(population, from + 5_000) + 1));
        }
        windows.add(window(random.nextLong(0, TruthReport.MAX_EVENT_TIME), set));
      }
      List<TruthReport.SessionPart> sessions = new ArrayList<>();
      for (int i = random.nextInt(5); i > 0; i--) {
        sessions.add(new TruthReport.SessionPart(random.nextInt(1, population + 1), random.nextLong(), random.nextLong(),
            random.nextLong(1, 1000), random.nextBoolean(), random.nextBoolean(), random.nextBoolean()));
      }
      TruthReport report = new TruthReport("w" + round, "inc-" + round, random.nextLong(1, Long.MAX_VALUE),
          random.nextLong(0, Protocol.MAX_EPOCH), random.nextLong(), random.nextLong(), random.nextLong(1, 86_400_000),
          random.nextLong(), random.nextBoolean(), windows, sessions,
          List.of(new TruthReport.SessionStart(random.nextInt(1, population + 1), random.nextLong())),
          List.of(new TruthReport.PartitionMark(random.nextInt(TruthReport.MAX_PARTITIONS), random.nextLong(),
              random.nextLong(), random.nextLong())));
      assertSame(viaWire(report, population), report);
    }
  }

  @Test
  void usersBeyondThePopulationAreRefusedByName() {
    TruthReport report = new TruthReport("w1", "i", 1, 1, 0, 0, 1000, 0, false,
        List.of(window(0, users(10, 101))), List.of(), List.of(), List.of());
    assertThatThrownBy(() -> viaWire(report, 100)).isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("reach user 101, above the population of 100");
    TruthReport session = new TruthReport("w1", "i", 1, 1, 0, 0, 1000, 0, false, List.of(),
        List.of(new TruthReport.SessionPart(101, 0, 1, 1, false, false, false)), List.of(), List.of());
    assertThatThrownBy(() -> viaWire(session, 100)).hasMessageContaining("truth session: user must be from 1 to 100");
    JsonObject seqZero = report.toJson().put("seq", 0).put("windows", new io.vertx.core.json.JsonArray());
    assertThatThrownBy(() -> TruthReport.fromJson(seqZero, 100)).hasMessageContaining("seq");
  }
}
