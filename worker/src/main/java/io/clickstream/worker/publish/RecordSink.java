package io.clickstream.worker.publish;

import io.clickstream.worker.format.EventEncoder;
import io.clickstream.protocol.Clock;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.stats.WorkerStats;
import io.clickstream.worker.truth.PartitionMarks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to an event after simulation: its record (key, partition, headers, encoded value), the
 * send, and the accounting of the callback (acked or failed, the partition's in-flight count for the
 * watermark, send lag and stalls). Called only from the generator thread.
 */
public final class RecordSink {
  private static final Logger LOG = LoggerFactory.getLogger(RecordSink.class);
  public static final String HEADER_WORKER = "clickstream.worker";
  public static final String HEADER_EPOCH = "clickstream.epoch";
  public static final String HEADER_LATE_DELAY = "clickstream.late-delay-ms";
  /** On a late event sent before its due time (a forced stop): how many ms early. */
  public static final String HEADER_SENT_EARLY = "clickstream.sent-early-ms";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final WorkerStats stats;
  private final PartitionMarks marks;
  private final RecordHeaders recordHeaders;
  private final boolean reuseValueArrays;
  private final byte[] workerIdBytes;
  private final EventEncoder encoder;
  /** The generator thread: a callback run on it was called inside send(). */
  private final Thread owner;
  private final Clock clock;
  private Header[] headers;
  /**
   * When the send in progress started (the clock's nanoTime()), 0 when none: a send() blocked on a full buffer
   * records no lag until it returns, so the stats read this to show a stall while it lasts. Written with
   * lazySet: no fence on the hot path, and a reader a moment late is fine.
   */
  private final AtomicLong sendingSince = new AtomicLong();
  private long lastFailureLogNanos;

  /**
   * @param reuseValueArrays encode values into reused arrays; only safe when no producer interceptor can
   *     keep a record after send() returns
   * @param encoder writes the values in VALUE_FORMAT; used only from the generator thread
   */
  public RecordSink(Producer<byte[], byte[]> producer, String topic, String workerId, WorkerStats stats,
                    PartitionMarks marks, RecordHeaders recordHeaders, boolean reuseValueArrays, Thread owner,
                    Clock clock, EventEncoder encoder) {
    this.encoder = encoder;
    this.producer = producer;
    this.topic = topic;
    this.stats = stats;
    this.marks = marks;
    this.recordHeaders = recordHeaders;
    this.reuseValueArrays = reuseValueArrays;
    this.workerIdBytes = workerId.getBytes(StandardCharsets.UTF_8);
    this.owner = owner;
    this.clock = clock;
    this.headers = headersFor(0);
  }

  /** The epoch stamped from now on (RECORD_HEADERS=all). */
  public void epoch(long epoch) {
    headers = headersFor(epoch);
  }

  /**
   * Sends one event. Its key and partition are set ({@link ClickEvent#key}, {@link ClickEvent#partition}).
   *
   * @param intendedNanos when it should have gone out, for the send lag
   * @param processingTime the processing_time it carries (epoch ms)
   * @param earlyMillis how long before its due time a held-back event goes out; 0 when on time
   */
  public void send(ClickEvent e, long intendedNanos, long processingTime, long earlyMillis) {
    int partition = e.partition;
    marks.sent(partition, e.eventTime, processingTime);
    // send() copies the value into its batch before returning, so one array per length can be reused.
    byte[] value = reuseValueArrays ? encoder.encodeReusing(e, processingTime) : encoder.encode(e, processingTime);
    // The partition is the default partitioner's choice for the key (murmur2), set here so that the
    // watermark bookkeeping knows it before the send completes.
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, marks.partitions() == 1 ? null : partition,
        e.eventTime, e.key, value, headersOf(e, earlyMillis));
    long sendStart = clock.nanoTime();
    stats.sendLag(sendStart - intendedNanos);
    sendingSince.lazySet(sendStart);
    try {
      producer.send(record, (metadata, error) -> {
        if (Thread.currentThread() == owner) {
          // Called back inside send(), on the generator thread: a buffer full past max.block.ms or missing
          // metadata. The record never entered the producer, so it is not in flight and must not count as
          // completed for the watermark (that would release a bound while earlier sends are still in flight).
          marks.unsent(partition);
        } else {
          marks.completed(partition);
        }
        if (error == null) {
          stats.acked(clock.nanoTime() - sendStart);
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

  /** How long the send in progress has been blocked, in ms; 0 when not sending. */
  public double sendStallMillis() {
    long since = sendingSince.get();
    return since == 0 ? 0 : Math.max(0, clock.nanoTime() - since) / 1e6;
  }

  /**
   * A bounded close rather than flush(): with the broker away, flush() would wait forever. What is still
   * unsent when the time is up fails through its callback, so it is counted, not lost.
   */
  public void close(Duration timeout) {
    producer.close(timeout);
  }

  private void failed(Throwable error) {
    stats.failed(error);
    long now = clock.nanoTime();
    // Failures come in bursts (a broker outage fails thousands); log the first and then every 5 s.
    if (now - lastFailureLogNanos > TimeUnit.SECONDS.toNanos(5) || lastFailureLogNanos == 0) {
      lastFailureLogNanos = now;
      LOG.warn("Kafka send failed (counted as failed; totals in the Events: line): {}", error.toString());
    }
  }

  private Iterable<Header> headersOf(ClickEvent e, long earlyMillis) {
    switch (recordHeaders) {
      case ALL:
        return Arrays.asList(e.isLate() ? withLateDelay(headers, e.lateDelayMillis, earlyMillis) : headers);
      case LATE:
        return e.isLate() ? Arrays.asList(withLateDelay(new Header[0], e.lateDelayMillis, earlyMillis)) : null;
      default:
        return null;
    }
  }

  private Header[] headersFor(long epoch) {
    return new Header[] {new RecordHeader(HEADER_WORKER, workerIdBytes),
        new RecordHeader(HEADER_EPOCH, Long.toString(epoch).getBytes(StandardCharsets.US_ASCII))};
  }

  private static Header[] withLateDelay(Header[] base, long delayMillis, long earlyMillis) {
    Header[] out = Arrays.copyOf(base, base.length + (earlyMillis > 0 ? 2 : 1));
    out[base.length] = new RecordHeader(HEADER_LATE_DELAY, Long.toString(delayMillis).getBytes(StandardCharsets.US_ASCII));
    if (earlyMillis > 0) {
      out[base.length + 1] = new RecordHeader(HEADER_SENT_EARLY,
          Long.toString(earlyMillis).getBytes(StandardCharsets.US_ASCII));
    }
    return out;
  }
}
