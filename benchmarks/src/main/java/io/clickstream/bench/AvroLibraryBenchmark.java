package io.clickstream.bench;

import io.clickstream.worker.format.AsciiFields;
import io.clickstream.worker.simulation.ClickEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same encoding as {@code ValueFormatBenchmark} with {@code format=avro}, done the usual way with
 * Avro's library: the event's strings built, a reused GenericRecord filled, GenericDatumWriter into a reused
 * BinaryEncoder and stream, the 5-byte Confluent prefix in front. Why the worker's Avro encoder is
 * hand-written.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class AvroLibraryBenchmark {
  private static final int EVENTS = 4096;
  private static final byte[] PREFIX = {0, 0, 0, 0, 1};

  private final ClickEvent[] events = EventSource.sample(EVENTS);
  private final byte[] scratch = new byte[64];
  private GenericDatumWriter<GenericRecord> writer;
  private GenericData.Record record;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
  private BinaryEncoder encoder;
  private int next;

  @Setup
  public void setUp() throws IOException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("schemas/clickstream.avsc")) {
      Schema schema = new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      writer = new GenericDatumWriter<>(schema);
      record = new GenericData.Record(schema);
    }
  }

  @Benchmark
  public byte[] encode() {
    ClickEvent e = events[next];
    next = (next + 1) & (EVENTS - 1);
    record.put(0, text(AsciiFields.uuid(scratch, 0, e.eventHi, e.eventLo)));
    record.put(1, text(AsciiFields.userId(scratch, 0, e.user)));
    record.put(2, text(AsciiFields.sessionId(scratch, 0, e.sessionHi, e.sessionLo)));
    record.put(3, e.type.name());
    record.put(4, text(AsciiFields.productId(scratch, 0, e.product)));
    record.put(5, e.priceCents / 100.0);
    record.put(6, e.eventTime);
    record.put(7, e.eventTime + 3);
    out.reset();
    out.write(PREFIX, 0, PREFIX.length);
    encoder = EncoderFactory.get().binaryEncoder(out, encoder);
    try {
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.toByteArray();
  }

  private String text(int length) {
    return new String(scratch, 0, length, StandardCharsets.US_ASCII);
  }
}
