package io.clickstream.bench;

import io.clickstream.worker.format.EventJsonEncoder;
import io.clickstream.worker.publish.Ids;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.truth.TruthRecorder;
import io.clickstream.protocol.UserRange;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One step of the worker's hot path without Kafka: simulate the next event, serialise it to the
 * 8-field JSON, and build its Kafka key; what {@code GeneratorLoop} does per event before
 * {@code producer.send()}. Run with {@code -prof gc} for bytes per event (gc.alloc.rate.norm).
 *
 * <p>Simulated time advances 1 ms every 1,000 events, as it does in a worker producing 1 M events/s, so
 * sessions time out as often as they would at that rate (a per-call clock would expire every session).
 * Before measuring, the simulator runs two events per user, so most users have a session, as in a
 * worker that has run for a while (the cold start of a large population is what bench/memory.sh shows).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class GenerationBenchmark {
  /** The default population (100) and the large one of the memory run. */
  @Param({"100", "1000000"})
  public int users;

  /** The default LATE_DATA_PERCENTAGE. Late events are encoded here too (the worker does it later). */
  @Param({"5"})
  public double latePercentage;

  private ClickSimulator simulator;
  private EventJsonEncoder encoder;
  private ClickEvent event;
  private long now;
  private int tick;
  private TruthRecorder truth;

  @Setup
  public void setUp() {
    simulator = EventSource.newSimulator(users, latePercentage, 42);
    encoder = new EventJsonEncoder();
    event = new ClickEvent();
    now = 1_700_000_000_000L;
    for (long i = 0, n = 2L * users; i < n; i++) {
      simulator.next(now + i / 1000, event);
    }
    now += 2L * users / 1000 + 1;
    truth = new TruthRecorder(60_000, new long[] {0, 10, 30, 60, 120}, 30 * 60_000L);
    truth.assign(new UserRange(1, users));
  }

  @Benchmark
  public void simulateEncodeKey(Blackhole bh) {
    if (++tick == 1000) {
      tick = 0;
      now++;
    }
    simulator.next(now, event);
    bh.consume(encoder.encodeReusing(event, now));
    bh.consume(Ids.userKey(event.user));
  }

  /**
   * The same with what a cluster worker adds per event by default: the partition of the key and the
   * ground truth (session on generation, window on send). Cut once a second in the worker, here every
   * million events, so the recorder's maps stay as small as in a worker.
   */
  @Benchmark
  public void simulateEncodeKeyWithTruth(Blackhole bh) {
    if (++tick == 1000) {
      tick = 0;
      now++;
      if (now % 1000 == 0) {
        bh.consume(truth.cut(now, now));
      }
    }
    simulator.next(now, event);
    event.key = Ids.userKey(event.user);
    event.partition = Ids.partitionOfKey(event.key, 12);
    truth.generated(event);
    truth.sent(event, now, 1);
    bh.consume(encoder.encodeReusing(event, now));
    bh.consume(event.key);
  }
}
