package io.clickstream.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/** Polls a starting broker, and a new topic, until clients can use them; fails early when the JVM dies. */
final class BrokerReadiness {
    /** Must match EmbeddedKafkaMain.READY_MARKER (no compile dependency on purpose). */
    private static final Pattern READY = Pattern.compile("EMBEDDED-KAFKA READY");

    private BrokerReadiness() {
    }

    /**
     * Ready = the broker printed its ready line (it is unfenced), its port accepts connections
     * and a client can describe the cluster. Fails early if the broker JVM dies.
     */
    static void await(JvmProcess process, Supplier<Admin> admins, String host, int port, long deadlineNanos,
                      Duration startupTimeout) {
        process.waitForLog(READY, Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        String lastError = "no attempt";
        try (Admin admin = admins.get()) {
            while (true) {
                if (!process.isAlive()) {
                    throw notReady(process, host, port, "broker exited with code " + process.waitForExit(Duration.ZERO));
                }
                try {
                    if (portAccepts(host, port)) {
                        admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                        return;
                    }
                    lastError = "port " + port + " refuses connections";
                } catch (ExecutionException | TimeoutException e) {
                    lastError = "describeCluster: " + e;
                }
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw notReady(process, host, port, "not ready within " + startupTimeout + " (" + lastError + ")");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    private static boolean portAccepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static IllegalStateException notReady(JvmProcess process, String host, int port, String why) {
        return new IllegalStateException("Kafka broker at " + host + ":" + port + " (pid " + process.pid()
                + "): " + why + "\n--- last lines of " + process.logFile() + " ---\n" + process.logTail(60));
    }

    /**
     * Creates a topic (replication factor 1) and waits until every partition has a leader, so a
     * producer or {@link TopicReader} can use it right away.
     */
    static void createTopic(Admin admin, String name, int partitions, String bootstrapServers) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!allPartitionsLed(admin, name, partitions)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("topic " + name + " has no leader for all "
                            + partitions + " partitions after 30 s");
                }
                Thread.sleep(20);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + name + " on " + bootstrapServers
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    private static boolean allPartitionsLed(Admin admin, String topic, int partitions)
            throws InterruptedException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(5, TimeUnit.SECONDS).get(topic);
            return d.partitions().size() == partitions
                    && d.partitions().stream().map(TopicPartitionInfo::leader)
                    .allMatch(l -> l != null && !l.isEmpty());
        } catch (ExecutionException | TimeoutException e) {
            return false; // metadata not propagated yet (UnknownTopicOrPartition): poll again
        }
    }
}
