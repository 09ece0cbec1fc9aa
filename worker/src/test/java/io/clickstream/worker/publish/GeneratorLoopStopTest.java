package io.clickstream.worker.publish;

import io.clickstream.worker.format.ValueEncoding;
import io.clickstream.protocol.Clock;
import io.clickstream.worker.cluster.Holding;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.Counters;
import io.clickstream.protocol.UserRange;
import io.clickstream.worker.simulation.Behaviour;
import io.clickstream.worker.simulation.Catalog;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.simulation.LateDelay;
import io.clickstream.worker.stats.WorkerStats;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The generator's stop on Kafka's MockProducer, on the wall clock: held-back late events keep their
 * lateness contract through a stop, and a forced stop marks, counts and accounts for what it sends early.
 */
class GeneratorLoopStopTest {
  /** Late events are 0.8 to 2 s late here, so a full drain stays short. */
  private static final LateDelay SHORT_LATENESS = new LateDelay.Uniform(800, 2_000);

  /** MockProducer that notes when each record was handed to it (wall clock). */
  static final class TimedProducer extends MockProducer<byte[], byte[]> {
    final List<Long> sentAtMillis = new ArrayList<>();

    TimedProducer() {
      super(true, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
      sentAtMillis.add(System.currentTimeMillis());
      return super.send(record, callback);
    }
  }

  private GeneratorLoop loop;

  @AfterEach
  void stopLoop() throws Exception {
    if (loop != null) {
      loop.force();
      loop.stop().get(30, TimeUnit.SECONDS);
    }
  }

  private static GeneratorLoop start(TimedProducer producer, WorkerStats stats, long stopDrainMillis) {
    ClickSimulator sim = new ClickSimulator(new Catalog(50, 7), Behaviour.withTimeoutMillis(30, SHORT_LATENESS,
        30 * 60_000L), 5);
    GeneratorLoop loop = new GeneratorLoop(sim, producer, "t", "w1", stats, new GeneratorLoop.Options(
        RecordHeaders.LATE, false, 1, null, null, 0, stopDrainMillis, ValueEncoding.JSON), Clock.SYSTEM);
    loop.start();
    loop.apply(new Holding(1, new UserRange(1, 100), 400, false, 100)).join();
    loop.leaseUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
    return loop;
  }

  private static void await(BooleanSupplier condition, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("condition not met within " + limit).isNegative();
      Thread.sleep(10);
    }
  }

  private static long header(ProducerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? -1 : Long.parseLong(new String(h.value(), StandardCharsets.US_ASCII));
  }

  @Test
  void aStopSendsHeldBackEventsAtTheirDueTimesAndNothingNew() throws Exception {
    TimedProducer producer = new TimedProducer();
    WorkerStats stats = new WorkerStats(System.currentTimeMillis());
    loop = start(producer, stats, 60_000);
    await(() -> loop.heldLateEvents() >= 50, Duration.ofSeconds(20));
    long stopAt = System.currentTimeMillis();
    loop.stop().get(30, TimeUnit.SECONDS);
    loop = null;

    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    int late = 0;
    for (int i = 0; i < sent.size(); i++) {
      ProducerRecord<byte[], byte[]> r = sent.get(i);
      long delay = header(r, RecordSink.HEADER_LATE_DELAY);
      assertThat(header(r, RecordSink.HEADER_SENT_EARLY)).as("nothing is sent early").isEqualTo(-1);
      if (delay > 0) {
        late++;
        // The loop's wall clock is anchored to the monotonic one: allow for a few ms of drift between the two.
        assertThat(producer.sentAtMillis.get(i)).as("a late event goes out at its due time, not before")
            .isGreaterThanOrEqualTo(r.timestamp() + delay - 20);
      } else {
        assertThat(r.timestamp()).as("no new event after the stop").isLessThanOrEqualTo(stopAt + 50);
      }
    }
    Counters totals = stats.totals();
    assertThat(late).isEqualTo((int) totals.late()).isPositive();
    assertThat(totals.sentEarly()).isZero();
    assertThat(totals.generated()).isEqualTo(sent.size()).isEqualTo(totals.acked() + totals.failed());
    assertThat(producer.sentAtMillis.get(sent.size() - 1)).as("the drain waited for the last due event")
        .isGreaterThan(stopAt + 500);
  }

  @Test
  void aForcedStopSendsTheRestAtOnceMarkedCountedAndAccountedFor() throws Exception {
    TimedProducer producer = new TimedProducer();
    WorkerStats stats = new WorkerStats(System.currentTimeMillis());
    loop = start(producer, stats, 60_000);
    await(() -> loop.heldLateEvents() >= 50, Duration.ofSeconds(20));
    var stopped = loop.stop();
    await(loop::draining, Duration.ofSeconds(5));
    long forcedAt = System.currentTimeMillis();
    loop.force();
    stopped.get(30, TimeUnit.SECONDS);
    loop = null;

    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    int early = 0;
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < sent.size(); i++) {
      ProducerRecord<byte[], byte[]> r = sent.get(i);
      ids.merge(new JsonObject(new String(r.value(), StandardCharsets.UTF_8)).getString("event_id"), 1, Integer::sum);
      long earlyMillis = header(r, RecordSink.HEADER_SENT_EARLY);
      if (earlyMillis > 0) {
        early++;
        long due = r.timestamp() + header(r, RecordSink.HEADER_LATE_DELAY);
        assertThat(producer.sentAtMillis.get(i)).isLessThan(due).isGreaterThanOrEqualTo(forcedAt);
        assertThat(due - producer.sentAtMillis.get(i)).isCloseTo(earlyMillis, org.assertj.core.data.Offset.offset(25L));
      }
    }
    Counters totals = stats.totals();
    assertThat(early).isPositive().isEqualTo((int) totals.sentEarly());
    assertThat(ids.values()).as("every event once").allMatch(n -> n == 1);
    assertThat(totals.generated()).isEqualTo(sent.size()).isEqualTo(totals.acked() + totals.failed());
    assertThat(totals.pending()).isZero();
  }

  @Test
  void theDrainDeadlineCutsTheWaitShort() throws Exception {
    TimedProducer producer = new TimedProducer();
    WorkerStats stats = new WorkerStats(System.currentTimeMillis());
    loop = start(producer, stats, 200);
    await(() -> loop.heldLateEvents() >= 50, Duration.ofSeconds(20));
    loop.stop().get(30, TimeUnit.SECONDS);
    loop = null;
    Counters totals = stats.totals();
    assertThat(totals.sentEarly()).as("1 s lateness at least, a 200 ms drain: most go out early").isPositive();
    assertThat(producer.history().stream().filter(r -> header(r, RecordSink.HEADER_SENT_EARLY) > 0).count())
        .isEqualTo(totals.sentEarly());
    assertThat(totals.generated()).isEqualTo(totals.acked() + totals.failed());
  }

  /** Asking for the truth every second used to leave one callback on the stop per call, for the whole run. */
  @Test
  void truthReportsLeaveNothingBehind() throws Exception {
    TimedProducer producer = new TimedProducer();
    loop = start(producer, new WorkerStats(System.currentTimeMillis()), 0);
    for (int i = 0; i < 500; i++) {
      assertThat(loop.truthReport().get(10, TimeUnit.SECONDS)).isNotNull();
    }
    assertThat(loop.stopDependents()).isLessThanOrEqualTo(1);
    loop.stop().get(30, TimeUnit.SECONDS);
    var last = loop.truthReport().get(10, TimeUnit.SECONDS);
    loop = null;
    assertThat(last.last()).as("after the stop, the last report").isTrue();
  }
}
