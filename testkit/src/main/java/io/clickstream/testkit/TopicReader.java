package io.clickstream.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads back what really landed in a topic, independent of the code under test: a plain consumer
 * assigned to every partition from the beginning, with no consumer group, so reading commits
 * nothing and never waits for a rebalance.
 */
public final class TopicReader {

    private static final Duration POLL = Duration.ofMillis(200);

    private TopicReader() {
    }

    /**
     * Reads the topic from the beginning until at least {@code expectedAtLeast} records were read
     * and every partition is read up to its end offset, or until {@code timeout}. Returns what was
     * read (possibly fewer than expected, on timeout), so the caller's assertion shows the gap.
     * Records are in partition order, not in a global order.
     */
    public static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic,
                                                               int expectedAtLeast, Duration timeout) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>(Math.max(16, expectedAtLeast));
        scan(bootstrap, topic, expectedAtLeast, timeout, records::add);
        return records;
    }

    /**
     * Like {@link #readAll} but hands each record to {@code sink} instead of keeping them, for
     * topics too large to hold in memory. Returns the number of records read.
     */
    public static long scan(String bootstrap, String topic, long expectedAtLeast, Duration timeout,
                            Consumer<ConsumerRecord<String, String>> sink) {
        return scan(bootstrap, topic, expectedAtLeast, timeout, sink, new StringDeserializer());
    }

    /** Like {@link #readAll} with the values as they are stored: for binary formats (Avro, Protobuf). */
    public static List<ConsumerRecord<String, byte[]>> readAllBytes(String bootstrap, String topic,
                                                                   int expectedAtLeast, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(Math.max(16, expectedAtLeast));
        scan(bootstrap, topic, expectedAtLeast, timeout, records::add, new ByteArrayDeserializer());
        return records;
    }

    private static <V> long scan(String bootstrap, String topic, long expectedAtLeast, Duration timeout,
                                 Consumer<ConsumerRecord<String, V>> sink, Deserializer<V> values) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = 0;
        try (KafkaConsumer<String, V> consumer = newConsumer(bootstrap, values)) {
            List<TopicPartition> partitions = awaitPartitions(consumer, topic, deadline);
            if (partitions.isEmpty()) {
                return 0;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                for (ConsumerRecord<String, V> r : consumer.poll(POLL)) {
                    sink.accept(r);
                    count++;
                }
                // End offsets are re-read each round: a producer may still be writing, and
                // "caught up" must mean caught up with what is there now.
                if (count >= expectedAtLeast && caughtUp(consumer, partitions)) {
                    return count;
                }
                if (System.nanoTime() - deadline > 0) {
                    return count;
                }
            }
        }
    }

    /** The sum over all partitions of the end offset (the next offset to be written). */
    public static long endOffsetsSum(String bootstrap, String topic) {
        try (KafkaConsumer<String, String> consumer = newConsumer(bootstrap, new StringDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist on " + bootstrap);
            }
            return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream()
                    .mapToLong(Long::longValue).sum();
        }
    }

    private static boolean caughtUp(KafkaConsumer<String, ?> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp, Duration.ofSeconds(10)) < ends.get(tp)) {
                return false;
            }
        }
        return true;
    }

    /** The topic may be created concurrently (auto-creation by the first produce): wait for it. */
    private static List<TopicPartition> awaitPartitions(KafkaConsumer<String, ?> consumer, String topic,
                                                        long deadline) {
        while (true) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            if (!partitions.isEmpty() || System.nanoTime() - deadline > 0) {
                return partitions;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(30)).get(topic);
        if (infos == null) {
            return List.of();
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static <V> KafkaConsumer<String, V> newConsumer(String bootstrap, Deserializer<V> values) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A reader must never create the topic it is asked about (with the broker's defaults).
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "testkit-topic-reader");
        return new KafkaConsumer<>(p, new StringDeserializer(), values);
    }
}
