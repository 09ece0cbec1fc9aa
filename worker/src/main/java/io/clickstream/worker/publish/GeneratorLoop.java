package io.clickstream.worker.publish;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.TruthReport;
import io.clickstream.protocol.UserRange;
import io.clickstream.worker.cluster.Holding;
import io.clickstream.worker.cluster.LeasedGenerator;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.stats.GeneratorGauges;
import io.clickstream.worker.stats.WorkerStats;
import io.clickstream.worker.truth.PartitionMarks;
import io.clickstream.worker.truth.TruthTap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot loop, on a thread of its own: it has the {@link PacedBatches} make the events the
 * {@link RatePacer} says are due, on the {@link EventClock} (wall or virtual), and the {@link EventOutlet}
 * hold the late ones back and hand the rest to the {@link RecordSink}. A dedicated thread rather than an
 * event-loop timer because {@code send()} may block when the producer's buffer is full: that blocking is
 * the back-pressure that keeps memory bounded while the broker is slow or away, and it must never happen
 * on an event loop.
 *
 * <p>Every change comes in through the {@link Mailbox}, run on this thread between events, and changes
 * the {@link CurrentHolding}. Before each
 * event the loop checks the lease (monotonic clock): a worker that was frozen or cut off stops producing
 * by itself before its users are handed to another worker.
 */
public final class GeneratorLoop implements LeasedGenerator, GeneratorGauges {
  private static final Logger LOG = LoggerFactory.getLogger(GeneratorLoop.class);
  private static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(15);

  private final Clock clock;
  private final ClickSimulator simulator;
  private final EventClock eventClock;
  private final RecordSink sink;
  /** This process's id in truth reports: a restarted worker with the same WORKER_ID starts afresh. */
  private final String incarnation = java.util.UUID.randomUUID().toString();
  private final RatePacer pacer = new RatePacer(1.0);
  private final LateEventQueue lateQueue = new LateEventQueue();
  private final ClickEvent event = new ClickEvent();
  private final EventOutlet outlet;
  private final TruthCuts truthCuts;
  private final PacedBatches batches;
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final Thread thread;
  private final Mailbox mailbox;

  private final LeaseGate lease;
  private final CurrentHolding holding;
  private volatile boolean stopping;
  /** A second signal or the deadline: what is still held goes out now, marked early. */
  private volatile boolean forced;
  private volatile boolean draining;
  private volatile boolean producing;
  private volatile TruthReport lastTruth;

  /**
   * How the loop is built beyond its simulator and producer.
   *
   * @param recordHeaders which headers to stamp: see {@link RecordHeaders}
   * @param reuseValueArrays encode values into reused arrays; see {@link RecordSink}
   * @param truth the ground truth's tap; null for {@link TruthTap#OFF}
   * @param virtualClock the virtual clock (CLOCK=virtual); null for the wall clock
   * @param stopDrainMillis how long a stop may wait for held-back late events to fall due (STOP_DRAIN_SECONDS)
   */
  public record Options(RecordHeaders recordHeaders, boolean reuseValueArrays, int partitions, TruthTap truth,
                        VirtualClock virtualClock, int defaultPopulation, long stopDrainMillis,
                        io.clickstream.worker.format.ValueEncoding valueEncoding) {
  }

  public GeneratorLoop(ClickSimulator simulator, Producer<byte[], byte[]> producer, String topic,
                       String workerId, WorkerStats stats, Options options, Clock clock) {
    this.clock = clock;
    this.lease = new LeaseGate(clock);
    TruthTap truth = options.truth() == null ? TruthTap.OFF : options.truth();
    PartitionMarks marks = new PartitionMarks(options.partitions());
    this.simulator = simulator;
    this.thread = new Thread(this::run, "clickstream-generator");
    this.thread.setDaemon(true);
    this.mailbox = new Mailbox(thread);
    this.sink = new RecordSink(producer, topic, workerId, stats, marks, options.recordHeaders(),
        options.reuseValueArrays(), thread, clock, options.valueEncoding().newEncoder());
    this.outlet = new EventOutlet(event, marks, stats, truth, lateQueue, sink, () -> holding().epoch());
    WallEventClock.Anchor anchor = WallEventClock.Anchor.of(clock);
    LateDelivery lateDelivery = new LateDelivery(lateQueue, outlet, anchor::millisAt, clock);
    this.eventClock = options.virtualClock() == null
        ? new WallEventClock(anchor, simulator, lateDelivery, outlet, event, options.stopDrainMillis(), options.partitions())
        : new VirtualEventClock(options.virtualClock(), clock, simulator, lateQueue, lateDelivery, outlet, event);
    this.holding = new CurrentHolding(clock, simulator, truth, pacer, sink, eventClock, outlet, lease, event,
        options.defaultPopulation());
    this.batches = new PacedBatches(clock, pacer, eventClock, lease, holding, simulator);
    this.truthCuts = new TruthCuts(workerId, incarnation, truth, marks, lateQueue, simulator, eventClock);
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
  @Override
  public CompletableFuture<Boolean> apply(Holding next, long notBeforeMillis) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    mailbox.submit(() -> done.complete(!mailbox.finished() && holding.apply(next, notBeforeMillis)));
    return done;
  }

  /**
   * The rate and pause of the holding change, its users do not: the pacer takes the new rate, and a pause
   * is seen by the loop as a paused assignment is (payments end, held-back events keep going out).
   */
  @Override
  public CompletableFuture<Boolean> changeRate(long epoch, double eventsPerSecond, boolean paused) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    mailbox.submit(() -> done.complete(!mailbox.finished() && holding.changeRate(epoch, eventsPerSecond, paused)));
    return done;
  }

  /**
   * Drops the users it holds, keeping the epoch: used when the coordinator no longer knows this worker
   * (it was declared lost and its users went elsewhere). Without this, a later lease renewal would
   * bring the stale assignment back to life; only a newer assignment may give it users again.
   */
  @Override
  public CompletableFuture<Void> release() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    mailbox.submit(() -> {
      if (!mailbox.finished()) {
        holding.release();
      }
      done.complete(null);
    });
    return done;
  }

  /** Allows production until the given monotonic time (the clock's nanoTime()); the lease. */
  @Override
  public void leaseUntil(long expiryNanos) {
    lease.until(expiryNanos);
    LockSupport.unpark(thread);
  }

  /** Revokes the lease at once: nothing new is produced until a new one is granted. */
  @Override
  public void revokeLease() {
    lease.revoke();
  }

  /** This process, as its truth reports and its registration name it. */
  @Override
  public String incarnation() {
    return incarnation;
  }

  @Override
  public Holding holding() {
    return holding.get();
  }

  /**
   * The latest event time this worker had given any user when it applied its last assignment: an upper
   * bound for the users it let go then, which their next owner must stay above.
   */
  @Override
  public long latestEventAtApply() {
    return holding.latestEventAtApply();
  }

  /** True when the loop is generating (holds users, not paused, lease valid). */
  @Override
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

  @Override
  public int heldLateEvents() {
    return lateQueue.size();
  }

  /** True between a stop and the moment the held-back late events are all out. */
  public boolean draining() {
    return draining;
  }

  @Override
  public int openSessions() {
    return simulator.openSessions();
  }

  /** True once a virtual clock reached END_TIME and everything held back has been sent. */
  public boolean virtualComplete() {
    return eventClock.complete();
  }

  /**
   * The truth gathered since the previous report, cut on the generator thread between events (see
   * {@link TruthReport}). After {@link #stop()} completes it returns the last report, which says so.
   */
  public CompletableFuture<TruthReport> truthReport() {
    CompletableFuture<TruthReport> done = new CompletableFuture<>();
    mailbox.submit(() -> done.complete(mailbox.finished() ? lastTruth
        : truthCuts.cut(clock.nanoTime(), holding().epoch(), false)));
    return done;
  }

  /**
   * Graceful stop: no new events, and the payments in progress complete now. On the wall clock the
   * held-back late events then go out at their due times, for at most the stop drain time (see
   * {@link Options#stopDrainMillis}) or until {@link #force()}; what is left then goes out at once,
   * marked with {@link RecordSink#HEADER_SENT_EARLY} and counted as sent early. On the virtual clock they
   * go out at once, stamped with their due times, so the stream stays exact. Then the producer is flushed.
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

  /** The callbacks waiting on the stop: stays bounded however often the truth is asked for (a test reads it). */
  int stopDependents() {
    return stopped.getNumberOfDependents();
  }

  private void run() {
    try {
      while (!stopping) {
        mailbox.runPending();
        long nowNanos = clock.nanoTime();
        eventClock.sendDue(nowNanos);
        boolean mayProduce = !holding().paused() && simulator.hasUsers() && lease.validAt(nowNanos)
            && !eventClock.complete();
        if (mayProduce != producing) {
          producing = mayProduce;
          if (mayProduce) {
            // Resuming: what fell due while stopped is not owed; start the schedule afresh.
            pacer.setRate(0, nowNanos);
            pacer.setRate(holding.pacedRate(), nowNanos);
          } else {
            holding.completePayments(UserRange.EMPTY);
          }
        }
        int generated = mayProduce ? batches.makeDue(nowNanos) : 0;
        if (eventClock.complete()) {
          // END_TIME reached in that batch.
          producing = false;
        }
        if (generated == 0) {
          batches.park(nowNanos, mayProduce);
        }
      }
      mailbox.runPending();
      holding.completePayments(UserRange.EMPTY);
      producing = false;
      draining = lateQueue.size() > 0;
      eventClock.drainHeld(() -> forced, mailbox::runPending);
      draining = false;
      LOG.info("Generator stopped: flushing the producer (at most {} s)", CLOSE_TIMEOUT.toSeconds());
      sink.close(CLOSE_TIMEOUT);
      lastTruth = truthCuts.cut(clock.nanoTime(), holding().epoch(), true);
      finish();
      stopped.complete(null);
    } catch (Throwable t) {
      LOG.error("Generator thread failed; no more events will be produced", t);
      producing = false;
      finish();
      stopped.completeExceptionally(t);
    }
  }

  private void finish() {
    draining = false;
    mailbox.finish();
  }
}
