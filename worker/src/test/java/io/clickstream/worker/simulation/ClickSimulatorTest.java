package io.clickstream.worker.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.UserRange;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClickSimulatorTest {
  private static final long T0 = 1_700_000_000_000L;

  private static ClickSimulator simulator(long seed, UserRange users) {
    ClickSimulator sim = new ClickSimulator(new Catalog(50, 7), Behaviour.defaults(5, 120, 30), seed);
    sim.assign(users, 1);
    return sim;
  }

  /** Runs n steps, one every {@code stepMillis}, and returns detached copies of the events made. */
  private static List<ClickEvent> run(ClickSimulator sim, int n, long stepMillis) {
    List<ClickEvent> out = new ArrayList<>();
    ClickEvent e = new ClickEvent();
    for (int i = 0; i < n; i++) {
      if (sim.next(T0 + i * stepMillis, e)) {
        out.add(e.copy());
      }
    }
    return out;
  }

  @Test
  void sameSeedGivesTheSameStream() {
    List<ClickEvent> a = run(simulator(42, new UserRange(1, 100)), 5000, 10);
    List<ClickEvent> b = run(simulator(42, new UserRange(1, 100)), 5000, 10);
    List<ClickEvent> c = run(simulator(43, new UserRange(1, 100)), 5000, 10);
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).eventHi).isEqualTo(b.get(i).eventHi);
      assertThat(a.get(i).user).isEqualTo(b.get(i).user);
      assertThat(a.get(i).type).isEqualTo(b.get(i).type);
    }
    assertThat(c.get(0).eventHi).isNotEqualTo(a.get(0).eventHi);
  }

  @Test
  void cartRulesHoldInEverySession() {
    List<ClickEvent> events = run(simulator(1, new UserRange(1, 100)), 200_000, 5);
    Map<String, List<Integer>> carts = new HashMap<>();
    Map<String, ClickEvent> lastInSession = new HashMap<>();
    Map<Integer, String> currentSession = new HashMap<>();
    Catalog catalog = new Catalog(50, 7);
    for (ClickEvent e : events) {
      String session = e.sessionHi + ":" + e.sessionLo;
      String previous = currentSession.put(e.user, session);
      ClickEvent last = lastInSession.get(session);
      if (last != null && last.type == EventType.CHECKOUT) {
        assertThat(e.type).as("a CHECKOUT is followed by its PURCHASE in the same session").isEqualTo(EventType.PURCHASE);
        assertThat(e.priceCents).isEqualTo(last.priceCents);
      }
      if (previous != null && !previous.equals(session)) {
        ClickEvent prevLast = lastInSession.get(previous);
        assertThat(prevLast.type).as("a session never ends between CHECKOUT and PURCHASE").isNotEqualTo(EventType.CHECKOUT);
        assertThat(lastInSession).doesNotContainKey(session);
      }
      List<Integer> cart = carts.computeIfAbsent(session, k -> new ArrayList<>());
      switch (e.type) {
        case VIEW -> assertThat(e.priceCents).isEqualTo(catalog.priceCents(e.product));
        case ADD_TO_CART -> cart.add(e.product);
        case REMOVE_FROM_CART -> assertThat(cart.remove(Integer.valueOf(e.product)))
            .as("REMOVE_FROM_CART only removes a product in the cart").isTrue();
        case CHECKOUT -> {
          assertThat(cart).as("CHECKOUT only with a non-empty cart").isNotEmpty();
          assertThat(e.priceCents).isEqualTo(cart.stream().mapToLong(catalog::priceCents).sum());
        }
        case PURCHASE -> assertThat(last.type).isEqualTo(EventType.CHECKOUT);
      }
      lastInSession.put(session, e);
    }
  }

  @Test
  void funnelLooksLikeAShop() {
    Map<EventType, Integer> counts = new EnumMap<>(EventType.class);
    ClickSimulator sim = simulator(3, new UserRange(1, 1000));
    for (ClickEvent e : run(sim, 300_000, 1)) {
      counts.merge(e.type, 1, Integer::sum);
    }
    int views = counts.get(EventType.VIEW);
    int adds = counts.get(EventType.ADD_TO_CART);
    int checkouts = counts.get(EventType.CHECKOUT);
    int purchases = counts.get(EventType.PURCHASE);
    assertThat(views).isGreaterThan(3 * adds);
    assertThat(adds).isGreaterThan(checkouts);
    assertThat(checkouts - purchases).as("every CHECKOUT has its PURCHASE, or its payment is in progress")
        .isEqualTo(sim.paymentsInProgress());
    assertThat(sim.paymentsInProgress()).isPositive();
    assertThat(counts.get(EventType.REMOVE_FROM_CART)).isPositive();
  }

  @Test
  void lateShareAndDelaysFollowTheConfiguration() {
    List<ClickEvent> events = run(simulator(5, new UserRange(1, 100)), 100_000, 1);
    long late = events.stream().filter(ClickEvent::isLate).count();
    assertThat(late / (double) events.size()).isBetween(0.045, 0.055);
    assertThat(events.stream().filter(ClickEvent::isLate).mapToLong(e -> e.lateDelayMillis))
        .allMatch(d -> d >= 10_000 && d <= 120_000);
    // Uniform over 10..120 s: both halves are used.
    assertThat(events.stream().filter(e -> e.isLate() && e.lateDelayMillis < 30_000).count()).isPositive();
    assertThat(events.stream().filter(e -> e.isLate() && e.lateDelayMillis > 100_000).count()).isPositive();
  }

  @Test
  void usersAreSkewedAndStayInTheirSlice() {
    Map<Integer, Integer> perUser = new HashMap<>();
    // One event each 20 ms over 100 users: a few events a second for the heaviest, so paying rarely holds them up.
    for (ClickEvent e : run(simulator(9, new UserRange(101, 200)), 100_000, 20)) {
      assertThat(e.user).isBetween(101, 200);
      perUser.merge(e.user, 1, Integer::sum);
    }
    int max = perUser.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    int min = perUser.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    assertThat(perUser).hasSize(100);
    assertThat(max).isGreaterThan(3 * min);
  }

  /**
   * The ordering promise over millions of events, at many events per millisecond so that ties are likely:
   * per user, every event is at least 1 ms after the previous one, and a PURCHASE comes after a payment
   * step of 0.5 to 1.5 times the configured mean.
   */
  @Test
  void aUsersEventsAreStrictlyOrderedAndPaymentsTakeTheirTime() {
    ClickSimulator sim = new ClickSimulator(new Catalog(50, 7), Behaviour.withTimeoutMillis(5,
        LateDelay.parse("uniform", 120), 30 * 60_000L, 2_000), 21);
    sim.assign(new UserRange(1, 1000), 1);
    Map<Integer, Long> last = new HashMap<>();
    Map<Integer, Long> checkoutAt = new HashMap<>();
    ClickEvent e = new ClickEvent();
    long events = 0;
    long purchases = 0;
    long skipped = 0;
    // 10 events per millisecond over 1,000 users: the heaviest users are often picked twice in one ms.
    for (int i = 0; i < 3_000_000; i++) {
      long now = T0 + i / 10;
      if (!sim.next(now, e)) {
        skipped++;
        continue;
      }
      events++;
      assertThat(e.eventTime).isEqualTo(now);
      Long previous = last.put(e.user, e.eventTime);
      if (previous != null && e.eventTime <= previous) {
        throw new AssertionError("user " + e.user + ": " + e.type + " at " + e.eventTime + " after an event at " + previous);
      }
      if (e.type == EventType.CHECKOUT) {
        checkoutAt.put(e.user, e.eventTime);
      } else if (e.type == EventType.PURCHASE) {
        long payment = e.eventTime - checkoutAt.remove(e.user);
        assertThat(payment).isBetween(1_000L, 3_001L);
        purchases++;
      } else {
        assertThat(checkoutAt).as("a user does nothing while paying").doesNotContainKey(e.user);
      }
    }
    assertThat(skipped).as("a free user is always found").isZero();
    assertThat(events).isEqualTo(3_000_000);
    assertThat(purchases).isGreaterThan(10_000);
  }

  /** A population too small for the rate gives up turns rather than tie or run ahead of the clock. */
  @Test
  void tooFewUsersGiveUpTurnsInsteadOfTying() {
    ClickSimulator sim = simulator(17, new UserRange(1, 2));
    ClickEvent e = new ClickEvent();
    int produced = 0;
    for (int i = 0; i < 100; i++) {
      if (sim.next(T0, e)) {
        produced++;
      }
    }
    assertThat(produced).as("two users, one millisecond: at most one event each").isLessThanOrEqualTo(2);
    assertThat(sim.skippedTurns()).isEqualTo(100 - produced);
  }

  @Test
  void inactivityEndsTheSession() {
    ClickSimulator sim = simulator(11, new UserRange(1, 1));
    ClickEvent e = new ClickEvent();
    sim.next(T0, e);
    long first = e.sessionHi;
    sim.next(T0 + 30 * 60_000L + 1, e);
    assertThat(e.sessionHi).as("a gap longer than SESSION_TIMEOUT_MINUTES opens a new session").isNotEqualTo(first);
    assertThat(e.type).isEqualTo(EventType.VIEW);
  }

  @Test
  void reassignmentKeepsSessionsOfKeptUsersAndGivesMovedUsersFreshIds() {
    ClickSimulator sim = simulator(13, new UserRange(1, 10));
    List<ClickEvent> before = run(sim, 2000, 1);
    Map<Integer, Long> openSession = new HashMap<>();
    before.forEach(e -> openSession.put(e.user, e.sessionHi));
    ClickEvent purchase = new ClickEvent();
    for (int user : sim.endPaymentsOutside(new UserRange(6, 15))) {
      // Users who leave pay before they go: the PURCHASE strictly after the CHECKOUT, in its session.
      sim.completePayment(user, Long.MIN_VALUE, purchase);
      assertThat(purchase.type).isEqualTo(EventType.PURCHASE);
      before.add(purchase.copy());
    }
    sim.assign(new UserRange(6, 15), 2);
    assertThat(sim.users()).isEqualTo(new UserRange(6, 15));
    ClickEvent e = new ClickEvent();
    boolean continued = false;
    for (int i = 0; i < 200; i++) {
      sim.next(T0 + 2000 + i, e);
      assertThat(e.user).isBetween(6, 15);
      continued |= e.user <= 10 && openSession.get(e.user) == e.sessionHi;
    }
    assertThat(continued).as("a user kept across a rebalance keeps its session").isTrue();

    // Users 1..5 move to another worker at epoch 2: it must never repeat an id produced at epoch 1.
    Set<String> ids = new HashSet<>();
    before.forEach(b -> ids.add(b.eventHi + ":" + b.eventLo));
    ClickSimulator other = new ClickSimulator(new Catalog(50, 7), Behaviour.defaults(5, 120, 30), 13);
    other.assign(new UserRange(1, 5), 2);
    for (ClickEvent moved : run(other, 2000, 1)) {
      assertThat(ids.add(moved.eventHi + ":" + moved.eventLo)).isTrue();
      assertThat(openSession.get(moved.user)).as("a moved user starts a fresh session").isNotEqualTo(moved.sessionHi);
    }
  }

  /** A moved user's first event on its new worker comes after its last one on the old, whatever the clocks say. */
  @Test
  void usersNewToASliceActOnlyAfterTheirPreviousOwnersLastEvent() {
    long notBefore = T0 + 5_000;
    ClickSimulator sim = new ClickSimulator(new Catalog(50, 7), Behaviour.defaults(5, 120, 30), 23);
    sim.assign(new UserRange(1, 10), 1);
    sim.assign(new UserRange(1, 20), 2, notBefore);
    ClickEvent e = new ClickEvent();
    int keptBefore = 0;
    int newAfter = 0;
    for (int i = 0; i < 4_000; i++) {
      if (sim.next(T0 + i * 5L, e)) {
        if (e.user > 10) {
          assertThat(e.eventTime).as("user %d new to the slice", e.user).isGreaterThan(notBefore);
          newAfter++;
        } else if (e.eventTime <= notBefore) {
          keptBefore++;
        }
      }
    }
    assertThat(keptBefore).as("the users it kept act meanwhile").isPositive();
    assertThat(newAfter).as("the new ones once the time is past").isPositive();
  }
}
