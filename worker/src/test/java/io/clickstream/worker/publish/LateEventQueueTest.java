package io.clickstream.worker.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.worker.simulation.ClickEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Held-back events come out by due time, ties in the order held, each a copy detached from the loop's event. */
class LateEventQueueTest {
  private final LateEventQueue queue = new LateEventQueue();
  /** The loop's one shared instance, refilled for every event. */
  private final ClickEvent shared = new ClickEvent();

  private void hold(int user, long eventTime, long lateDelayMillis, int partition) {
    shared.user = user;
    shared.eventTime = eventTime;
    shared.lateDelayMillis = lateDelayMillis;
    shared.partition = partition;
    queue.hold(shared);
  }

  private static List<Integer> users(List<ClickEvent> events) {
    return events.stream().map(e -> e.user).toList();
  }

  @Test
  void emptyIsDueNeverAndBoundsNothing() {
    LateEventQueue.Bounds bounds = queue.bounds(2);

    assertThat(queue.size()).isZero();
    assertThat(queue.nextDueMillis()).isEqualTo(Long.MAX_VALUE);
    assertThat(queue.pollDue(Long.MAX_VALUE, 10)).isEmpty();
    assertThat(bounds.minEventTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(bounds.maxDueMillis()).isEqualTo(Long.MIN_VALUE);
    assertThat(bounds.minEventTimeByPartition()).containsExactly(Long.MAX_VALUE, Long.MAX_VALUE);
  }

  @Test
  void eventsComeOutByDueTimeNotByEventTimeOrOrderHeld() {
    hold(1, 1_000, 5_000, 0); // due 6000
    hold(2, 2_000, 1_000, 0); // due 3000
    hold(3, 1_500, 3_000, 1); // due 4500

    assertThat(queue.size()).isEqualTo(3);
    assertThat(queue.nextDueMillis()).isEqualTo(3_000);
    assertThat(queue.pollDue(2_999, 10)).isEmpty();
    assertThat(users(queue.pollDue(4_500, 10))).containsExactly(2, 3);
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.nextDueMillis()).isEqualTo(6_000);
  }

  @Test
  void tiesOnTheDueTimeComeOutInTheOrderHeld() {
    for (int user = 1; user <= 50; user++) {
      // All due at 5000, from different event times; held in user order.
      hold(user, 5_000 - user * 10L, user * 10L, 0);
    }

    assertThat(users(queue.drainAll())).containsExactlyElementsOf(
        java.util.stream.IntStream.rangeClosed(1, 50).boxed().toList());
  }

  @Test
  void pollStopsAtItsLimitAndLeavesTheRestDue() {
    for (int user = 1; user <= 5; user++) {
      hold(user, 1_000, 100, 0);
    }

    assertThat(users(queue.pollDue(2_000, 2))).containsExactly(1, 2);
    assertThat(queue.size()).isEqualTo(3);
    assertThat(users(queue.pollDue(2_000, 10))).containsExactly(3, 4, 5);
    assertThat(queue.size()).isZero();
  }

  @Test
  void heldEventsAreCopiesThatTheNextEventDoesNotOverwrite() {
    hold(7, 1_000, 500, 1);
    shared.user = 8;
    shared.eventTime = 9_999;

    ClickEvent held = queue.drainAll().get(0);

    assertThat(held).isNotSameAs(shared);
    assertThat(held.user).isEqualTo(7);
    assertThat(held.eventTime).isEqualTo(1_000);
  }

  @Test
  void boundsGiveTheEarliestEventTimePerPartitionAndOverallAndTheLatestDueTime() {
    hold(1, 1_000, 9_000, 0); // due 10000
    hold(2, 3_000, 1_000, 1); // due 4000
    hold(3, 2_000, 500, 1); // due 2500

    LateEventQueue.Bounds bounds = queue.bounds(3);

    assertThat(bounds.minEventTimeByPartition()).containsExactly(1_000, 2_000, Long.MAX_VALUE);
    assertThat(bounds.minEventTime()).isEqualTo(1_000);
    assertThat(bounds.maxDueMillis()).isEqualTo(10_000);
  }

  @Test
  void drainingTakesEverythingEarliestDueFirst() {
    hold(1, 1_000, 9_000, 0);
    hold(2, 1_000, 1_000, 0);
    hold(3, 1_000, 5_000, 0);

    assertThat(users(queue.drainAll())).containsExactly(2, 3, 1);
    assertThat(queue.size()).isZero();
    assertThat(queue.nextDueMillis()).isEqualTo(Long.MAX_VALUE);
  }
}
