package io.clickstream.systemtest;

import static io.clickstream.systemtest.ClusterFixture.liveWorkers;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.testkit.JvmProcess;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Two processes with one WORKER_ID, on the real jars and a real multi-JVM cluster: while the first is
 * alive the second is refused by the coordinator and exits 2 naming the id, and the first keeps its users;
 * once the first is dead (kill -9), a process restarted under the same id is taken and gets the users back.
 */
class DuplicateWorkerIdIT {
  private static final int USERS = 60;

  @Test
  void aSecondProcessWithALiveWorkersIdExitsTwoAndARestartAfterACrashIsTaken() {
    try (ClusterFixture cluster = ClusterFixture.withBroker("DuplicateWorkerIdIT",
        Map.of("NUM_USERS", Integer.toString(USERS), "EVENTS_PER_SECOND", "30"))) {
      cluster.startCoordinator();
      JvmProcess first = cluster.startWorker(1);
      JsonObject before = cluster.awaitCoverage(USERS, List.of("worker-1"), Duration.ofSeconds(120));
      long firstPid = liveWorkers(before).get("worker-1").getLong("pid");

      long t = System.nanoTime();
      JvmProcess duplicate = cluster.startWorker(2, Map.of("WORKER_ID", "worker-1"));
      assertThat(duplicate.waitForExit(Duration.ofSeconds(120))).as(duplicate.logTail(30)).isEqualTo(2);
      cluster.figure("duplicate WORKER_ID refused and exited 2 in %.1f s from launch", (System.nanoTime() - t) / 1e9);
      assertThat(duplicate.logText()).contains("WORKER_ID worker-1 is already in use")
          .contains("WORKER_ID worker-1 is in use by a live worker").contains("pid " + first.pid());
      assertThat(cluster.coordinator().logText()).contains("Rejected a message on clickstream.coordinator.register: "
          + "WORKER_ID worker-1 is in use by a live worker");
      // The first never stopped owning its users: still the one live worker-1, same process, all users.
      assertThat(first.isAlive()).isTrue();
      JsonObject after = cluster.awaitCoverage(USERS, List.of("worker-1"), Duration.ofSeconds(30));
      assertThat(liveWorkers(after).get("worker-1").getLong("pid")).isEqualTo(firstPid);

      // The legitimate case: the same id restarted after the first died.
      first.signal("KILL");
      first.waitForExit(Duration.ofSeconds(30));
      t = System.nanoTime();
      JvmProcess restarted = cluster.startWorker(3, Map.of("WORKER_ID", "worker-1"));
      restarted.waitForLog(Pattern.compile("Registered with coordinator .* as worker-1"), Duration.ofSeconds(120));
      JsonObject back = cluster.awaitCoverage(USERS, List.of("worker-1"), Duration.ofSeconds(60));
      assertThat(liveWorkers(back).get("worker-1").getLong("pid")).isEqualTo(restarted.pid());
      cluster.figure("worker-1 restarted after kill -9: producing all users again %.1f s after launch",
          (System.nanoTime() - t) / 1e9);
    }
  }
}
