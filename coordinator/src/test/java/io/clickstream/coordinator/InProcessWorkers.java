package io.clickstream.coordinator;

import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.RateChange;
import io.clickstream.protocol.UserRange;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Workers in the test's thread, answering as the worker side of the protocol does (CoordinatorInbox): an
 * assignment is taken when its epoch is newer than the held one; a rate change is applied when its epoch is
 * the held one and its seq is above every seq admitted before from that coordinator, whatever the epoch (a
 * duplicate is answered applied=false). Messages can be
 * held in flight ({@link #hold}) and delivered later in any order, to let them cross; rate changes can be
 * made to fail.
 */
final class InProcessWorkers implements WorkerChannel {
  /** One worker's state, as its generator would hold it. */
  static final class Worker {
    long epoch;
    UserRange users = UserRange.EMPTY;
    double rate;
    boolean paused;
    long lastSeq;
    int assignments;
    int rateChanges;
  }

  final Map<String, Worker> workers = new TreeMap<>();
  final List<Assignment> assignments = new ArrayList<>();
  final List<RateChange> rateChanges = new ArrayList<>();
  private final List<Runnable> inFlight = new ArrayList<>();
  private boolean hold;
  /** Rate changes fail (as a send timeout would) while true. */
  boolean failRateChanges;

  Worker worker(String id) {
    return workers.computeIfAbsent(id, k -> new Worker());
  }

  /** From now on messages stay in flight until delivered; false delivers new ones at once. */
  void hold(boolean holdMessages) {
    hold = holdMessages;
  }

  int inFlight() {
    return inFlight.size();
  }

  /** Delivers one message in flight, chosen by {@code index}; its answer reaches the coordinator at once. */
  void deliver(int index) {
    inFlight.remove(index).run();
  }

  /** Delivers everything in flight, also what the coordinator sends meanwhile, in order. */
  void deliverAll() {
    while (!inFlight.isEmpty()) {
      deliver(0);
    }
  }

  double totalRate() {
    return workers.values().stream().filter(w -> !w.paused).mapToDouble(w -> w.rate).sum();
  }

  @Override
  public Future<AssignmentAck> send(Assignment a) {
    assignments.add(a);
    Worker w = worker(a.workerId());
    return answer(() -> {
      if (a.epoch() <= w.epoch) {
        return new AssignmentAck(a.workerId(), w.epoch, false);
      }
      w.epoch = a.epoch();
      w.users = a.users();
      w.rate = a.eventsPerSecond();
      w.paused = a.paused();
      w.assignments++;
      return new AssignmentAck(a.workerId(), w.epoch, true);
    });
  }

  @Override
  public Future<RateChange.Ack> send(RateChange change) {
    rateChanges.add(change);
    if (failRateChanges) {
      return Future.failedFuture("timed out");
    }
    Worker w = worker(change.workerId());
    return answer(() -> {
      if (change.epoch() != w.epoch || change.seq() <= w.lastSeq) {
        return new RateChange.Ack(change.workerId(), w.epoch, false);
      }
      w.lastSeq = change.seq();
      w.rate = change.eventsPerSecond();
      w.paused = change.paused();
      w.rateChanges++;
      return new RateChange.Ack(change.workerId(), w.epoch, true);
    });
  }

  /** The worker acts on the message when it is delivered and answers at once. */
  private <T> Future<T> answer(Supplier<T> act) {
    if (!hold) {
      return Future.succeededFuture(act.get());
    }
    Promise<T> promise = Promise.promise();
    inFlight.add(() -> promise.complete(act.get()));
    return promise.future();
  }
}
