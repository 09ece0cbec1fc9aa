package io.clickstream.worker.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.UserRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The seed-exact mode's promise at the level of the simulation: walking the global slot sequence, each
 * user's events are the same whether one simulator holds everyone or three hold a slice each, and
 * whatever epochs they were assigned under.
 */
class SeedExactTest {
  private static final int USERS = 300;
  private static final long T0 = 1_767_225_600_000L;

  private static ClickSimulator simulator(UserRange users, long epoch) {
    ClickSimulator sim = new ClickSimulator(new Catalog(50, 9), Behaviour.withTimeoutMillis(5,
        LateDelay.parse("uniform", 120), 60_000), 77, LateSkew.NONE, true);
    sim.assign(users, epoch);
    return sim;
  }

  /** Per user, the events as strings, walking {@code slots} slots of 10 ms with the given slices. */
  private static Map<Integer, List<String>> run(List<ClickSimulator> slices, int slots) {
    PopulationPicker picker = slices.get(0).picker(USERS);
    Map<Integer, List<String>> byUser = new HashMap<>();
    ClickEvent e = new ClickEvent();
    for (int slot = 0; slot < slots; slot++) {
      // Four slots per millisecond, so that a user is sometimes picked twice in one.
      long time = T0 + slot / 4;
      int user = picker.next();
      for (ClickSimulator sim : slices) {
        // As the generator does: the payments that end by this slot, at their own times, then the slot.
        while (sim.nextPaymentDueMillis() <= time) {
          sim.completeNextPayment(sim.nextPaymentDueMillis(), e);
          record(byUser, e);
        }
        if (sim.users().contains(user) && sim.actAs(user, time, e)) {
          record(byUser, e);
        }
      }
    }
    return byUser;
  }

  private static void record(Map<Integer, List<String>> byUser, ClickEvent e) {
    byUser.computeIfAbsent(e.user, u -> new ArrayList<>()).add(e.eventHi + ":" + e.eventLo + " " + e.sessionHi
        + " " + e.type + " " + e.product + " " + e.priceCents + " " + e.eventTime + " " + e.lateDelayMillis);
  }

  @Test
  void aUsersEventsDoNotDependOnHowThePopulationIsSplit() {
    Map<Integer, List<String>> one = run(List.of(simulator(new UserRange(1, USERS), 1)), 60_000);
    Map<Integer, List<String>> three = run(List.of(simulator(new UserRange(1, 100), 4), simulator(new UserRange(101, 200), 5),
        simulator(new UserRange(201, USERS), 6)), 60_000);
    assertThat(one.keySet()).hasSizeGreaterThan(USERS * 9 / 10);
    assertThat(three).isEqualTo(one);
  }

  @Test
  void aPurchaseFollowsItsCheckoutAfterThePaymentAndTimesStrictlyIncrease() {
    Map<Integer, List<String>> events = run(List.of(simulator(new UserRange(1, USERS), 1)), 400_000);
    int purchases = 0;
    for (List<String> list : events.values()) {
      long previous = Long.MIN_VALUE;
      for (int i = 0; i < list.size(); i++) {
        long time = Long.parseLong(list.get(i).split(" ")[5]);
        assertThat(time).as("a user's events are strictly ordered in event time").isGreaterThan(previous);
        if (list.get(i).contains(" CHECKOUT ") && i + 1 < list.size()) {
          assertThat(list.get(i + 1)).contains(" PURCHASE ");
          assertThat(Long.parseLong(list.get(i + 1).split(" ")[5]) - time).isBetween(1_500L, 4_501L);
          purchases++;
        }
        previous = time;
      }
    }
    assertThat(purchases).isGreaterThan(100);
  }

  @Test
  void anotherSeedGivesAnotherStream() {
    ClickSimulator other = new ClickSimulator(new Catalog(50, 9), Behaviour.withTimeoutMillis(5,
        LateDelay.parse("uniform", 120), 60_000), 78, LateSkew.NONE, true);
    other.assign(new UserRange(1, USERS), 1);
    assertThat(run(List.of(other), 5000)).isNotEqualTo(run(List.of(simulator(new UserRange(1, USERS), 1)), 5000));
  }
}
