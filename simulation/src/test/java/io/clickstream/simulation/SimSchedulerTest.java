package io.clickstream.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler's own rules: order, freeze, kill, cancel. */
class SimSchedulerTest {
  private final SimScheduler scheduler = new SimScheduler(1);
  private final List<String> ran = new ArrayList<>();

  private Member member(String name) {
    return new Member(name, "node-" + name, scheduler, 123_456, 5);
  }

  private void runUntil(long millis) {
    while (scheduler.step(millis * 1_000_000L)) {
      // each step runs one event
    }
  }

  @Test
  void eventsRunByTimeThenInTheOrderTheyWereScheduled() {
    Member m = member("a");
    m.timers.after(10, () -> ran.add("10-first"));
    m.timers.after(5, () -> ran.add("5"));
    m.timers.after(10, () -> ran.add("10-second"));
    m.execute(() -> ran.add("now"));
    runUntil(20);
    assertThat(ran).containsExactly("now", "5", "10-first", "10-second");
    assertThat(scheduler.nowMillis()).isEqualTo(20);
  }

  @Test
  void aFrozenMemberRunsNothingUntilItResumesThenItsBacklogInOrder() {
    Member m = member("a");
    Member other = member("b");
    m.timers.after(10, () -> ran.add("a-10"));
    m.timers.after(20, () -> ran.add("a-20"));
    other.timers.after(15, () -> ran.add("b-15"));
    m.freeze();
    runUntil(30);
    assertThat(ran).containsExactly("b-15");
    m.resume();
    runUntil(30);
    assertThat(ran).containsExactly("b-15", "a-10", "a-20");
    assertThat(m.clock.nanoTime() - 123_456).as("a resumed member reads the time of the resume").isEqualTo(30_000_000L);
  }

  @Test
  void aKilledMemberRunsNothingMore() {
    Member m = member("a");
    m.timers.after(10, () -> ran.add("a-10"));
    m.kill();
    runUntil(30);
    assertThat(ran).isEmpty();
  }

  @Test
  void aCancelledTimerDoesNotRunEvenFromABacklog() {
    Member m = member("a");
    long id = m.timers.after(10, () -> ran.add("cancelled"));
    m.timers.after(11, () -> ran.add("kept"));
    m.freeze();
    runUntil(20);
    assertThat(m.timers.cancel(id)).isTrue();
    m.resume();
    runUntil(30);
    assertThat(ran).containsExactly("kept");
    assertThat(m.timers.cancel(id)).as("already gone").isFalse();
  }

  @Test
  void eachMemberSeesItsOwnClockOriginAndSkew() {
    Member a = new Member("a", "node-a", scheduler, 1_000, 7);
    Member b = new Member("b", "node-b", scheduler, 9_000, -3);
    runUntil(100);
    assertThat(a.clock.nanoTime() - b.clock.nanoTime()).isEqualTo(-8_000);
    assertThat(a.clock.currentTimeMillis() - b.clock.currentTimeMillis()).isEqualTo(10);
    assertThat(a.toGlobalNanos(a.clock.nanoTime())).isEqualTo(scheduler.nowNanos());
  }
}
