package io.clickstream.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the project's own events, one JSON per line, as a payload file for Kafka's
 * kafka-producer-perf-test ({@code --payload-file}, newline-delimited).
 *
 * <pre>java -cp clickstream-benchmarks.jar io.clickstream.bench.PayloadFile OUT [COUNT] [USERS]</pre>
 */
public final class PayloadFile {
  private PayloadFile() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: PayloadFile OUT [COUNT=50000] [USERS=100]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    int users = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    EventSource source = new EventSource(users, 0, 7);
    long now = System.currentTimeMillis();
    long bytes = 0;
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out))) {
      for (int i = 0; i < count; i++) {
        byte[] json = source.next(now + i / 1000);
        os.write(json);
        os.write('\n');
        bytes += json.length;
      }
    }
    System.out.printf("wrote %d events to %s, mean %.1f bytes%n", count, out, (double) bytes / count);
  }
}
