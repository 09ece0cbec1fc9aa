package io.clickstream.kafka;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;

/**
 * Runs one single-node KRaft Kafka broker (broker and controller roles in one JVM).
 *
 * <pre>
 * java -cp "$(cat embedded-kafka/target/broker-classpath.txt):embedded-kafka/target/classes" \
 *   io.clickstream.kafka.EmbeddedKafkaMain --data-dir DIR [--host 127.0.0.1] [--port 9092]
 *   [--controller-port 9093] [--prop key=value ...] [--parent-pid PID]
 * </pre>
 *
 * <p>The storage is formatted only on the first start, so starting again on the same data dir
 * keeps the topics and records: broker-outage tests rely on that. When the broker is ready it
 * prints one line starting with {@value #READY_MARKER}; tools that launch it wait for that line
 * (or for the port). SIGTERM shuts it down gracefully.
 */
public final class EmbeddedKafkaMain {

    /** Printed on stdout once the broker is unfenced and accepts clients. Launchers grep for it. */
    public static final String READY_MARKER = "EMBEDDED-KAFKA READY";

    /** Printed on stdout when a graceful shutdown (SIGTERM) has completed. */
    public static final String STOPPED_MARKER = "EMBEDDED-KAFKA STOPPED";

    /** Sub-directory of the data dir that holds the partition logs and the KRaft metadata log. */
    public static final String LOG_DIR_NAME = "kafka-logs";

    public static final String SERVER_PROPERTIES = "server.properties";

    private static final int EXIT_USAGE = 2;
    private static final int EXIT_FAILURE = 1;

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) {
        BrokerOptions options;
        try {
            options = BrokerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("embedded-kafka: " + e.getMessage());
            System.err.println(BrokerOptions.USAGE);
            System.exit(EXIT_USAGE);
            return;
        }
        if (options == null) { // --help
            System.out.println(BrokerOptions.USAGE);
            return;
        }
        try {
            run(options);
        } catch (Throwable e) {
            System.err.println("embedded-kafka: failed: " + e);
            e.printStackTrace();
            // halt, not exit: a half-started broker has non-daemon threads and shutdown hooks that
            // could hang, and the launcher must see the failure promptly.
            Runtime.getRuntime().halt(EXIT_FAILURE);
        }
    }

    private static void run(BrokerOptions options) throws IOException {
        if (options.parentPid > 0) {
            exitWhenParentDies(options.parentPid);
        }
        Path dataDir = options.dataDir.toAbsolutePath();
        Path logDir = dataDir.resolve(LOG_DIR_NAME);
        Files.createDirectories(logDir);

        Properties props = brokerProperties(options, logDir);
        Path propsFile = dataDir.resolve(SERVER_PROPERTIES);
        BrokerStorage.writeProperties(props, propsFile);

        BrokerStorage.formatStorageIfNeeded(props, propsFile);

        KafkaConfig config = KafkaConfig.fromProps(props, false);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        // Same hook as kafka.Kafka#main: SIGTERM -> controlled shutdown, so partitions are closed
        // cleanly and a restart on this data dir needs no log recovery.
        Exit.addShutdownHook("kafka-shutdown-hook", () -> {
            try {
                server.shutdown();
                System.out.println(STOPPED_MARKER + " pid=" + ProcessHandle.current().pid());
                System.out.flush();
            } catch (Throwable t) {
                System.err.println("embedded-kafka: shutdown failed, halting: " + t);
                Runtime.getRuntime().halt(EXIT_FAILURE);
            }
        });

        // startup() returns only after the broker has caught up with the metadata log and been
        // unfenced by the controller, i.e. when it can serve produce/fetch requests.
        server.startup();
        System.out.printf("%s bootstrap=%s:%d controller=%s:%d dataDir=%s startupMs=%d pid=%d%n",
                READY_MARKER, options.host, options.port, options.host, options.controllerPort,
                dataDir, millisSinceJvmStart(), ProcessHandle.current().pid());
        System.out.flush();

        server.awaitShutdown();
    }

    /**
     * A launcher that is SIGKILLed (e.g. a test JVM killed by a timeout) runs no shutdown hook, so
     * the broker would live on holding its ports. Watching the launcher closes that hole.
     */
    private static void exitWhenParentDies(long parentPid) {
        ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
        if (parent == null) { // it died between parsing and now
            System.out.println("embedded-kafka: parent process " + parentPid + " is gone, not starting");
            System.exit(0);
        }
        parent.onExit().thenRun(() -> {
            System.out.println("embedded-kafka: parent process " + parentPid + " is gone, shutting down");
            // From a fresh thread: System.exit blocks until the shutdown hooks are done, and this
            // callback runs on a JDK-internal thread that should not be held that long.
            new Thread(() -> System.exit(0), "parent-gone-exit").start();
        });
    }

    /** The defaults of a one-node KRaft cluster; {@code --prop} overrides any of them. */
    static Properties brokerProperties(BrokerOptions options, Path logDir) {
        String broker = options.host + ":" + options.port;
        String controller = options.host + ":" + options.controllerPort;
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        // Dynamic quorum (KIP-853): the bootstrap server plus "format --standalone" replaces the
        // static controller.quorum.voters list.
        p.put("controller.quorum.bootstrap.servers", controller);
        p.put("listeners", "PLAINTEXT://" + broker + ",CONTROLLER://" + controller);
        p.put("advertised.listeners", "PLAINTEXT://" + broker);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // One node: every internal topic must be satisfiable with a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Tests start consumers and expect them to get partitions at once, not after 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.putAll(options.extraProps);

        Properties props = new Properties();
        p.forEach(props::setProperty);
        return props;
    }

    private static long millisSinceJvmStart() {
        // The JVM's own start stamp: ProcessHandle's start instant is derived from clock ticks
        // since boot and can be off by whole seconds.
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }
}
