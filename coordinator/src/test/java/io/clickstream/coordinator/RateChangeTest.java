package io.clickstream.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clickstream.coordinator.rate.TrafficShape;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.RateChange;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.UserRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rate changes, shape steps and pause travel as {@link RateChange} messages for the epoch each worker holds:
 * no new epochs, no rebalance. One that crosses a rebalance, is refused or fails is sent again until every
 * worker holds the current rate. On fake time and in-process workers: no Vert.x, no sleeping.
 */
class RateChangeTest {
  private static final int USERS = 100;
  private final ManualTime time = new ManualTime(1_700_000_000_000L);
  private final InProcessWorkers fleet = new InProcessWorkers();
  private final Coordinator coordinator = new Coordinator(time, time, CoordinatorConfig.fromEnv(Map.of(
      "NUM_USERS", String.valueOf(USERS), "EVENTS_PER_SECOND", "1000", "COORDINATOR_SETTLE_MS", "0")),
      fleet, "node-c", "coordinator-test");

  /** A coordinator grants nothing for its first lease and heartbeat (see Rebalancer): tests start then. */
  @org.junit.jupiter.api.BeforeEach
  void settle() {
    run(coordinator.config().leaseMillis() + io.clickstream.protocol.Protocol.HEARTBEAT_INTERVAL_MILLIS);
  }

  private void register(String id) {
    coordinator.onRegister(new Registration(id, "node-" + id, "127.0.0.1", 1, 0, 0, UserRange.EMPTY, "inc-" + id));
    time.runDue();
  }

  /** Time passes in 100 ms steps: the coordinator ticks every 500 ms, workers beat every second. */
  private void run(long millis, Runnable eachStep) {
    for (long t = 0; t < millis; t += 100) {
      time.advance(100);
      long now = time.nanoTime() / 1_000_000;
      if (now % Coordinator.TICK_MILLIS == 0) {
        coordinator.tick(null);
      }
      if (now % 1000 == 0) {
        fleet.workers.forEach((id, w) -> coordinator.onHeartbeat(new Heartbeat(id, "node-" + id, w.epoch, false)));
      }
      eachStep.run();
    }
  }

  private void run(long millis) {
    run(millis, () -> { });
  }

  private void assertEveryWorkerHoldsTheCurrentRate() {
    fleet.workers.forEach((id, w) -> {
      if (!w.users.isEmpty()) {
        assertThat(w.rate).as("rate of " + id).isCloseTo(coordinator.effectiveRate() * w.users.size() / USERS, within(1e-6));
        assertThat(w.paused).as("paused of " + id).isEqualTo(coordinator.paused());
      }
    });
  }

  @Test
  void shapeStepsTravelAsRateChangesWithoutNewEpochsOrRebalances() {
    register("w1");
    register("w2");
    run(1000);
    assertThat(fleet.worker("w1").users.size()).isEqualTo(50);
    long epoch = coordinator.epoch();
    long rebalances = coordinator.rebalances();
    int assignments = fleet.assignments.size();

    coordinator.startShape(new TrafficShape.Ramp(1000, 3000, 10_000));
    run(11_000, () -> assertThat(coordinator.rebalancing()).as("rebalancing during a shape").isFalse());

    assertThat(coordinator.shape()).as("the ramp is over").isNull();
    assertThat(coordinator.epoch()).isEqualTo(epoch);
    assertThat(coordinator.rebalances()).isEqualTo(rebalances);
    assertThat(fleet.assignments).hasSize(assignments);
    assertThat(fleet.worker("w1").rateChanges).as("steps applied by w1").isGreaterThan(15);
    assertThat(fleet.totalRate()).isCloseTo(3000, within(1e-6));
    assertEveryWorkerHoldsTheCurrentRate();
    long lastSeq = 0;
    for (RateChange change : fleet.rateChanges.stream().filter(c -> c.workerId().equals("w2")).toList()) {
      assertThat(change.seq()).as("seq to w2").isGreaterThan(lastSeq);
      assertThat(change.epoch()).isEqualTo(fleet.worker("w2").epoch);
      lastSeq = change.seq();
    }
  }

  @Test
  void pauseAndResumeAreRateChanges() {
    register("w1");
    run(1000);
    long epoch = coordinator.epoch();
    coordinator.setPaused(true);
    assertThat(fleet.worker("w1").paused).isTrue();
    assertThat(fleet.totalRate()).isZero();
    coordinator.setRate(2000, 0);
    coordinator.setPaused(false);
    assertThat(fleet.worker("w1").paused).isFalse();
    assertThat(fleet.totalRate()).isCloseTo(2000, within(1e-6));
    assertThat(coordinator.epoch()).isEqualTo(epoch);
  }

  /** The grants are made at the old rate and arrive after the change for the old epoch: the tick sends it again. */
  @Test
  void aRateChangeThatCrossesARebalanceIsNotLost() {
    register("w1");
    run(1000);
    fleet.hold(true);
    register("w2");
    fleet.deliver(0); // w1's revocation; the grants go out at 1000 events/s
    assertThat(fleet.inFlight()).isEqualTo(2);
    coordinator.setRate(2000, 0); // to w1 for the epoch of its revocation, behind the grants
    assertThat(fleet.inFlight()).isEqualTo(3);
    fleet.deliverAll();
    assertThat(fleet.rateChanges.get(fleet.rateChanges.size() - 1).epoch()).isLessThan(fleet.worker("w1").epoch);
    assertThat(fleet.totalRate()).as("both hold the grants' rate").isCloseTo(1000, within(1e-6));

    fleet.hold(false);
    run(500);
    assertThat(fleet.totalRate()).isCloseTo(2000, within(1e-6));
    assertEveryWorkerHoldsTheCurrentRate();
  }

  /**
   * The other order: w1 admits the change at the epoch of its revocation, then takes its grant, made at the
   * old rate. The worker refuses a seq it admitted before, so the change goes again under a new one.
   */
  @Test
  void aChangeAdmittedJustBeforeAGrantAtTheOldRateIsSentAgainUnderANewSeq() {
    register("w1");
    run(1000);
    fleet.hold(true);
    register("w2");
    fleet.deliver(0);
    coordinator.setRate(2000, 0);
    fleet.deliver(2); // the rate change, before the grants
    assertThat(fleet.worker("w1").rate).as("its share of 2000 for the 50 users it kept").isCloseTo(1000, within(1e-6));
    fleet.deliverAll();
    assertThat(fleet.worker("w1").rate).as("the grant's older rate").isCloseTo(500, within(1e-6));
    long admitted = fleet.worker("w1").lastSeq;

    fleet.hold(false);
    run(500);
    assertThat(fleet.worker("w1").lastSeq).isGreaterThan(admitted);
    assertThat(fleet.totalRate()).isCloseTo(2000, within(1e-6));
    assertEveryWorkerHoldsTheCurrentRate();
  }

  @Test
  void aWorkerThatDoesNotAnswerRateChangesIsAskedAgainAndNotDeclaredLost() {
    register("w1");
    run(1000);
    fleet.failRateChanges = true;
    coordinator.setRate(4000, 0);
    run(3000);
    assertThat(coordinator.registry().get("w1").isLive()).isTrue();
    assertThat(fleet.rateChanges).as("sent again on ticks").hasSizeGreaterThan(4);
    assertThat(fleet.totalRate()).isCloseTo(1000, within(1e-6));

    fleet.failRateChanges = false;
    run(500);
    assertThat(fleet.totalRate()).isCloseTo(4000, within(1e-6));
    int sent = fleet.rateChanges.size();
    run(2000);
    assertThat(fleet.rateChanges).as("nothing more once it holds the rate").hasSize(sent);
  }

  /**
   * Seeded random joins, drains, rate commands, shapes and pauses, with messages delivered in random order:
   * users never overlap at any step, and once messages flow again every worker holds its share of the
   * current rate, with users covered once.
   */
  @Test
  void randomSchedulesEndWithTheCurrentRateAndNeverOverlap() {
    // Thousands of joins and rate commands log at INFO: most of the test's time went to the console.
    List<ch.qos.logback.classic.Logger> loggers = java.util.stream.Stream.of(Coordinator.class, Rebalancer.class,
        io.clickstream.coordinator.rate.RateController.class)
        .map(c -> (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(c)).toList();
    loggers.forEach(l -> l.setLevel(ch.qos.logback.classic.Level.WARN));
    try {
      for (long seed = 1; seed <= 200; seed++) {
        runSchedule(seed);
      }
    } finally {
      loggers.forEach(l -> l.setLevel(null));
    }
  }

  private void runSchedule(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ManualTime clock = new ManualTime(1_700_000_000_000L);
    InProcessWorkers workers = new InProcessWorkers();
    Coordinator c = new Coordinator(clock, clock, CoordinatorConfig.fromEnv(Map.of("NUM_USERS", String.valueOf(USERS),
        "EVENTS_PER_SECOND", "1000", "COORDINATOR_SETTLE_MS", "0")), workers, "node-c", "coordinator-" + seed);
    Map<String, Boolean> draining = new HashMap<>();
    workers.hold(true);
    for (int step = 0; step < 200; step++) {
      int op = random.nextInt(12);
      if (op == 0 && draining.size() < 5) {
        String id = "w" + draining.size();
        draining.put(id, false);
        c.onRegister(new Registration(id, "node-" + id, "127.0.0.1", 1, 0, 0, UserRange.EMPTY, "inc-" + id));
      } else if (op == 1 && !draining.isEmpty() && random.nextInt(4) == 0) {
        String id = "w" + random.nextInt(draining.size());
        draining.put(id, true);
        c.onHeartbeat(new Heartbeat(id, "node-" + id, workers.worker(id).epoch, true));
      } else if (op == 2) {
        c.setRate(random.nextInt(5000), random.nextInt(3) == 0 ? random.nextInt(1, 5) : 0);
      } else if (op == 3) {
        c.setPaused(random.nextBoolean());
      } else if (op == 4) {
        c.startShape(new TrafficShape.Sine(100, 3000, 2000, 4000));
      } else if (op < 9 && workers.inFlight() > 0) {
        workers.deliver(random.nextInt(workers.inFlight()));
      } else {
        clock.advance(100);
        long now = clock.nanoTime() / 1_000_000;
        if (now % Coordinator.TICK_MILLIS == 0) {
          c.tick(null);
        }
        if (now % 1000 == 0) {
          draining.forEach((id, d) -> c.onHeartbeat(new Heartbeat(id, "node-" + id, workers.worker(id).epoch, d)));
        }
      }
      assertDisjoint(seed, workers);
    }
    workers.hold(false);
    for (int t = 0; t < 100; t++) {
      workers.deliverAll();
      clock.advance(100);
      if (t % 5 == 0) {
        c.tick(null);
        draining.forEach((id, d) -> c.onHeartbeat(new Heartbeat(id, "node-" + id, workers.worker(id).epoch, d)));
      }
    }
    assertDisjoint(seed, workers);
    int covered = 0;
    for (Map.Entry<String, InProcessWorkers.Worker> e : workers.workers.entrySet()) {
      InProcessWorkers.Worker w = e.getValue();
      covered += w.users.size();
      if (!w.users.isEmpty()) {
        assertThat(w.rate).as("seed " + seed + ": rate of " + e.getKey())
            .isCloseTo(c.effectiveRate() * w.users.size() / USERS, within(1e-6));
        assertThat(w.paused).as("seed " + seed + ": paused of " + e.getKey()).isEqualTo(c.paused());
      }
    }
    boolean anyProducer = draining.values().stream().anyMatch(d -> !d);
    assertThat(covered).as("seed " + seed + ": users covered").isEqualTo(anyProducer ? USERS : 0);
  }

  private static void assertDisjoint(long seed, InProcessWorkers workers) {
    List<UserRange> ranges = new ArrayList<>();
    workers.workers.values().forEach(w -> ranges.add(w.users));
    UserRange overlap = UserRange.EMPTY;
    for (int i = 0; i < ranges.size() && overlap.isEmpty(); i++) {
      for (int j = i + 1; j < ranges.size() && overlap.isEmpty(); j++) {
        overlap = ranges.get(i).intersect(ranges.get(j));
      }
    }
    // Described only on failure: building the message at every step cost most of the test's time.
    if (!overlap.isEmpty()) {
      assertThat(overlap).as("seed " + seed + ": users on two workers, of " + ranges).isEqualTo(UserRange.EMPTY);
    }
  }
}
