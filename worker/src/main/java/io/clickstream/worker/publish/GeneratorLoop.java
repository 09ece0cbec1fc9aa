package io.clickstream.worker.publish;

import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.simulation.PopulationPicker;
import io.clickstream.worker.truth.PartitionMarks;
import io.clickstream.worker.truth.TruthRecorder;
import io.clickstream.protocol.TruthReport;
import io.clickstream.worker.stats.WorkerStats;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
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
public final class GeneratorLoop {
  private static final Logger LOG = LoggerFactory.getLogger(GeneratorLoop.class);
  private static final int MAX_BATCH = 512;
  private static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(15);
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  public static final String HEADER_WORKER = "clickstream.worker";
  public static final String HEADER_EPOCH = "clickstream.epoch";
  public static final String HEADER_LATE_DELAY = "clickstream.late-delay-ms";

  private final ClickSimulator simulator;
  private final RecordHeaders recordHeaders;
  /** Null when TRUTH=off. */
  private final TruthRecorder truth;
  private final PartitionMarks marks;
  /** Null on the wall clock. */
  private final VirtualClock virtualClock;
  /** The population's size when the coordinator does not say it (NUM_USERS). */
  private final int defaultPopulation;
  private final long sessionGapMillis;

  /**
   * Which record headers to stamp. Measured at full speed (docs/BENCHMARKS.md), headers on every record
   * cost about a quarter of a worker's throughput in kafka-clients 3.7, so the default stamps only the
   * late events, which need it most.
   */
  public enum RecordHeaders {
    /** clickstream.worker and clickstream.epoch on every record, plus the delay on late ones. */
    ALL,
    /** clickstream.late-delay-ms on late events only. */
    LATE,
    NONE
  }
  private final boolean reuseValueArrays;
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final WorkerStats stats;
  private final byte[] workerIdBytes;
  private final String workerId;
  /** This process's id in truth reports: a restarted worker with the same WORKER_ID starts afresh. */
  private final String incarnation = java.util.UUID.randomUUID().toString();
  private final RatePacer pacer = new RatePacer(1.0);
  private final LateEventQueue lateQueue = new LateEventQueue();
  private final EventJsonEncoder encoder = new EventJsonEncoder();
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
  private volatile boolean producing;
  private Header[] headers;
  /**
   * When the send in progress started (System.nanoTime()), 0 when none: a send() blocked on a full buffer
   * records no lag until it returns, so the stats read this to show a stall while it lasts. Written with
   * lazySet: no fence on the hot path, and a reader a moment late is fine.
   */
  private final java.util.concurrent.atomic.AtomicLong sendingSince = new java.util.concurrent.atomic.AtomicLong();
  private long lastFailureLogNanos;
  private long truthSeq;
  /** The virtual clock's next slot, and who acts in it. */
  private long slot;
  private PopulationPicker picker;
  private volatile boolean virtualComplete;
  private TruthReport lastTruth;

  /** How the loop is built beyond its simulator and producer. */
  public record Options(RecordHeaders recordHeaders, boolean reuseValueArrays, int partitions, TruthRecorder truth,
                        VirtualClock virtualClock, int defaultPopulation) {
  }

  /**
   * @param recordHeaders which headers to stamp: see {@link RecordHeaders}
   * @param reuseValueArrays encode values into reused arrays; only safe when no producer interceptor can
   *     keep a record after send() returns
   */
  public GeneratorLoop(ClickSimulator simulator, Producer<byte[], byte[]> producer, String topic,
                       String workerId, WorkerStats stats, RecordHeaders recordHeaders, boolean reuseValueArrays) {
    this(simulator, producer, topic, workerId, stats, new Options(recordHeaders, reuseValueArrays, 1, null, null, 0));
  }

  public GeneratorLoop(ClickSimulator simulator, Producer<byte[], byte[]> producer, String topic,
                       String workerId, WorkerStats stats, Options options) {
    this.recordHeaders = options.recordHeaders();
    this.reuseValueArrays = options.reuseValueArrays();
    this.truth = options.truth();
    this.marks = new PartitionMarks(options.partitions());
    this.virtualClock = options.virtualClock();
    this.defaultPopulation = options.defaultPopulation();
    this.sessionGapMillis = simulator.sessionTimeoutMillis();
    this.workerId = workerId;
    this.simulator = simulator;
    this.producer = producer;
    this.topic = topic;
    this.stats = stats;
    this.workerIdBytes = workerId.getBytes(StandardCharsets.UTF_8);
    this.headers = headersFor(0);
    this.nanoAnchor = System.nanoTime();
    this.wallAnchor = System.currentTimeMillis();
    this.thread = new Thread(this::run, "clickstream-generator");
    this.thread.setDaemon(true);
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
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    submit(() -> {
      Holding current = holding;
      if (next.epoch() <= current.epoch() && current != Holding.NOTHING) {
        done.complete(false);
        return;
      }
      finishPendingPurchase();
      long now = System.nanoTime();
      if (!next.users().equals(current.users())) {
        simulator.assign(next.users(), next.epoch());
        if (truth != null) {
          truth.assign(next.users());
        }
      }
      double rate = pacedRate(next);
      if (rate != pacer.rate()) {
        pacer.setRate(rate, now);
      }
      headers = headersFor(next.epoch());
      holding = next;
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
      finishPendingPurchase();
      Holding current = holding;
      if (!current.users().isEmpty()) {
        simulator.assign(io.clickstream.protocol.UserRange.EMPTY, current.epoch());
        if (truth != null) {
          truth.assign(io.clickstream.protocol.UserRange.EMPTY);
        }
        holding = new Holding(current.epoch(), io.clickstream.protocol.UserRange.EMPTY, 0, current.paused(),
            current.population());
      }
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

  /** True when the loop is generating (holds users, not paused, lease valid). */
  public boolean producing() {
    return producing;
  }

  /** How long the send in progress has been blocked, in ms; 0 when not sending. */
  public double sendStallMillis() {
    long since = sendingSince.get();
    return since == 0 ? 0 : Math.max(0, System.nanoTime() - since) / 1e6;
  }

  /** True when the generator thread died of an unexpected error. */
  public boolean failed() {
    return stopped.isCompletedExceptionally();
  }

  public int heldLateEvents() {
    return lateQueue.size();
  }

  public int openSessions() {
    return simulator.openSessions();
  }

  /** True once a virtual clock reached END_TIME and everything held back has been sent. */
  public boolean virtualComplete() {
    return virtualComplete;
  }

  /**
   * The truth gathered since the previous report, cut on the generator thread between events (see
   * {@link TruthReport}). After {@link #stop()} completes it returns the last report, which says so.
   */
  public CompletableFuture<TruthReport> truthReport() {
    CompletableFuture<TruthReport> done = new CompletableFuture<>();
    if (stopped.isDone()) {
      done.complete(lastTruth);
      return done;
    }
    submit(() -> done.complete(cutTruth(System.nanoTime(), false)));
    // The thread may have stopped between the check and the submit: it runs commands once more on the way
    // out, but not after stopped completes.
    stopped.whenComplete((v, err) -> done.complete(lastTruth));
    return done;
  }

  /**
   * Graceful stop: no new events; the held-back late events are sent now (earlier than planned, but
   * never lost), then the producer is flushed. Completes when all of that is done.
   */
  public CompletableFuture<Void> stop() {
    stopping = true;
    LockSupport.unpark(thread);
    return stopped;
  }

  private void submit(Runnable command) {
    commands.add(command);
    LockSupport.unpark(thread);
  }

  private void run() {
    try {
      while (!stopping) {
        runCommands();
        long nowNanos = System.nanoTime();
        if (virtualClock == null) {
          sendDueLateEvents(wallMillis(nowNanos));
        }
        Holding h = holding;
        boolean mayProduce = !h.paused() && simulator.hasUsers() && nowNanos - leaseExpiryNanos < 0 && !virtualComplete;
        if (mayProduce != producing) {
          producing = mayProduce;
          if (mayProduce) {
            // Resuming: what fell due while stopped is not owed; start the schedule afresh.
            pacer.setRate(0, nowNanos);
            pacer.setRate(pacedRate(h), nowNanos);
          } else {
            finishPendingPurchase();
          }
        }
        int generated = mayProduce ? generateDue(nowNanos) : 0;
        if (generated == 0) {
          park(nowNanos, mayProduce);
        }
      }
      runCommands();
      finishPendingPurchase();
      producing = false;
      List<ClickEvent> held = lateQueue.drainAll();
      for (ClickEvent late : held) {
        long now = System.nanoTime();
        // On the virtual clock a late event arrives at its due time, early or not, so the stream stays exact.
        send(late, now, now, virtualClock == null ? wallMillis(now) : late.eventTime + late.lateDelayMillis);
      }
      LOG.info("Generator stopped: sent {} held-back late events early, flushing the producer (at most {} s)",
          held.size(), CLOSE_TIMEOUT.toSeconds());
      // A bounded close rather than flush(): with the broker away, flush() would wait forever. What is
      // still unsent when the time is up fails through its callback, so it is counted, not lost.
      producer.close(CLOSE_TIMEOUT);
      lastTruth = cutTruth(System.nanoTime(), true);
      stopped.complete(null);
    } catch (Throwable t) {
      LOG.error("Generator thread failed; no more events will be produced", t);
      producing = false;
      stopped.completeExceptionally(t);
    }
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
      if (virtualClock == null) {
        simulator.next(wallMillis(now), event);
        emit(now, intended, wallMillis(now));
      } else if (!virtualSlot(now, intended)) {
        return i + 1;
      }
    }
    return n;
  }

  /**
   * One slot of the global sequence on the virtual clock: first what falls due (held-back late events),
   * then the slot's action if the picked user is ours. Returns false once END_TIME is reached.
   */
  private boolean virtualSlot(long nowNanos, long intendedNanos) {
    long time = virtualClock.timeOf(slot);
    if (time >= virtualClock.endMillis()) {
      completeVirtualStream();
      return false;
    }
    sendDueLateEvents(time);
    if (picker == null) {
      int population = holding.population() > 0 ? holding.population() : defaultPopulation;
      picker = simulator.picker(population);
    }
    int user = picker.next();
    slot++;
    if (simulator.users().contains(user)) {
      simulator.actAs(user, time, event);
      emit(nowNanos, intendedNanos, time);
    }
    return true;
  }

  /** END_TIME: the held-back events go out at their due times (virtual), and generation ends. */
  private void completeVirtualStream() {
    finishPendingPurchase();
    List<ClickEvent> held = lateQueue.drainAll();
    for (ClickEvent late : held) {
      long now = System.nanoTime();
      send(late, now, now, late.eventTime + late.lateDelayMillis);
    }
    virtualComplete = true;
    producing = false;
    LOG.info("Virtual stream complete: END_TIME reached after {} slots; {} held-back events sent at their due times",
        slot, held.size());
  }

  /** The event just simulated: counted, then held back if late or sent now. */
  private void emit(long nowNanos, long intendedNanos, long processingTime) {
    // One key array per event, shared by the partition, the record and a held-back copy.
    event.key = Ids.userKey(event.user);
    event.partition = marks.partitions() == 1 ? 0 : Ids.partitionOfKey(event.key, marks.partitions());
    boolean late = event.isLate();
    stats.generated(event.type, late);
    if (truth != null) {
      truth.generated(event);
    }
    if (late) {
      lateQueue.hold(event);
    } else {
      send(event, nowNanos, intendedNanos, processingTime);
    }
  }

  /** The rate to pace at: on the virtual clock every worker walks every slot, so the whole cluster's rate. */
  private double pacedRate(Holding h) {
    if (virtualClock == null || h.users().isEmpty()) {
      return h.eventsPerSecond();
    }
    int population = h.population() > 0 ? h.population() : defaultPopulation;
    return h.eventsPerSecond() * population / h.users().size();
  }

  /** The event clock: the earliest event time anything generated from now on can have. */
  private long clockMillis(long nowNanos) {
    if (virtualClock == null) {
      return wallMillis(nowNanos);
    }
    return virtualComplete ? Long.MAX_VALUE : virtualClock.timeOf(slot);
  }

  private TruthReport cutTruth(long nowNanos, boolean last) {
    long clock = last ? Long.MAX_VALUE : clockMillis(nowNanos);
    // A purchase still pending may be dated at its checkout (the lease ran out meanwhile): nothing is final
    // after that time yet.
    long pending = simulator.hasPendingPurchase() ? simulator.pendingPurchaseTime() : Long.MAX_VALUE;
    long markClock = Math.min(pending, virtualClock == null ? wallMillis(nowNanos) : clock);
    clock = Math.min(clock, pending);
    if (virtualClock != null && !simulator.hasUsers() && lateQueue.size() == 0 && !last) {
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

  /** The PURCHASE that follows a CHECKOUT is emitted before anything can interrupt the session. */
  private void finishPendingPurchase() {
    if (simulator.hasPendingPurchase()) {
      long now = System.nanoTime();
      // With the lease run out (frozen between the CHECKOUT and its PURCHASE), the users may be another
      // worker's by now: the purchase is dated at its checkout, before any handover, never after it.
      long time = now - leaseExpiryNanos < 0 ? wallMillis(now) : simulator.pendingPurchaseTime();
      simulator.next(time, event);
      emit(now, now, wallMillis(now));
    }
  }

  private void sendDueLateEvents(long nowMillis) {
    if (lateQueue.nextDueMillis() > nowMillis) {
      return;
    }
    // On the virtual clock everything due goes out before the slot's event, however much: a cut-off would
    // depend on what else this worker holds, and so on the number of workers.
    for (ClickEvent late : lateQueue.pollDue(nowMillis, virtualClock == null ? MAX_BATCH * 4 : Integer.MAX_VALUE)) {
      long now = System.nanoTime();
      // A late event's intended send time is its due time; lag is measured against that. On the virtual
      // clock it arrives when the clock reaches that time.
      send(late, now, now - (virtualClock == null ? (nowMillis - late.eventTime - late.lateDelayMillis) * 1_000_000L : 0),
          virtualClock == null ? wallMillis(now) : nowMillis);
    }
  }

  private void send(ClickEvent e, long nowNanos, long intendedNanos, long processingTime) {
    if (truth != null) {
      truth.sent(e, processingTime, holding.epoch());
    }
    int partition = e.partition;
    marks.sent(partition, e.eventTime, processingTime);
    // send() copies the value into its batch before returning, so one array per length can be reused.
    byte[] value = reuseValueArrays ? encoder.encodeReusing(e, processingTime) : encoder.encode(e, processingTime);
    // The partition is the default partitioner's choice for the key (murmur2), set here so that the
    // watermark bookkeeping knows it before the send completes.
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, marks.partitions() == 1 ? null : partition,
        e.eventTime, e.key, value, headersOf(e));
    long sendStart = System.nanoTime();
    stats.sendLag(sendStart - intendedNanos);
    sendingSince.lazySet(sendStart);
    try {
      producer.send(record, (metadata, error) -> {
        if (Thread.currentThread() == thread) {
          // Called back inside send(), on this thread: a buffer full past max.block.ms or missing metadata.
          // The record never entered the producer, so it is not in flight and must not count as completed
          // for the watermark (that would release a bound while earlier sends are still in flight).
          marks.unsent(partition);
        } else {
          marks.completed(partition);
        }
        if (error == null) {
          stats.acked(System.nanoTime() - sendStart);
        } else {
          failed(error);
        }
      });
    } catch (RuntimeException error) {
      // send() itself throws for a closed producer, a serialisation or a fatal error.
      marks.unsent(partition);
      failed(error);
    } finally {
      sendingSince.lazySet(0);
    }
  }

  private void failed(Throwable error) {
    stats.failed(error);
    long now = System.nanoTime();
    // Failures come in bursts (a broker outage fails thousands); log the first and then every 5 s.
    if (now - lastFailureLogNanos > TimeUnit.SECONDS.toNanos(5) || lastFailureLogNanos == 0) {
      lastFailureLogNanos = now;
      LOG.warn("Kafka send failed (counted as failed; totals in the Events: line): {}", error.toString());
    }
  }

  private void park(long nowNanos, boolean mayProduce) {
    long wait = IDLE_PARK_NANOS;
    if (mayProduce) {
      wait = Math.min(wait, pacer.nextDueNanos() - nowNanos);
    }
    long lateDue = lateQueue.nextDueMillis();
    // On the virtual clock held events fall due with the slots, not with the wall clock.
    if (lateDue != Long.MAX_VALUE && virtualClock == null) {
      wait = Math.min(wait, (lateDue - wallMillis(nowNanos)) * 1_000_000L);
    }
    if (wait > 0) {
      LockSupport.parkNanos(this, wait);
    }
  }

  private long wallMillis(long nanos) {
    return wallAnchor + (nanos - nanoAnchor) / 1_000_000L;
  }

  private Iterable<Header> headersOf(ClickEvent e) {
    switch (recordHeaders) {
      case ALL:
        return java.util.Arrays.asList(e.isLate() ? withLateDelay(headers, e.lateDelayMillis) : headers);
      case LATE:
        return e.isLate() ? java.util.Arrays.asList(withLateDelay(new Header[0], e.lateDelayMillis)) : null;
      default:
        return null;
    }
  }

  private Header[] headersFor(long epoch) {
    return new Header[] {new RecordHeader(HEADER_WORKER, workerIdBytes),
        new RecordHeader(HEADER_EPOCH, Long.toString(epoch).getBytes(StandardCharsets.US_ASCII))};
  }

  private static Header[] withLateDelay(Header[] base, long delayMillis) {
    Header[] out = java.util.Arrays.copyOf(base, base.length + 1);
    out[base.length] = new RecordHeader(HEADER_LATE_DELAY, Long.toString(delayMillis).getBytes(StandardCharsets.US_ASCII));
    return out;
  }
}
