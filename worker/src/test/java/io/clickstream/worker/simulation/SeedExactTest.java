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
      int user = picker.next();
      for (ClickSimulator sim : slices) {
        if (sim.users().contains(user)) {
          sim.actAs(user, T0 + slot * 10L, e);
          byUser.computeIfAbsent(user, u -> new ArrayList<>()).add(e.eventHi + ":" + e.eventLo + " " + e.sessionHi
              + " " + e.type + " " + e.product + " " + e.priceCents + " " + e.eventTime + " " + e.lateDelayMillis);
        }
      }
    }
    return byUser;
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
  void aPurchaseWaitsForTheUsersNextTurnAndFollowsItsCheckout() {
    Map<Integer, List<String>> events = run(List.of(simulator(new UserRange(1, USERS), 1)), 60_000);
    int purchases = 0;
    for (List<String> list : events.values()) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).contains(" CHECKOUT ") && i + 1 < list.size()) {
          assertThat(list.get(i + 1)).contains(" PURCHASE ");
          purchases++;
        }
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
