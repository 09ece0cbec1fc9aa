package io.clickstream.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
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
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("embedded-kafka: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(EXIT_USAGE);
            return;
        }
        if (options == null) { // --help
            System.out.println(Options.USAGE);
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

    private static void run(Options options) throws IOException {
        if (options.parentPid > 0) {
            exitWhenParentDies(options.parentPid);
        }
        Path dataDir = options.dataDir.toAbsolutePath();
        Path logDir = dataDir.resolve(LOG_DIR_NAME);
        Files.createDirectories(logDir);

        Properties props = brokerProperties(options, logDir);
        Path propsFile = dataDir.resolve(SERVER_PROPERTIES);
        writeProperties(props, propsFile);

        formatStorageIfNeeded(props, propsFile);

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
    static Properties brokerProperties(Options options, Path logDir) {
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

    private static void writeProperties(Properties props, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, "written by " + EmbeddedKafkaMain.class.getName() + "; edits are overwritten");
        }
    }

    /**
     * Formats the storage on the first start only. On a restart the directory already carries
     * meta.properties (cluster id, node id) and formatting again would be refused anyway.
     */
    private static void formatStorageIfNeeded(Properties props, Path propsFile) throws IOException {
        Path metaLogDir = Path.of(props.getProperty("metadata.log.dir",
                props.getProperty("log.dirs").split(",")[0].trim()));
        Path meta = metaLogDir.resolve("meta.properties");
        if (Files.exists(meta)) {
            System.out.println("embedded-kafka: storage already formatted (cluster.id="
                    + readClusterId(meta) + "), reusing " + metaLogDir);
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        // execute(), not main(): StorageTool.main calls Exit.exit and would end this JVM.
        // --ignore-formatted only matters if a second log dir was already formatted.
        int rc = StorageTool.execute(new String[] {
                "format", "-t", clusterId, "-c", propsFile.toString(), "--standalone", "--ignore-formatted"
        }, System.out);
        if (rc != 0) {
            throw new IllegalStateException("formatting the storage failed (exit code " + rc + ")");
        }
        System.out.println("embedded-kafka: formatted storage, cluster.id=" + clusterId);
    }

    private static String readClusterId(Path meta) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            p.load(in);
        }
        return p.getProperty("cluster.id", "?");
    }

    private static long millisSinceJvmStart() {
        // The JVM's own start stamp: ProcessHandle's start instant is derived from clock ticks
        // since boot and can be off by whole seconds.
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    /** Command line. Unknown or malformed arguments are rejected by name. */
    static final class Options {
        static final String USAGE = String.join(System.lineSeparator(),
                "usage: EmbeddedKafkaMain --data-dir DIR [--host HOST] [--port PORT]",
                "                         [--controller-port PORT] [--prop key=value ...]",
                "  --data-dir DIR          required; holds server.properties and the logs (kept across restarts)",
                "  --host HOST             listener and advertised host (default 127.0.0.1)",
                "  --port PORT             client (PLAINTEXT) port (default 9092)",
                "  --controller-port PORT  KRaft controller port (default 9093)",
                "  --prop key=value        any broker property, overriding the defaults; repeatable",
                "  --parent-pid PID        shut down gracefully when process PID exits (used by the testkit)");

        Path dataDir;
        String host = "127.0.0.1";
        int port = 9092;
        int controllerPort = 9093;
        long parentPid;
        final Map<String, String> extraProps = new LinkedHashMap<>();

        /** Returns null for --help. */
        static Options parse(String[] args) {
            Options o = new Options();
            List<String> a = new ArrayList<>(List.of(args));
            for (int i = 0; i < a.size(); i++) {
                String arg = a.get(i);
                switch (arg) {
                    case "-h", "--help" -> {
                        return null;
                    }
                    case "--data-dir" -> o.dataDir = Path.of(value(a, i++, arg));
                    case "--host" -> o.host = value(a, i++, arg);
                    case "--port" -> o.port = port(value(a, i++, arg), arg);
                    case "--controller-port" -> o.controllerPort = port(value(a, i++, arg), arg);
                    case "--parent-pid" -> o.parentPid = positiveLong(value(a, i++, arg), arg);
                    case "--prop" -> {
                        String kv = value(a, i++, arg);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--prop expects key=value, got '" + kv + "'");
                        }
                        o.extraProps.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
                }
            }
            if (o.dataDir == null) {
                throw new IllegalArgumentException("--data-dir is required");
            }
            if (o.host.isBlank()) {
                throw new IllegalArgumentException("--host must not be empty");
            }
            if (o.parentPid > 0 && !ProcessHandle.of(o.parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IllegalArgumentException("--parent-pid " + o.parentPid + " is not a running process");
            }
            if (o.port == o.controllerPort) {
                throw new IllegalArgumentException("--port and --controller-port must differ (both " + o.port + ")");
            }
            return o;
        }

        private static String value(List<String> args, int i, String name) {
            if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return args.get(i + 1);
        }

        private static long positiveLong(String s, String name) {
            try {
                long v = Long.parseLong(s);
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(name + " must be a positive number, got '" + s + "'");
        }

        private static int port(String s, String name) {
            int p;
            try {
                p = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, got '" + s + "'");
            }
            // 0 (ephemeral) cannot work: the controller port is written into the quorum config and
            // clients must know the broker port before it starts.
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException(name + " must be in 1..65535, got " + p);
            }
            return p;
        }
    }
}
