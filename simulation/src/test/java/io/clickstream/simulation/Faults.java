package io.clickstream.simulation;

import io.clickstream.coordinator.rate.TrafficShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The seeded schedule of member faults and commands: workers join, leave gracefully, are killed (and
 * restarted under the same WORKER_ID), freeze and resume; the coordinator freezes or is restarted as a new
 * incarnation; the rate is set, ramped, shaped, paused and resumed. One fault every
 * {@code meanFaultGapMillis} on average (exponential gaps) until the chaos phase ends.
 */
final class Faults {
  private final ClusterSimulation sim;
  private final SimParams params;
  private final SimScheduler scheduler;
  private int workerNames;
  private int coordinatorIncarnations;
  /** Per worker name, how many processes have had it (node ids stay unique). */
  private final java.util.Map<String, Integer> incarnations = new java.util.HashMap<>();

  Faults(ClusterSimulation sim, SimParams params) {
    this.sim = sim;
    this.params = params;
    this.scheduler = sim.scheduler();
  }

  void start() {
    startCoordinator();
    for (int i = 0; i < params.initialWorkers(); i++) {
      String name = "w" + ++workerNames;
      scheduler.after(null, scheduler.between(0, 2000) * 1_000_000L, () -> startWorker(name));
    }
    next();
  }

  private void next() {
    long gap = (long) (-Math.log(1 - scheduler.random.nextDouble()) * params.meanFaultGapMillis());
    if (scheduler.nowMillis() + gap < params.chaosMillis()) {
      scheduler.after(null, gap * 1_000_000L, () -> {
        inject();
        next();
      });
    }
  }

  private void inject() {
    List<SimWorker> running = new ArrayList<>();
    for (SimWorker w : sim.liveWorkers()) {
      if (!w.draining()) {
        running.add(w);
      }
    }
    SimWorker victim = running.isEmpty() ? null : running.get(scheduler.random.nextInt(running.size()));
    switch (scheduler.random.nextInt(12)) {
      case 0, 1 -> {
        if (sim.liveWorkers().size() < params.maxWorkers()) {
          startWorker("w" + ++workerNames);
        }
      }
      case 2 -> {
        if (victim != null) {
          leave(victim);
        }
      }
      case 3 -> {
        if (victim != null) {
          kill(victim);
        }
      }
      case 4 -> restartKilledWorker();
      case 5, 6 -> {
        if (victim != null) {
          freeze(victim.member, "worker " + victim.member.name);
        }
      }
      case 7 -> freeze(sim.coordinator().member, "coordinator " + sim.coordinator().coordinator.id());
      case 8 -> restartCoordinator();
      case 9 -> setRate();
      case 10 -> startShape();
      default -> onCoordinator("pause/resume", c -> c.coordinator.setPaused(!c.coordinator.paused()));
    }
  }

  private void startCoordinator() {
    String id = "coordinator-" + ++coordinatorIncarnations;
    Member member = new Member("c" + coordinatorIncarnations, "node-c" + coordinatorIncarnations, scheduler,
        scheduler.between(0, 1L << 40), skew());
    SimCoordinator c = new SimCoordinator(member, id, sim.config(), sim.network(), sim.membership(), sim.trace(),
        (from, a) -> {
          sim.invariants().onIssued(from, a);
          sim.trace().detail(from.member.name + " -> " + a.workerId() + " epoch " + a.epoch() + " users " + a.users()
              + String.format(Locale.ROOT, " %.1f/s", a.eventsPerSecond()) + (a.paused() ? " paused" : "")
              + " notBefore " + a.notBeforeMillis());
        });
    sim.membership().join(member.nodeId);
    sim.addCoordinator(c);
    c.start();
    sim.fault("start " + id + " on " + member.nodeId);
  }

  private void startWorker(String name) {
    int incarnation = incarnations.merge(name, 1, Integer::sum);
    Member member = new Member(name + "#" + incarnation, "node-" + name + "-" + incarnation, scheduler,
        scheduler.between(0, 1L << 40), skew());
    SimWorker[] self = new SimWorker[1];
    self[0] = new SimWorker(member, name, sim.network(), sim.membership(), params, scheduler, sim.trace(),
        () -> scheduler.after(null, 0, () -> die(self[0], "exits: refused as a duplicate WORKER_ID")),
        sim.brokenLeases());
    sim.membership().join(member.nodeId);
    sim.addWorker(self[0]);
    sim.fault("start worker " + member.name + " on " + member.nodeId);
    member.execute(() -> self[0].link.start());
  }

  /** Graceful stop: drain (generation stops, the heartbeats say so), then the process leaves a bit later. */
  private void leave(SimWorker w) {
    sim.fault("stop " + w.member.name + " gracefully (draining)");
    w.member.execute(w::drain);
    scheduler.after(w.member, scheduler.between(200, 6000) * 1_000_000L, () -> {
      w.link.stop();
      die(w, "left after draining");
    });
  }

  private void kill(SimWorker w) {
    die(w, "killed (kill -9)");
  }

  private void die(SimWorker w, String how) {
    if (w.member.dead()) {
      return;
    }
    w.member.kill();
    sim.membership().leave(w.member.nodeId);
    sim.workerDied(w);
    sim.fault(w.member.name + " " + how);
  }

  /** A supervisor restarts a killed worker under its WORKER_ID, as a new process on a new node. */
  private void restartKilledWorker() {
    for (SimWorker w : sim.workers()) {
      boolean running = sim.liveWorkers().stream().anyMatch(l -> l.workerId.equals(w.workerId));
      if (w.member.dead() && !running && sim.liveWorkers().size() < params.maxWorkers()) {
        startWorker(w.workerId);
        return;
      }
    }
  }

  private void freeze(Member m, String what) {
    if (m.dead() || m.frozen()) {
      return;
    }
    long millis = scheduler.between(50, 2 * params.lostAfterMillis());
    m.freeze();
    sim.fault("freeze " + what + " for " + millis + " ms");
    // Frozen past the cluster's failure detection, it is dropped from the others' views (Hazelcast).
    scheduler.after(null, params.failureDetectionMillis() * 1_000_000L, () -> {
      if (m.frozen() && !m.dead()) {
        sim.membership().expel(m.nodeId);
        sim.fault("the cluster drops frozen " + what);
      }
    });
    scheduler.after(null, millis * 1_000_000L, () -> {
      if (!m.dead()) {
        m.resume();
        sim.membership().readmit(m.nodeId);
        sim.fault("resume " + what);
      }
    });
  }

  /** The old process is killed; the new one starts after a while with a new id and node. */
  private void restartCoordinator() {
    SimCoordinator old = sim.coordinator();
    if (old.member.dead()) {
      return;
    }
    old.member.kill();
    sim.membership().leave(old.member.nodeId);
    sim.fault("kill " + old.coordinator.id());
    scheduler.after(null, scheduler.between(0, 3000) * 1_000_000L, this::startCoordinator);
  }

  private void setRate() {
    double rate = scheduler.between(0, 1000);
    double ramp = scheduler.chance(0.5) ? 0 : scheduler.between(1, 5000) / 1000.0;
    onCoordinator(String.format(Locale.ROOT, "rate %.0f/s ramp %.1fs", rate, ramp),
        c -> c.coordinator.setRate(rate, ramp));
  }

  private void startShape() {
    long duration = scheduler.between(1000, 20_000);
    double low = scheduler.between(0, 500);
    double high = low + scheduler.between(1, 500);
    TrafficShape shape = switch (scheduler.random.nextInt(3)) {
      case 0 -> new TrafficShape.Sine(low, high, Math.max(1000, duration / 3), duration);
      case 1 -> new TrafficShape.Step(low, high, 1 + scheduler.random.nextInt(5), duration);
      default -> new TrafficShape.Spike(low, high, duration / 3, duration / 4, duration);
    };
    onCoordinator("shape " + shape.toJson().encode(), c -> c.coordinator.startShape(shape));
  }

  /** A command arrives over HTTP: it runs on the coordinator's loop (later if that is frozen). */
  private void onCoordinator(String what, java.util.function.Consumer<SimCoordinator> command) {
    SimCoordinator c = sim.coordinator();
    if (c.member.dead()) {
      return;
    }
    sim.fault("command " + what);
    c.member.execute(() -> command.accept(c));
  }

  private long skew() {
    return scheduler.between(-params.maxSkewMillis(), params.maxSkewMillis());
  }
}
