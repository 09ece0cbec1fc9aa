package io.clickstream.coordinator.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.Registration;
import io.clickstream.protocol.UserRange;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Liveness from heartbeats and the member list, duplicate ids, draining, and forgetting the long lost. */
class WorkerRegistryTest {
  private static final long MS = 1_000_000L;
  private static final long LOST_AFTER = 4000;
  private static final long LEASE = 3000;
  private final WorkerRegistry registry = new WorkerRegistry(LOST_AFTER);

  private static Registration registration(String id, String node, UserRange held) {
    return new Registration(id, node, "127.0.0.1", 7, 0, held.isEmpty() ? 0 : 3, held, "inc-" + node);
  }

  @Test
  void aSilentWorkerIsLostAfterLostAfterMillisNotBefore() {
    registry.register(registration("w1", "n1", UserRange.EMPTY), 0);
    assertThat(registry.expire(LOST_AFTER * MS, 10, null)).as("at exactly the limit").isEmpty();
    registry.heartbeat("w1", "n1", 3000 * MS);
    assertThat(registry.expire((3000 + LOST_AFTER) * MS, 10, null)).isEmpty();
    List<WorkerEntry> lost = registry.expire((3001 + LOST_AFTER) * MS, 12_345, null);
    assertThat(lost).extracting(WorkerEntry::id).containsExactly("w1");
    assertThat(lost.get(0).lostReason()).contains("missed heartbeats for 4000 ms");
    assertThat(lost.get(0).lostAtMillis()).isEqualTo(12_345);
    assertThat(registry.live()).isEmpty();
    assertThat(registry.heartbeat("w1", "n1", 9000 * MS)).as("a lost worker must register again").isNull();
  }

  @Test
  void aWorkerWhoseNodeLeftIsLostAtOnce() {
    registry.register(registration("w1", "n1", UserRange.EMPTY), 0);
    registry.register(registration("w2", "n2", UserRange.EMPTY), 0);
    List<WorkerEntry> lost = registry.expire(1, 0, Set.of("n2", "coordinator"));
    assertThat(lost).extracting(WorkerEntry::id).containsExactly("w1");
    assertThat(lost.get(0).lostReason()).isEqualTo("left the cluster");
    assertThat(registry.live()).extracting(WorkerEntry::id).containsExactly("w2");
  }

  @Test
  void aHeartbeatFromAnotherNodeIsNotTheRegisteredWorkers() {
    registry.register(registration("w1", "n1", UserRange.EMPTY), 0);
    assertThat(registry.heartbeat("w1", "n9", 1000 * MS)).isNull();
    assertThat(registry.heartbeat("unknown", "n1", 1000 * MS)).isNull();
    assertThat(registry.heartbeat("w1", "n1", 1000 * MS)).isNotNull();
  }

  @Test
  void registerSaysWhenThePartitionMustChange() {
    assertThat(registry.register(registration("w1", "n1", UserRange.EMPTY), 0)).as("new").isTrue();
    registry.get("w1").assigned(UserRange.of(1, 10), 5, 1);
    assertThat(registry.register(registration("w1", "n1", UserRange.of(1, 10)), 1)).as("holds what it was given")
        .isFalse();
    assertThat(registry.register(registration("w1", "n1", UserRange.of(1, 5)), 2)).as("holds something else")
        .isTrue();
    registry.markLost("w1", "test", 3);
    assertThat(registry.register(registration("w1", "n1", UserRange.of(1, 10)), 4)).as("back from lost").isTrue();
    assertThat(registry.get("w1").isLive()).isTrue();
  }

  @Test
  void aLateCopyOfARegistrationDoesNotEraseAnAssignmentSentSince() {
    registry.register(registration("w1", "n1", UserRange.EMPTY), 0);
    WorkerEntry entry = registry.get("w1");
    entry.assigned(UserRange.of(1, 10), 5, 1); // epoch 1 on its way, maybe applied, not yet answered
    // The same process's registration again (held epoch 0, nothing): a reply slow past its timeout. Taken,
    // it would ask for a new split planned as if the worker held nothing.
    assertThat(registry.register(registration("w1", "n1", UserRange.EMPTY), 1)).as("ignored").isFalse();
    assertThat(entry.sentEpoch()).isEqualTo(1);
    entry.acknowledged(UserRange.of(1, 10), 1, 0);
    assertThat(entry.heldUsers()).isEqualTo(UserRange.of(1, 10));
    // Declared lost, the same process registering afresh (it let its users go, at the epoch it holds) is taken.
    registry.markLost("w1", "test", 2);
    assertThat(registry.register(new Registration("w1", "n1", "127.0.0.1", 7, 0, 1, UserRange.EMPTY, "inc-n1"), 3))
        .isTrue();
    assertThat(registry.get("w1").heldUsers()).isEqualTo(UserRange.EMPTY);
  }

  @Test
  void aSecondProcessWithALiveWorkersIdIsRefusedAndTheSameProcessIsNot() {
    registry.register(registration("w1", "n1", UserRange.EMPTY), 0);
    assertThat(registry.duplicateOf(registration("w1", "n1", UserRange.EMPTY), 1, Set.of("n1"), LEASE)).isNull();
    String refusal = registry.duplicateOf(registration("w1", "n2", UserRange.EMPTY), 1, Set.of("n1", "n2"), LEASE);
    assertThat(refusal).contains("WORKER_ID w1 is in use by a live worker", "node n1", "from node n2");
  }

  @Test
  void anIdIsFreeOnlyOnceItsHolderIsLostGoneFromTheClusterAndPastItsLease() {
    registry.register(registration("w1", "n1", UserRange.of(1, 10)), 0);
    Registration other = registration("w1", "n2", UserRange.EMPTY);
    registry.markLost("w1", "test", 0);
    long leaseOver = (LEASE + 1) * MS;
    assertThat(registry.duplicateOf(other, leaseOver, Set.of("n1", "n2"), LEASE)).as("node still a member")
        .contains("lost but not yet gone", "still a cluster member");
    assertThat(registry.duplicateOf(other, (LEASE - 1) * MS, Set.of("n2"), LEASE)).as("lease still running")
        .contains("lost but not yet gone");
    assertThat(registry.duplicateOf(other, leaseOver, Set.of("n2"), LEASE)).isNull();
    assertThat(registry.duplicateOf(other, leaseOver, null, LEASE)).as("not clustered: heartbeats decide").isNull();
  }

  @Test
  void drainingStartsOnceAndEndsWithARegistration() {
    registry.register(registration("w1", "n1", UserRange.EMPTY), 0);
    WorkerEntry entry = registry.get("w1");
    assertThat(entry.startDraining()).isTrue();
    assertThat(entry.startDraining()).isFalse();
    assertThat(entry.draining()).isTrue();
    assertThat(registry.live()).as("a draining worker is live").containsExactly(entry);
    registry.register(registration("w1", "n1", UserRange.EMPTY), 1);
    assertThat(entry.draining()).isFalse();
  }

  @Test
  void forgetsOnlyWorkersLostBeforeTheInstantThatHoldNothing() {
    registry.register(registration("old", "n1", UserRange.EMPTY), 0);
    registry.register(registration("holding", "n2", UserRange.of(1, 10)), 0);
    registry.register(registration("recent", "n3", UserRange.EMPTY), 0);
    registry.register(registration("live", "n4", UserRange.EMPTY), 0);
    registry.markLost("old", "test", 1_000);
    registry.markLost("holding", "test", 1_000);
    registry.markLost("recent", "test", 5_000);
    registry.forgetLostBefore(2_000);
    assertThat(registry.get("old")).isNull();
    assertThat(registry.get("holding")).as("its users are not free yet").isNotNull();
    assertThat(registry.get("recent")).isNotNull();
    assertThat(registry.get("live")).isNotNull();
    registry.get("holding").released();
    registry.forgetLostBefore(2_000);
    assertThat(registry.get("holding")).isNull();
  }

  @Test
  void truthIsTakenFromTheRegisteredIncarnationOnly() {
    registry.register(registration("w1", "n1", UserRange.EMPTY), 0);
    assertThat(registry.truthRefusal("w1", "inc-n1")).isNull();
    assertThat(registry.truthRefusal("w1", "inc-n2")).contains("incarnation inc-n2 is not the registered one");
    assertThat(registry.truthRefusal("w9", "inc-n1")).contains("no worker of that id");
    registry.markLost("w1", "test", 0);
    assertThat(registry.truthRefusal("w1", "inc-n1")).as("a lost worker's part may still complete a window").isNull();
  }

  /**
   * Seeded random registrations, beats, node departures and expiries against a model: a worker is live
   * exactly when it registered or beat within LOST_AFTER and its node is a member, and live() is sorted.
   */
  @Test
  void seededSchedulesAgreeWithTheModel() {
    SplittableRandom random = new SplittableRandom(4);
    for (int round = 0; round < 300; round++) {
      WorkerRegistry r = new WorkerRegistry(LOST_AFTER);
      Map<String, Long> lastSeen = new HashMap<>();
      Map<String, Boolean> live = new HashMap<>();
      Set<String> members = new HashSet<>();
      long now = 0;
      for (int step = 0; step < 60; step++) {
        now += random.nextLong(0, 2500) * MS;
        String id = "w" + random.nextInt(6);
        String node = "n" + id;
        switch (random.nextInt(4)) {
          case 0 -> {
            members.add(node);
            r.register(registration(id, node, UserRange.EMPTY), now);
            lastSeen.put(id, now);
            live.put(id, true);
          }
          case 1 -> {
            boolean known = r.heartbeat(id, node, now) != null;
            assertThat(known).as("round " + round + " step " + step + ": beat of " + id)
                .isEqualTo(live.getOrDefault(id, false));
            if (known) {
              lastSeen.put(id, now);
            }
          }
          case 2 -> members.remove(node);
          default -> {
            Set<String> lost = new HashSet<>();
            r.expire(now, now / MS, members).forEach(w -> lost.add(w.id()));
            for (Map.Entry<String, Boolean> e : live.entrySet()) {
              boolean shouldGo = e.getValue() && (!members.contains("n" + e.getKey())
                  || now - lastSeen.get(e.getKey()) > LOST_AFTER * MS);
              assertThat(lost.contains(e.getKey())).as("round " + round + " step " + step + ": " + e.getKey() + " lost")
                  .isEqualTo(shouldGo);
              if (shouldGo) {
                e.setValue(false);
              }
            }
          }
        }
        List<String> ids = r.live().stream().map(WorkerEntry::id).toList();
        assertThat(ids).as("round " + round + ": live, sorted").isSorted()
            .containsExactlyInAnyOrderElementsOf(live.entrySet().stream().filter(Map.Entry::getValue)
                .map(Map.Entry::getKey).toList());
      }
    }
  }
}
