package io.clickstream.bench;

import io.clickstream.worker.WorkerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The keyed baseline: a minimal loop over the plain {@link KafkaProducer} (the 3.7.1 client the worker
 * uses) sending pre-generated events of the project keyed by user_id, with exactly the worker's
 * producer settings (taken from {@link WorkerConfig}, so they cannot drift). Nothing is simulated or
 * encoded while sending: this is the physical limit for keyed sends from one JVM.
 *
 * <pre>java -cp clickstream-benchmarks.jar io.clickstream.bench.KeyedBaseline BOOTSTRAP TOPIC SECONDS</pre>
 * Prints one line per second with the acknowledged count, and a summary.
 */
public final class KeyedBaseline {
  private static final int PREGENERATED = 100_000;

  private KeyedBaseline() {
  }

  public static void main(String[] args) {
    if (args.length < 3) {
      System.err.println("usage: KeyedBaseline BOOTSTRAP TOPIC SECONDS");
      System.exit(2);
    }
    String bootstrap = args[0];
    String topic = args[1];
    long seconds = Long.parseLong(args[2]);
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    Map<String, Object> props = new HashMap<>(WorkerConfig.fromEnv(env).producerProperties());
    System.out.println("producer settings: " + props);

    EventSource source = new EventSource(100, 0, 11);
    byte[][] keys = new byte[PREGENERATED][];
    byte[][] values = new byte[PREGENERATED][];
    long now = System.currentTimeMillis();
    for (int i = 0; i < PREGENERATED; i++) {
      values[i] = source.next(now);
      keys[i] = source.key();
    }

    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Callback callback = (metadata, error) -> {
      if (error == null) {
        acked.incrementAndGet();
      } else {
        failed.incrementAndGet();
      }
    };
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      long nextReport = start + 1_000_000_000L;
      long lastAcked = 0;
      int i = 0;
      while (true) {
        long t = System.nanoTime();
        if (t - end >= 0) {
          break;
        }
        // Check the clock only every 256 sends; the loop itself must not be the cost measured.
        for (int k = 0; k < 256; k++) {
          producer.send(new ProducerRecord<>(topic, keys[i], values[i]), callback);
          i = i + 1 == PREGENERATED ? 0 : i + 1;
        }
        sent += 256;
        if (t - nextReport >= 0) {
          long a = acked.get();
          System.out.printf("t=%d acked=%d rate=%d/s%n", System.currentTimeMillis(), a, a - lastAcked);
          lastAcked = a;
          nextReport += 1_000_000_000L;
        }
      }
      long sendSeconds = System.nanoTime() - start;
      producer.flush();
      System.out.printf("KeyedBaseline: sent %d, acked %d, failed %d in %.1f s: %.0f acked/s%n",
          sent, acked.get(), failed.get(), sendSeconds / 1e9, acked.get() / (sendSeconds / 1e9));
    }
  }
}
