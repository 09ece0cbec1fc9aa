package io.clickstream.bench;

import io.clickstream.worker.format.ValueEncoding;
import io.clickstream.worker.format.ValueFormat;
import io.clickstream.worker.format.EventEncoder;
import io.clickstream.worker.simulation.ClickEvent;
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

/**
 * The value encoding alone, per VALUE_FORMAT, on the worker's path ({@code encodeReusing}, as RecordSink
 * calls it): the same 4,096 simulated events (default population and catalog, seed 42) encoded in turn,
 * so the formats are compared on identical input and the simulator's cost stays out. JSON is the baseline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ValueFormatBenchmark {
  private static final int EVENTS = 4096;

  @Param({"json", "avro", "protobuf", "json-schema"})
  public String format;

  private EventEncoder encoder;
  private final ClickEvent[] events = EventSource.sample(EVENTS);
  private int next;

  @Setup
  public void setUp() {
    encoder = new ValueEncoding(ValueFormat.of(format), 1).newEncoder();
  }

  @Benchmark
  public byte[] encode() {
    ClickEvent e = events[next];
    next = (next + 1) & (EVENTS - 1);
    return encoder.encodeReusing(e, e.eventTime + 3);
  }
}
