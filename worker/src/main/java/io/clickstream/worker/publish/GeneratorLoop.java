package io.clickstream.worker.publish;

import io.clickstream.worker.cluster.Holding;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.truth.PartitionMarks;
import io.clickstream.worker.truth.TruthRecorder;
import io.clickstream.protocol.TruthReport;
import io.clickstream.worker.stats.WorkerStats;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot loop, on a thread of its own: it asks the {@link RatePacer} how many events are due, has the
 * {@link ClickSimulator} make them, holds the late ones in a {@link LateEventQueue} and hands the rest to
 * the Kafka producer. A dedicated thread rather than an event-loop timer because {@code send()} may block
 * when the producer's buffer is full: that blocking is the back-pressure that keeps memory bounded while
 * the broker is slow or away, and it must never happen on an event loop.
 *
 * <p>Every change comes in as a command run on this thread between events, so the simulator and pacer
 * are never shared. Before each event the loop checks the lease (monotonic clock): a worker that was
 * frozen or cut off stops producing by itself before its users are handed to another worker.
 */
public final class GeneratorLoop implements io.clickstream.worker.cluster.LeasedGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(GeneratorLoop.class);
  private static final int MAX_BATCH = 512;
  private static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(15);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final long WAIT_FOR_NEXT_MILLISECOND_NANOS = 250_000;

  private final ClickSimulator simulator;
  /** Null when TRUTH=off. */
  private final TruthRecorder truth;
  private final PartitionMarks marks;
  /** The walk along the virtual clock's slots; null on the wall clock. */
  private final VirtualSlots virtualSlots;
  /** The population's size when the coordinator does not say it (NUM_USERS). */
  private final int defaultPopulation;
  private final long sessionGapMillis;
  private final long stopDrainNanos;

  private final RecordSink sink;
  private final WorkerStats stats;
  private final String workerId;
  /** This process's id in truth reports: a restarted worker with the same WORKER_ID starts afresh. */
  private final String incarnation = java.util.UUID.randomUUID().toString();
  private final RatePacer pacer = new RatePacer(1.0);
  private final LateEventQueue lateQueue = new LateEventQueue();
  private final Outlet outlet = new Outlet() {
    @Override
    public void emit(long nowNanos, long intendedNanos, long processingTime) {
      GeneratorLoop.this.emit(nowNanos, intendedNanos, processingTime);
    }

    @Override
    public void send(ClickEvent e, long intendedNanos, long processingTime, long earlyMillis) {
      GeneratorLoop.this.send(e, intendedNanos, processingTime, earlyMillis);
    }
  };
  private final LateDelivery lateDelivery = new LateDelivery(lateQueue, outlet, this::wallMillis);
  private final ClickEvent event = new ClickEvent();
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final Thread thread;
  /** Wall-clock epoch ms at {@link #nanoAnchor}: event times advance with the monotonic clock. */
  private final long wallAnchor;
  private final long nanoAnchor;

  private volatile Holding holding = Holding.NOTHING;
  /**
   * Production is allowed while {@code nanoTime() - leaseExpiryNanos < 0}. Never a sentinel like
   * Long.MIN_VALUE: the subtraction would overflow and read as a valid lease.
   */
  private volatile long leaseExpiryNanos = System.nanoTime();
  private volatile boolean stopping;
  /** A second signal or the deadline: what is still held goes out now, marked early. */
  private volatile boolean forced;
  private volatile boolean draining;
  /** Set once the thread is done: commands then answer from what it left (see {@link #submit}). */
  private volatile boolean finished;
  private volatile boolean producing;
  private long truthSeq;
  private volatile TruthReport lastTruth;
  /** The latest event time given to any user (generator thread only). */
  private long latestEventMillis;
  /** {@link #latestEventMillis} as of the last assignment applied: published with its completion. */
  private volatile long latestEventAtApply;
  private long skippedTurnsLogged;
  private long lastSkipLogNanos;

  /**
   * How the loop is built beyond its simulator and producer.
   *
   * @param recordHeaders which headers to stamp: see {@link RecordHeaders}
   * @param reuseValueArrays encode values into reused arrays; see {@link RecordSink}
   * @param stopDrainMillis how long a stop may wait for held-back late events to fall due (STOP_DRAIN_SECONDS)
   */
  public record Options(RecordHeaders recordHeaders, boolean reuseValueArrays, int partitions, TruthRecorder truth,
                        VirtualClock virtualClock, int defaultPopulation, long stopDrainMillis) {
  }

  public GeneratorLoop(ClickSimulator simulator, Producer<byte[], byte[]> producer, String topic,
                       String workerId, WorkerStats stats, Options options) {
    this.truth = options.truth();
    this.marks = new PartitionMarks(options.partitions());
    this.virtualSlots = options.virtualClock() == null ? null
        : new VirtualSlots(options.virtualClock(), simulator, lateQueue, lateDelivery, outlet, event);
    this.defaultPopulation = options.defaultPopulation();
    this.stopDrainNanos = TimeUnit.MILLISECONDS.toNanos(options.stopDrainMillis());
    this.sessionGapMillis = simulator.sessionTimeoutMillis();
    this.workerId = workerId;
    this.simulator = simulator;
    this.stats = stats;
    this.nanoAnchor = System.nanoTime();
    this.wallAnchor = System.currentTimeMillis();
    this.thread = new Thread(this::run, "clickstream-generator");
    this.thread.setDaemon(true);
    this.sink = new RecordSink(producer, topic, workerId, stats, marks, options.recordHeaders(),
        options.reuseValueArrays(), thread);
  }

  public void start() {
    thread.start();
  }

  /**
   * Applies a new holding. Completes once the loop has stopped every user it no longer holds (after
   * emitting the PURCHASE of a pending checkout), which is what makes it safe to give them to another
   * worker. Completes with false when the epoch is not newer than the one held.
   */
  public CompletableFuture<Boolean> apply(Holding next) {
    return apply(next, 0);
  }

  /**
   * {@link #apply(Holding)}, where the users new to this worker act only after {@code notBeforeMillis}: the
   * latest event time their previous owners gave them (see {@link io.clickstream.protocol.Assignment}).
   */
  public CompletableFuture<Boolean> apply(Holding next, long notBeforeMillis) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    submit(() -> {
      Holding current = holding;
      if (finished || next.epoch() <= current.epoch() && current != Holding.NOTHING) {
        done.complete(false);
        return;
      }
      long now = System.nanoTime();
      if (!next.users().equals(current.users())) {
        // Users who leave finish their payment here, before another worker can have them.
        completePayments(next.users());
        simulator.assign(next.users(), next.epoch(), notBeforeMillis);
        if (truth != null) {
          truth.assign(next.users());
        }
      }
      double rate = pacedRate(next);
      if (rate != pacer.rate()) {
        pacer.setRate(rate, now);
      }
      sink.epoch(next.epoch());
      holding = next;
      // Read by the acknowledgement once this completes: what the users it let go must come after.
      latestEventAtApply = latestEventMillis;
      done.complete(true);
    });
    return done;
  }

  /**
   * Drops the users it holds, keeping the epoch: used when the coordinator no longer knows this worker
   * (it was declared lost and its users went elsewhere). Without this, a later lease renewal would
   * bring the stale assignment back to life; only a newer assignment may give it users again.
   */
  public CompletableFuture<Void> release() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    submit(() -> {
      Holding current = holding;
      if (!finished && !current.users().isEmpty()) {
        completePayments(io.clickstream.protocol.UserRange.EMPTY);
        simulator.assign(io.clickstream.protocol.UserRange.EMPTY, current.epoch());
        if (truth != null) {
          truth.assign(io.clickstream.protocol.UserRange.EMPTY);
        }
        holding = new Holding(current.epoch(), io.clickstream.protocol.UserRange.EMPTY, 0, current.paused(),
            current.population());
      }
      // Told at the registration that follows: the users let go come after it on their next worker.
      latestEventAtApply = latestEventMillis;
      done.complete(null);
    });
    return done;
  }

  /** Allows production until the given System.nanoTime(); the lease. */
  public void leaseUntil(long expiryNanos) {
    leaseExpiryNanos = expiryNanos;
    LockSupport.unpark(thread);
  }

  /** Revokes the lease at once: nothing new is produced until a new one is granted. */
  public void revokeLease() {
    leaseExpiryNanos = System.nanoTime();
  }

  /** This process, as its truth reports and its registration name it. */
  public String incarnation() {
    return incarnation;
  }

  public Holding holding() {
    return holding;
  }

  /**
   * The latest event time this worker had given any user when it applied its last assignment: an upper
   * bound for the users it let go then, which their next owner must stay above.
   */
  public long latestEventAtApply() {
    return latestEventAtApply;
  }

  /** True when the loop is generating (holds users, not paused, lease valid). */
  public boolean producing() {
    return producing;
  }

  /** How long the send in progress has been blocked, in ms; 0 when not sending. */
  public double sendStallMillis() {
    return sink.sendStallMillis();
  }

  /** True when the generator thread died of an unexpected error. */
  public boolean failed() {
    return stopped.isCompletedExceptionally();
  }

  public int heldLateEvents() {
    return lateQueue.size();
  }

  /** True between a stop and the moment the held-back late events are all out. */
  public boolean draining() {
    return draining;
  }

  public int openSessions() {
    return simulator.openSessions();
  }

  /** True once a virtual clock reached END_TIME and everything held back has been sent. */
  public boolean virtualComplete() {
    return virtualSlots != null && virtualSlots.complete();
  }

  /**
   * The truth gathered since the previous report, cut on the generator thread between events (see
   * {@link TruthReport}). After {@link #stop()} completes it returns the last report, which says so.
   */
  public CompletableFuture<TruthReport> truthReport() {
    CompletableFuture<TruthReport> done = new CompletableFuture<>();
    submit(() -> done.complete(finished ? lastTruth : cutTruth(System.nanoTime(), false)));
    return done;
  }

  /**
   * Graceful stop: no new events, and the payments in progress complete now. On the wall clock the
   * held-back late events then go out at their due times, for at most the stop drain time (see
   * {@link Options#stopDrainMillis}) or until {@link #force()}; what is left then goes out at once,
   * marked with {@link #HEADER_SENT_EARLY} and counted as sent early. On the virtual clock they go out at
   * once, stamped with their due times, so the stream stays exact. Then the producer is flushed.
   * Completes when all of that is done.
   */
  public CompletableFuture<Void> stop() {
    stopping = true;
    LockSupport.unpark(thread);
    return stopped;
  }

  /** Ends a stop's wait: what is still held back goes out now, marked as sent early. */
  public void force() {
    forced = true;
    LockSupport.unpark(thread);
  }

  /**
   * Runs {@code command} on the generator thread between events; once the thread is done, on the caller's,
   * since nothing else would run it (commands check {@link #finished} and then touch no simulation state).
   */
  private void submit(Runnable command) {
    commands.add(command);
    LockSupport.unpark(thread);
    if (finished) {
      runCommands();
    }
  }

  /** The callbacks waiting on the stop: stays bounded however often the truth is asked for (a test reads it). */
  int stopDependents() {
    return stopped.getNumberOfDependents();
  }

  private void run() {
    try {
      while (!stopping) {
        runCommands();
        long nowNanos = System.nanoTime();
        if (virtualSlots == null) {
          lateDelivery.sendDueWall(wallMillis(nowNanos));
        }
        Holding h = holding;
        boolean mayProduce = !h.paused() && simulator.hasUsers() && nowNanos - leaseExpiryNanos < 0 && !virtualComplete();
        if (mayProduce != producing) {
          producing = mayProduce;
          if (mayProduce) {
            // Resuming: what fell due while stopped is not owed; start the schedule afresh.
            pacer.setRate(0, nowNanos);
            pacer.setRate(pacedRate(h), nowNanos);
          } else {
            completePayments(io.clickstream.protocol.UserRange.EMPTY);
          }
        }
        int generated = mayProduce ? generateDue(nowNanos) : 0;
        if (generated == 0) {
          park(nowNanos, mayProduce);
        }
      }
      runCommands();
      completePayments(io.clickstream.protocol.UserRange.EMPTY);
      producing = false;
      drainHeldEvents();
      LOG.info("Generator stopped: flushing the producer (at most {} s)", CLOSE_TIMEOUT.toSeconds());
      sink.close(CLOSE_TIMEOUT);
      lastTruth = cutTruth(System.nanoTime(), true);
      finish();
      stopped.complete(null);
    } catch (Throwable t) {
      LOG.error("Generator thread failed; no more events will be produced", t);
      producing = false;
      finish();
      stopped.completeExceptionally(t);
    }
  }

  /** From now on commands answer from what the thread left; the ones already queued run now. */
  private void finish() {
    draining = false;
    finished = true;
    runCommands();
  }

  /** The stop's wait for the held-back events (see {@link #stop()}). */
  private void drainHeldEvents() {
    if (virtualSlots != null) {
      int held = lateDelivery.sendAllAtDueTimes();
      LOG.info("Generator stopped: sent {} held-back late events at their due times (virtual clock)", held);
      return;
    }
    draining = lateQueue.size() > 0;
    lateDelivery.drain(stopDrainNanos, () -> forced, this::runCommands, marks.partitions());
    draining = false;
  }

  private void runCommands() {
    Runnable command;
    while ((command = commands.poll()) != null) {
      command.run();
    }
  }

  private int generateDue(long nowNanos) {
    int n = pacer.take(nowNanos, MAX_BATCH);
    for (int i = 0; i < n; i++) {
      long intended = pacer.intendedNanos(i, n);
      long now = System.nanoTime();
      if (now - leaseExpiryNanos >= 0) {
        // The lease ran out mid-batch (for example the thread was frozen): stop here.
        return i + 1;
      }
      if (virtualSlots == null) {
        long wall = wallMillis(now);
        if (simulator.next(wall, event)) {
          emit(now, intended, wall);
        } else {
          // Every user acted in this millisecond already or is paying (a burst after a late wake-up): the rest
          // of the batch stays due for the next millisecond instead of being lost, so the rate holds.
          pacer.giveBack(n - i);
          LockSupport.parkNanos(this, WAIT_FOR_NEXT_MILLISECOND_NANOS);
          return i + 1;
        }
      } else if (!virtualSlots.next(now, intended, population())) {
        producing = false;
        return i + 1;
      }
    }
    logSkippedTurns();
    return n;
  }

  /** Turns postponed because every user was busy in that millisecond: at debug level, every 10 s at most. */
  private void logSkippedTurns() {
    long skipped = simulator.skippedTurns();
    long now = System.nanoTime();
    if (skipped != skippedTurnsLogged && now - lastSkipLogNanos > TimeUnit.SECONDS.toNanos(10)) {
      LOG.debug("{} turns waited for the next millisecond: every user was paying or had an event in it already (a"
          + " user's events are at least 1 ms apart)", skipped - skippedTurnsLogged);
      skippedTurnsLogged = skipped;
      lastSkipLogNanos = now;
    }
  }

  /** The event just simulated: counted, then held back if late or sent now. */
  private void emit(long nowNanos, long intendedNanos, long processingTime) {
    // One key array per event, shared by the partition, the record and a held-back copy.
    event.key = Ids.userKey(event.user);
    event.partition = marks.partitions() == 1 ? 0 : Ids.partitionOfKey(event.key, marks.partitions());
    boolean late = event.isLate();
    latestEventMillis = Math.max(latestEventMillis, event.eventTime);
    stats.generated(event.type, late);
    if (truth != null) {
      truth.generated(event);
    }
    if (late) {
      lateQueue.hold(event);
    } else {
      send(event, intendedNanos, processingTime, 0);
    }
  }

  /** The rate to pace at: on the virtual clock every worker walks every slot, so the whole cluster's rate. */
  private double pacedRate(Holding h) {
    if (virtualSlots == null || h.users().isEmpty()) {
      return h.eventsPerSecond();
    }
    return h.eventsPerSecond() * population() / h.users().size();
  }

  /** The population's size: as the coordinator says, or NUM_USERS. */
  private int population() {
    return holding.population() > 0 ? holding.population() : defaultPopulation;
  }

  /** The event clock: the earliest event time anything generated from now on can have. */
  private long clockMillis(long nowNanos) {
    return virtualSlots == null ? wallMillis(nowNanos) : virtualSlots.clockMillis();
  }

  private TruthReport cutTruth(long nowNanos, boolean last) {
    long clock = last ? Long.MAX_VALUE : clockMillis(nowNanos);
    // A payment in progress may be cut short (a pause, a move, a lease run out) and its PURCHASE dated just
    // after its checkout: nothing is final after that time yet.
    long pending = simulator.earliestPendingPurchaseMillis();
    long markClock = Math.min(pending, virtualSlots == null ? wallMillis(nowNanos) : clock);
    clock = Math.min(clock, pending);
    if (virtualSlots != null && !simulator.hasUsers() && lateQueue.size() == 0 && !last) {
      // On the virtual clock a worker without users does not walk the slots: its clock stands still and
      // would hold back every window of the cluster. It has nothing to send (membership is fixed in a
      // seed-exact run), so it bounds nothing.
      clock = Long.MAX_VALUE;
    }
    LateEventQueue.Bounds held = lateQueue.bounds(marks.partitions());
    long completeBefore = last ? Long.MAX_VALUE : Math.min(clock, held.minEventTime());
    TruthRecorder.Cut cut = truth == null ? new TruthRecorder.Cut(List.of(), List.of(), List.of())
        : last ? truth.finish() : truth.cut(clock, completeBefore);
    return new TruthReport(workerId, incarnation, ++truthSeq, holding.epoch(), completeBefore, clock, sessionGapMillis,
        last ? Long.MIN_VALUE : held.maxDueMillis(), last, cut.windows(), cut.sessions(), cut.starts(),
        marks.cut(markClock, held.minEventTimeByPartition()));
  }

  /**
   * Cuts short the payments of the users outside {@code keep} (all for an empty range): every CHECKOUT
   * gets its PURCHASE before anything can interrupt the session (a pause, a move, a stop).
   */
  private void completePayments(io.clickstream.protocol.UserRange keep) {
    if (simulator.paymentsInProgress() == 0) {
      return;
    }
    long now = System.nanoTime();
    // With the lease run out (frozen during the payment), the users may be another worker's by now: the
    // purchase is dated just after its checkout, before any handover, never after it. On the virtual
    // clock it is dated by that clock.
    long time = now - leaseExpiryNanos >= 0 ? Long.MIN_VALUE
        : virtualSlots == null ? wallMillis(now) : Math.min(clockMillis(now), virtualSlots.endMillis() - 1);
    for (int user : simulator.endPaymentsOutside(keep)) {
      simulator.completePayment(user, time, event);
      emit(now, now, virtualSlots == null ? wallMillis(now) : event.eventTime);
    }
  }

  /** @param earlyMillis how long before its due time a held-back event goes out; 0 when on time */
  private void send(ClickEvent e, long intendedNanos, long processingTime, long earlyMillis) {
    if (truth != null) {
      truth.sent(e, processingTime, holding.epoch());
    }
    if (earlyMillis > 0) {
      stats.sentEarly();
    }
    sink.send(e, intendedNanos, processingTime, earlyMillis);
  }

  private void park(long nowNanos, boolean mayProduce) {
    long wait = IDLE_PARK_NANOS;
    if (mayProduce) {
      wait = Math.min(wait, pacer.nextDueNanos() - nowNanos);
    }
    // On the virtual clock held events fall due with the slots, not with the wall clock.
    if (virtualSlots == null) {
      wait = Math.min(wait, lateDelivery.nanosUntilNextDue(nowNanos));
    }
    if (wait > 0) {
      LockSupport.parkNanos(this, wait);
    }
  }

  private long wallMillis(long nanos) {
    return wallAnchor + (nanos - nanoAnchor) / 1_000_000L;
  }
}
