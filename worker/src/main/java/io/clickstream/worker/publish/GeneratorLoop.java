package io.clickstream.worker.publish;

import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
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
  private volatile long leaseExpiryNanos = Long.MIN_VALUE;
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

  /**
   * @param recordHeaders which headers to stamp: see {@link RecordHeaders}
   * @param reuseValueArrays encode values into reused arrays; only safe when no producer interceptor can
   *     keep a record after send() returns
   */
  public GeneratorLoop(ClickSimulator simulator, Producer<byte[], byte[]> producer, String topic,
                       String workerId, WorkerStats stats, RecordHeaders recordHeaders, boolean reuseValueArrays) {
    this.recordHeaders = recordHeaders;
    this.reuseValueArrays = reuseValueArrays;
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
      }
      if (next.eventsPerSecond() != pacer.rate()) {
        pacer.setRate(next.eventsPerSecond(), now);
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
        holding = new Holding(current.epoch(), io.clickstream.protocol.UserRange.EMPTY, 0, current.paused());
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
    leaseExpiryNanos = Long.MIN_VALUE;
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
        sendDueLateEvents(wallMillis(nowNanos));
        Holding h = holding;
        boolean mayProduce = !h.paused() && simulator.hasUsers() && nowNanos - leaseExpiryNanos < 0;
        if (mayProduce != producing) {
          producing = mayProduce;
          if (mayProduce) {
            // Resuming: what fell due while stopped is not owed; start the schedule afresh.
            pacer.setRate(0, nowNanos);
            pacer.setRate(h.eventsPerSecond(), nowNanos);
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
        send(late, System.nanoTime(), System.nanoTime());
      }
      LOG.info("Generator stopped: sent {} held-back late events early, flushing the producer (at most {} s)",
          held.size(), CLOSE_TIMEOUT.toSeconds());
      // A bounded close rather than flush(): with the broker away, flush() would wait forever. What is
      // still unsent when the time is up fails through its callback, so it is counted, not lost.
      producer.close(CLOSE_TIMEOUT);
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
      generateOne(now, intended);
    }
    return n;
  }

  private void generateOne(long nowNanos, long intendedNanos) {
    simulator.next(wallMillis(nowNanos), event);
    boolean late = event.isLate();
    stats.generated(event.type, late);
    if (late) {
      lateQueue.hold(event);
    } else {
      send(event, nowNanos, intendedNanos);
    }
  }

  /** The PURCHASE that follows a CHECKOUT is emitted before anything can interrupt the session. */
  private void finishPendingPurchase() {
    if (simulator.hasPendingPurchase()) {
      long now = System.nanoTime();
      generateOne(now, now);
    }
  }

  private void sendDueLateEvents(long nowMillis) {
    if (lateQueue.nextDueMillis() > nowMillis) {
      return;
    }
    for (ClickEvent late : lateQueue.pollDue(nowMillis, MAX_BATCH * 4)) {
      long now = System.nanoTime();
      // A late event's intended send time is its due time; lag is measured against that.
      send(late, now, now - (nowMillis - late.eventTime - late.lateDelayMillis) * 1_000_000L);
    }
  }

  private void send(ClickEvent e, long nowNanos, long intendedNanos) {
    long processingTime = wallMillis(System.nanoTime());
    // send() copies the value into its batch before returning, so one array per length can be reused.
    byte[] value = reuseValueArrays ? encoder.encodeReusing(e, processingTime) : encoder.encode(e, processingTime);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, e.eventTime, Ids.userKey(e.user), value,
        headersOf(e));
    long sendStart = System.nanoTime();
    stats.sendLag(sendStart - intendedNanos);
    sendingSince.lazySet(sendStart);
    try {
      producer.send(record, (metadata, error) -> {
        if (error == null) {
          stats.acked(System.nanoTime() - sendStart);
        } else {
          failed(error);
        }
      });
    } catch (RuntimeException error) {
      // send() itself throws for a buffer full past max.block.ms, a closed producer or a fatal error.
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
    if (lateDue != Long.MAX_VALUE) {
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
