package io.clickstream.bench;

import io.clickstream.worker.format.ValueEncoding;
import io.clickstream.worker.format.ValueFormat;
import io.clickstream.worker.format.EventEncoder;
import java.io.ByteArrayOutputStream;
import java.util.Locale;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Bytes per event per VALUE_FORMAT: the mean value size over the same simulated events (default
 * population and catalog, seed 42), and the size after lz4 (the worker's default compression) when
 * values are compressed in runs of 1,000, about what one producer batch of 64 KB holds. Record overhead
 * (key, headers, batch framing) is the same for every format and left out.
 *
 * <p>Usage: {@code java -cp benchmarks/target/clickstream-benchmarks.jar io.clickstream.bench.ValueFormatSizes [events]}
 */
public final class ValueFormatSizes {
  private static final int RUN = 1000;

  private ValueFormatSizes() {
  }

  public static void main(String[] args) {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    LZ4Compressor lz4 = LZ4Factory.fastestJavaInstance().fastCompressor();
    System.out.println("| VALUE_FORMAT | bytes/value | after lz4 (runs of " + RUN + ") | vs json |");
    System.out.println("|---|---:|---:|---:|");
    double jsonBytes = 0;
    for (ValueFormat format : ValueFormat.values()) {
      EventSource source = new EventSource(100, 5, 42);
      EventEncoder encoder = new ValueEncoding(format, 1).newEncoder();
      long raw = 0;
      long compressed = 0;
      ByteArrayOutputStream run = new ByteArrayOutputStream();
      long now = 1_700_000_000_000L;
      for (int i = 1; i <= events; i++) {
        source.next(now + i);
        byte[] value = encoder.encode(source.event, now + i + 3);
        raw += value.length;
        run.writeBytes(value);
        if (i % RUN == 0 || i == events) {
          compressed += lz4.compress(run.toByteArray()).length;
          run.reset();
        }
      }
      double perValue = (double) raw / events;
      if (format == ValueFormat.JSON) {
        jsonBytes = perValue;
      }
      System.out.println(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |", format.setting(), perValue,
          (double) compressed / events, perValue / jsonBytes));
    }
  }
}
