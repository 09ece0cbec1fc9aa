package io.clickstream.bench;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Prints {@code epochMillis sumOfEndOffsets} for a topic every interval until killed: what the broker
 * has stored (acknowledged, with acks=all) over time, measured the same way for every producer compared.
 *
 * <pre>java -cp clickstream-benchmarks.jar io.clickstream.bench.OffsetSampler BOOTSTRAP TOPIC [INTERVAL_MS]</pre>
 */
public final class OffsetSampler {
  private OffsetSampler() {
  }

  /** A consumer of raw records without a group: the bench tools assign partitions themselves. */
  static KafkaConsumer<byte[], byte[]> bytesConsumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(props);
  }

  static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(p.topic(), p.partition()))
        .collect(Collectors.toList());
  }

  /** Reads a topic from the beginning to its end offsets as they are now, handing each raw record over. */
  static void readAll(String bootstrap, String topic,
                      java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> each) {
    try (KafkaConsumer<byte[], byte[]> consumer = bytesConsumer(bootstrap)) {
      List<TopicPartition> partitions = partitionsOf(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(java.time.Duration.ofMillis(500)).forEach(each);
      }
    }
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 2) {
      System.err.println("usage: OffsetSampler BOOTSTRAP TOPIC [INTERVAL_MS=1000]");
      System.exit(2);
    }
    long interval = args.length > 2 ? Long.parseLong(args[2]) : 1000;
    try (KafkaConsumer<byte[], byte[]> consumer = bytesConsumer(args[0])) {
      List<TopicPartition> partitions = partitionsOf(consumer, args[1]);
      long next = System.currentTimeMillis();
      while (true) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long sum = ends.values().stream().mapToLong(Long::longValue).sum();
        System.out.println(System.currentTimeMillis() + " " + sum);
        System.out.flush();
        next += interval;
        long wait = next - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
      }
    }
  }
}
