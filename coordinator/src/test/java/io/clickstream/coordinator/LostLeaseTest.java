package io.clickstream.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.UserRange;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The users of a lost worker move only once its lease has surely ended: it may be frozen rather than dead.
 * Exact times on fake time, as Trogdor's CoordinatorTest asserts exact states at exact times.
 */
class LostLeaseTest {
  private static final long LEASE = 3000;
  /** A coordinator grants nothing for its first lease and heartbeat (see Rebalancer): the test starts then. */
  private static final long START = LEASE + io.clickstream.protocol.Protocol.HEARTBEAT_INTERVAL_MILLIS;
  private final ManualTime time = new ManualTime(1_700_000_000_000L);
  private final InProcessWorkers fleet = new InProcessWorkers();
  private final Coordinator coordinator = new Coordinator(time, time, CoordinatorConfig.fromEnv(Map.of(
      "NUM_USERS", "100", "COORDINATOR_SETTLE_MS", "0", "WORKER_LEASE_MS", String.valueOf(LEASE),
      "WORKER_LOST_AFTER_MS", "4000")), fleet, "node-c", "coordinator-test");

  /** Until {@code untilMillis}: ticks every 500 ms with these cluster members, beats from {@code beating}. */
  private void runUntil(long untilMillis, Set<String> members, Set<String> beating) {
    while (time.nanoTime() / 1_000_000 < untilMillis) {
      time.advance(100);
      long now = time.nanoTime() / 1_000_000;
      if (now % 1000 == 0) {
        beating.forEach(id -> coordinator.onHeartbeat(new Heartbeat(id, "node-" + id, fleet.worker(id).epoch, false)));
      }
      if (now % Coordinator.TICK_MILLIS == 0) {
        coordinator.tick(members);
      }
    }
  }

  @Test
  void aWorkerWhoseNodeLeftKeepsItsUsersUntilItsLeaseEnds() {
    Set<String> both = Set.of("node-w1", "node-w2");
    runUntil(START, Set.of(), Set.of());
    for (String id : new String[] {"w1", "w2"}) {
      coordinator.onRegister(new Registration(id, "node-" + id, "127.0.0.1", 1, 0, 0, UserRange.EMPTY, "inc-" + id),
          both);
    }
    time.runDue();
    runUntil(START + 1000, both, Set.of("w1", "w2")); // w2's last renewal: at 1000 ms
    assertThat(fleet.worker("w2").users).isEqualTo(UserRange.of(51, 100));

    runUntil(START + 1500, Set.of("node-w1"), Set.of("w1")); // its node leaves: lost at the 1500 ms tick
    assertThat(coordinator.registry().get("w2").isLive()).isFalse();
    runUntil(START + 1000 + LEASE, Set.of("node-w1"), Set.of("w1"));
    assertThat(fleet.worker("w1").users).as("at the end of w2's lease: not yet").isEqualTo(UserRange.of(1, 50));
    assertThat(coordinator.rebalancing()).as("waiting for the lease").isTrue();

    runUntil(START + 1000 + LEASE + 100, Set.of("node-w1"), Set.of("w1")); // the lease plus a 50 ms margin
    assertThat(fleet.worker("w1").users).isEqualTo(UserRange.of(1, 100));
    assertThat(coordinator.registry().get("w2").heldUsers()).as("released").isEqualTo(UserRange.EMPTY);
    assertThat(coordinator.rebalancing()).isFalse();
    long last = 0;
    for (Assignment a : fleet.assignments) {
      assertThat(a.epoch()).as("epochs increase").isGreaterThan(last);
      last = a.epoch();
    }
  }
}
