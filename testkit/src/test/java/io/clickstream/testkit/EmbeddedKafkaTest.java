package io.clickstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * One broker life: produce with lz4, read back, check the codec on disk, stop, restart on the
 * same data, read again, close. One test on purpose: every broker start costs about 3 s.
 */
class EmbeddedKafkaTest {

    private static final String TOPIC = "clicks";
    private static final int RECORDS = 500;

    @Test
    void brokerLifecycleKeepsDataAcrossRestartAndLeavesNothingBehind() throws Exception {
        long pid;
        java.nio.file.Path dataDir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            pid = kafka.pid();
            dataDir = kafka.dataDir();
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");

            kafka.createTopic(TOPIC, 3);
            List<String> sent = produce(kafka.bootstrapServers());

            assertReadsBack(kafka, sent);
            assertThat(TopicReader.endOffsetsSum(kafka.bootstrapServers(), TOPIC)).isEqualTo(RECORDS);

            Map<Integer, Integer> codecs = LogSegments.compressionCodecCounts(kafka.dataDir(), TOPIC);
            assertThat(codecs).containsOnlyKeys(LogSegments.LZ4);
            assertThat(codecs.get(LogSegments.LZ4)).isPositive().isLessThan(RECORDS); // batched
            assertThat(LogSegments.compressionCodecCounts(kafka.logDir(), TOPIC)).isEqualTo(codecs);

            kafka.stop();
            assertThat(kafka.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid)).isEmpty();
            assertThat(kafka.process().logText()).contains("EMBEDDED-KAFKA STOPPED");

            kafka.restart();
            assertThat(kafka.pid()).isNotEqualTo(pid);
            pid = kafka.pid();
            assertReadsBack(kafka, sent);
            assertThat(Files.readString(kafka.brokerLog())).contains("storage already formatted");
        }
        long closedPid = pid;
        assertThat(ProcessHandle.of(closedPid).map(ProcessHandle::isAlive)).isEmpty();
        assertThat(dataDir).doesNotExist();
    }

    private static List<String> produce(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        List<String> sent = new ArrayList<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < RECORDS; i++) {
                String value = "{\"user\":\"u" + (i % 37) + "\",\"seq\":" + i + ",\"page\":\"/p/" + i + "\"}";
                sent.add(value);
                acks.add(producer.send(new ProducerRecord<>(TOPIC, "u" + (i % 37), value)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
        return sent;
    }

    private static void assertReadsBack(EmbeddedKafka kafka, List<String> sent) {
        List<ConsumerRecord<String, String>> read =
                TopicReader.readAll(kafka.bootstrapServers(), TOPIC, RECORDS, Duration.ofSeconds(30));
        assertThat(read).hasSize(RECORDS);
        assertThat(read).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(read).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
    }
}
