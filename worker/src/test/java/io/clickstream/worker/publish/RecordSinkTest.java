package io.clickstream.worker.publish;

import io.clickstream.worker.format.EventJsonEncoder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Counters;
import io.clickstream.protocol.TruthReport;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.EventType;
import io.clickstream.worker.stats.WorkerStats;
import io.clickstream.worker.truth.PartitionMarks;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * What happens to an event after simulation, on Kafka's MockProducer and a clock that moves only when the
 * test says so: the record's key, partition, timestamp and headers; the callback's accounting (acked,
 * failed, in flight for the watermark); failures inside send(); and a stall while send() blocks.
 */
class RecordSinkTest {
  private static final int PARTITIONS = 12;
  private static final Node NODE = new Node(0, "localhost", 9092);

  private final ManualClock clock = new ManualClock();
  private final WorkerStats stats = new WorkerStats(0);
  private final PartitionMarks marks = new PartitionMarks(PARTITIONS);

  /** Monotonic time moved by hand, in ms steps. */
  static final class ManualClock implements Clock {
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);

    @Override
    public long nanoTime() {
      return nanos.get();
    }

    @Override
    public long currentTimeMillis() {
      return 1_700_000_000_000L + nanos.get() / 1_000_000L;
    }

    void advanceMillis(long millis) {
      nanos.addAndGet(millis * 1_000_000L);
    }
  }

  private static Cluster cluster() {
    List<PartitionInfo> partitions = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new PartitionInfo("t", p, NODE, new Node[] {NODE}, new Node[] {NODE}));
    }
    return new Cluster("c", List.of(NODE), partitions, Set.of(), Set.of());
  }

  private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(cluster(), autoComplete, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Callbacks come on this test's thread, which is not the sink's owner: they count as Kafka's I/O thread's. */
  private RecordSink sink(MockProducer<byte[], byte[]> producer, RecordHeaders headers, int partitions) {
    return new RecordSink(producer, "t", "w1", stats, partitions == PARTITIONS ? marks : new PartitionMarks(partitions),
        headers, false, new Thread(() -> { }), clock, new EventJsonEncoder());
  }

  private ClickEvent event(int user, long eventTime, long lateDelayMillis) {
    ClickEvent e = new ClickEvent();
    e.user = user;
    e.type = EventType.VIEW;
    e.product = 3;
    e.priceCents = 999;
    e.eventTime = eventTime;
    e.lateDelayMillis = lateDelayMillis;
    e.key = Ids.userKey(user);
    e.partition = Ids.partitionOfKey(e.key, PARTITIONS);
    stats.generated(e.type, e.isLate());
    return e;
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void theRecordCarriesTheKeyThePartitionTheEventTimeAndAllHeaders() {
    MockProducer<byte[], byte[]> producer = producer(true);
    RecordSink sink = sink(producer, RecordHeaders.ALL, PARTITIONS);
    sink.epoch(7);

    ClickEvent onTime = event(42, 1_000, 0);
    sink.send(onTime, clock.nanoTime(), 1_000, 0);
    ClickEvent late = event(43, 2_000, 1_500);
    sink.send(late, clock.nanoTime(), 3_500, 0);
    ClickEvent early = event(44, 3_000, 5_000);
    sink.send(early, clock.nanoTime(), 4_000, 4_000);

    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    ProducerRecord<byte[], byte[]> first = sent.get(0);
    assertThat(first.key()).isEqualTo(Ids.userKey(42));
    assertThat(first.partition()).isEqualTo(onTime.partition).isEqualTo(Ids.partitionOfKey(Ids.userKey(42), PARTITIONS));
    assertThat(first.timestamp()).isEqualTo(1_000);
    assertThat(header(first, RecordSink.HEADER_WORKER)).isEqualTo("w1");
    assertThat(header(first, RecordSink.HEADER_EPOCH)).isEqualTo("7");
    assertThat(header(first, RecordSink.HEADER_LATE_DELAY)).isNull();
    JsonObject value = new JsonObject(new String(first.value(), StandardCharsets.UTF_8));
    assertThat(value.getString("event_type")).isEqualTo("VIEW");
    assertThat(header(sent.get(1), RecordSink.HEADER_LATE_DELAY)).isEqualTo("1500");
    assertThat(header(sent.get(1), RecordSink.HEADER_SENT_EARLY)).isNull();
    assertThat(header(sent.get(2), RecordSink.HEADER_SENT_EARLY)).isEqualTo("4000");
    assertThat(header(sent.get(2), RecordSink.HEADER_EPOCH)).isEqualTo("7");
  }

  @Test
  void lateHeadersOnlyOnLateEventsAndNoneAtAll() {
    MockProducer<byte[], byte[]> lateOnly = producer(true);
    RecordSink sink = sink(lateOnly, RecordHeaders.LATE, PARTITIONS);
    sink.send(event(1, 1_000, 0), clock.nanoTime(), 1_000, 0);
    sink.send(event(2, 1_000, 800), clock.nanoTime(), 1_800, 0);
    MockProducer<byte[], byte[]> none = producer(true);
    sink(none, RecordHeaders.NONE, PARTITIONS).send(event(2, 1_000, 800), clock.nanoTime(), 1_800, 0);

    assertThat(lateOnly.history().get(0).headers().toArray()).isEmpty();
    assertThat(lateOnly.history().get(1).headers().toArray()).hasSize(1);
    assertThat(header(lateOnly.history().get(1), RecordSink.HEADER_LATE_DELAY)).isEqualTo("800");
    assertThat(none.history().get(0).headers().toArray()).isEmpty();
  }

  @Test
  void onePartitionLeavesThePartitionToTheProducer() {
    MockProducer<byte[], byte[]> producer = producer(true);
    ClickEvent e = event(9, 1_000, 0);
    e.partition = 0;
    sink(producer, RecordHeaders.NONE, 1).send(e, clock.nanoTime(), 1_000, 0);

    assertThat(producer.history().get(0).partition()).isNull();
  }

  @Test
  void callbacksCountAckedAndFailedWithTheirLatencyAndReleaseTheWatermarkOnlyOnceAllAreComplete() {
    MockProducer<byte[], byte[]> producer = producer(false);
    RecordSink sink = sink(producer, RecordHeaders.NONE, PARTITIONS);
    ClickEvent a = event(42, 1_000, 0);
    // The send lag counts from when it should have gone out: 40 ms ago.
    sink.send(a, clock.nanoTime() - 40_000_000L, 1_000, 0);
    sink.send(event(42, 1_001, 0), clock.nanoTime() - 40_000_000L, 1_001, 0);
    long[] noneHeld = new long[PARTITIONS];
    java.util.Arrays.fill(noneHeld, Long.MAX_VALUE);

    TruthReport.PartitionMark inFlight = marks.cut(2_000, noneHeld).get(a.partition);
    clock.advanceMillis(30);
    assertThat(producer.completeNext()).isTrue();
    assertThat(producer.errorNext(new KafkaException("broker away"))).isTrue();
    TruthReport.PartitionMark complete = marks.cut(3_000, noneHeld).get(a.partition);

    assertThat(inFlight.maxEventTime()).isEqualTo(1_001);
    assertThat(inFlight.watermark()).as("two sends in flight: no bound yet").isEqualTo(Long.MIN_VALUE);
    assertThat(complete.watermark()).as("both complete: nothing in flight, the new bound holds at once")
        .isEqualTo(3_000);
    Counters totals = stats.totals();
    assertThat(totals.acked()).isEqualTo(1);
    assertThat(totals.failed()).isEqualTo(1);
    assertThat(totals.pending()).isZero();
    WorkerStats.Interval interval = stats.closeInterval(1_000);
    assertThat(interval.ackP50Ms()).isCloseTo(30, offset(0.5));
    assertThat(interval.lagP50Ms()).isCloseTo(40, offset(0.5));
    assertThat(interval.lastError()).contains("broker away");
  }

  @Test
  void aSendThatFailsInsideSendIsCountedFailedAndNotInFlight() {
    MockProducer<byte[], byte[]> producer = producer(false);
    RecordSink sink = sink(producer, RecordHeaders.NONE, PARTITIONS);
    producer.sendException = new KafkaException("buffer full past max.block.ms");
    ClickEvent e = event(5, 1_000, 0);

    sink.send(e, clock.nanoTime(), 1_000, 0);
    producer.close();
    sink.send(event(5, 1_001, 0), clock.nanoTime(), 1_001, 0);

    Counters totals = stats.totals();
    assertThat(totals.failed()).isEqualTo(2);
    assertThat(totals.acked()).isZero();
    assertThat(totals.pending()).isZero();
    long[] noneHeld = new long[PARTITIONS];
    java.util.Arrays.fill(noneHeld, Long.MAX_VALUE);
    assertThat(marks.cut(2_000, noneHeld).get(e.partition).watermark())
        .as("nothing entered the producer: nothing holds the bound back").isEqualTo(2_000);
  }

  /**
   * Kafka calls the callback inside send(), on the caller's thread, when the record never entered the
   * producer (a buffer full past max.block.ms, missing metadata). Counted as completed, it would release a
   * bound while an earlier send is still in flight.
   */
  @Test
  void aCallbackInsideSendDoesNotReleaseTheWatermarkOfASendStillInFlight() throws Exception {
    boolean[] failInside = {false};
    MockProducer<byte[], byte[]> producer = new MockProducer<>(cluster(), false, new ByteArraySerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized java.util.concurrent.Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record,
                                                                           Callback callback) {
        if (failInside[0]) {
          callback.onCompletion(null, new KafkaException("buffer full past max.block.ms"));
          return java.util.concurrent.CompletableFuture.failedFuture(new KafkaException("not sent"));
        }
        return super.send(record, callback);
      }
    };
    // This thread is the generator's: a callback run on it was called inside send().
    RecordSink sink = new RecordSink(producer, "t", "w1", stats, marks, RecordHeaders.NONE, false,
        Thread.currentThread(), clock, new EventJsonEncoder());
    ClickEvent inFlight = event(42, 1_000, 0);
    sink.send(inFlight, clock.nanoTime(), 1_000, 0);
    long[] noneHeld = new long[PARTITIONS];
    java.util.Arrays.fill(noneHeld, Long.MAX_VALUE);
    marks.cut(2_000, noneHeld);

    failInside[0] = true;
    sink.send(event(42, 1_001, 0), clock.nanoTime(), 1_001, 0);
    long whileInFlight = marks.cut(3_000, noneHeld).get(inFlight.partition).watermark();
    failInside[0] = false;
    Thread io = new Thread(producer::completeNext);
    io.start();
    io.join(30_000);
    long afterIt = marks.cut(4_000, noneHeld).get(inFlight.partition).watermark();

    // Counted as completed, the failed send would have released the bound 2000 here.
    assertThat(whileInFlight).as("the first send is still in flight").isEqualTo(Long.MIN_VALUE);
    assertThat(afterIt).as("the first send completed: nothing in flight").isEqualTo(4_000);
    assertThat(stats.totals().failed()).isEqualTo(1);
    assertThat(stats.totals().acked()).isEqualTo(1);
  }

  @Test
  void aBlockedSendShowsAsAStallWhileItLasts() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MockProducer<byte[], byte[]> blocking = new MockProducer<>(cluster(), true, new ByteArraySerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized java.util.concurrent.Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record,
                                                                           Callback callback) {
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.send(record, callback);
      }
    };
    RecordSink sink = sink(blocking, RecordHeaders.NONE, PARTITIONS);
    ClickEvent e = event(1, 1_000, 0);
    assertThat(sink.sendStallMillis()).isZero();
    Thread sender = new Thread(() -> sink.send(e, clock.nanoTime(), 1_000, 0));
    sender.start();
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

    clock.advanceMillis(250);
    double stalled = sink.sendStallMillis();
    release.countDown();
    sender.join(30_000);

    assertThat(stalled).isEqualTo(250.0);
    assertThat(sink.sendStallMillis()).as("the send returned").isZero();
    assertThat(stats.totals().acked()).isEqualTo(1);
  }
}
