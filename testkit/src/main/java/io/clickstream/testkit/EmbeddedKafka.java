package io.clickstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (Kafka 4.x) running in its own JVM, for tests.
 *
 * <p>Its own JVM because the application's client is kafka-clients 3.7.x (from
 * vertx-kafka-client), and putting the 4.x broker on the same classpath would silently upgrade
 * the client under test. It also makes outages real: {@link #kill()} is a SIGKILL of a process
 * whose sockets vanish, {@link #stop()} is the SIGTERM an operator sends.
 *
 * <p>Launches {@code io.clickstream.kafka.EmbeddedKafkaMain} with the class path the
 * embedded-kafka module writes at build time, so that module must be built first.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("clicks", 3);
 *     ... produce to kafka.bootstrapServers() ...
 * }
 * }</pre>
 *
 * <p>Not thread-safe: drive one instance from one test thread.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    static final String MAIN_CLASS = "io.clickstream.kafka.EmbeddedKafkaMain";
    static final String CLASSPATH_FILE = "embedded-kafka/target/broker-classpath.txt";
    static final String CLASSES_DIR = "embedded-kafka/target/classes";
    /** Must match EmbeddedKafkaMain.READY_MARKER and LOG_DIR_NAME (no compile dependency on purpose). */
    private static final Pattern READY = Pattern.compile("EMBEDDED-KAFKA READY");
    private static final String LOG_DIR_NAME = "kafka-logs";
    private static final String HOST = "127.0.0.1";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Builder options;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;
    private final int controllerPort;
    /** The SASL_PLAINTEXT listener's port, or -1 without {@link Builder#saslPlainUser}. */
    private final int saslPort;
    private final Thread cleanupHook;
    private JvmProcess process;
    private boolean closed;

    private EmbeddedKafka(Builder options, Path dataDir, boolean ownsDataDir, int port, int controllerPort,
                          int saslPort) {
        this.options = options;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.saslPort = saslPort;
        // JvmProcess's own hook kills the JVM; this one also removes the temp data dir.
        this.cleanupHook = new Thread(this::closeQuietly, "embedded-kafka-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /** A broker with default settings on free ports and a fresh temp data dir. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /**
     * {@code 127.0.0.1:port} of the SASL_PLAINTEXT listener (mechanism PLAIN, the users given to
     * {@link Builder#saslPlainUser}); the PLAINTEXT one of {@link #bootstrapServers()} stays open
     * for the test's own clients.
     */
    public String saslBootstrapServers() {
        if (saslPort < 0) {
            throw new IllegalStateException("this broker has no SASL listener: use Builder.saslPlainUser");
        }
        return HOST + ":" + saslPort;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** Holds server.properties, broker.log and {@link #logDir()}; survives restarts. */
    public Path dataDir() {
        return dataDir;
    }

    /** The broker's {@code log.dirs}: one {@code topic-partition} directory per partition. */
    public Path logDir() {
        return dataDir.resolve(LOG_DIR_NAME);
    }

    /** The broker JVM's stdout/stderr, appended across restarts. */
    public Path brokerLog() {
        return dataDir.resolve("broker.log");
    }

    /** The current (or last) broker JVM. */
    public long pid() {
        return requireStarted().pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The broker JVM, e.g. to {@link JvmProcess#signal signal} it (STOP/CONT for a hung broker). */
    public JvmProcess process() {
        return requireStarted();
    }

    /**
     * Graceful shutdown: SIGTERM, then waits for the JVM to exit (0.4-1.5 s measured). A restart
     * after this needs no log recovery and the broker registers again at once.
     */
    public void stop() {
        JvmProcess p = requireStarted();
        if (!p.isAlive()) {
            return;
        }
        p.signal("TERM");
        try {
            p.waitForExit(STOP_TIMEOUT);
        } catch (IllegalStateException e) {
            p.close();
            throw new IllegalStateException("broker did not stop within " + STOP_TIMEOUT
                    + " after SIGTERM and was killed", e);
        }
    }

    /**
     * Crash: SIGKILL, then waits until the process is gone. A {@link #restart()} after a kill is
     * slower: the controller refuses the new registration until the old broker session expires
     * ({@code broker.session.timeout.ms}, 9 s by default: restart took about 12.5 s). For fault
     * tests set it lower, with {@code broker.heartbeat.interval.ms} below it: 1500/250 gave a
     * restart-after-kill of about 3.8 s.
     */
    public void kill() {
        requireStarted().close();
    }

    /**
     * Starts the broker again on the same data dir and ports and waits until it is ready. A
     * running broker is stopped gracefully first.
     */
    public void restart() {
        requireOpen();
        if (isRunning()) {
            stop();
        }
        launchAndAwaitReady();
    }

    /**
     * Creates a topic (replication factor 1) and waits until every partition has a leader, so a
     * producer or {@link TopicReader} can use it right away.
     */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
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
            throw new IllegalStateException("cannot create topic " + name + " on " + bootstrapServers()
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** A new Admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return Admin.create(p);
    }

    /**
     * Kills the broker if it is still running (no graceful shutdown: the data is thrown away
     * anyway) and deletes the data dir if this instance created it. A data dir passed to the
     * builder is kept.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closeQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook is running or has run
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka(" + bootstrapServers() + ", " + (isRunning() ? "running" : "stopped")
                + ", " + dataDir + ")";
    }

    private synchronized void closeQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        if (process != null) {
            process.close();
        }
        if (ownsDataDir) {
            deleteRecursively(dataDir);
        }
    }

    private void launchAndAwaitReady() {
        long started = System.nanoTime();
        List<String> args = new ArrayList<>(List.of(
                "--data-dir", dataDir.toString(),
                "--host", HOST,
                "--port", Integer.toString(port),
                "--controller-port", Integer.toString(controllerPort),
                "--parent-pid", Long.toString(ProcessHandle.current().pid())));
        Map<String, String> props = new LinkedHashMap<>(saslProperties());
        props.putAll(options.brokerProperties);
        props.forEach((k, v) -> args.addAll(List.of("--prop", k + "=" + v)));
        process = JvmProcess.mainClass(MAIN_CLASS)
                .name("kafka-broker")
                .classpath(brokerClasspath())
                .jvmArgs(options.jvmArgs)
                .args(args)
                .logFile(brokerLog())
                .start();
        awaitReady(started + options.startupTimeout.toNanos());
        LOG.info("Kafka broker ready at {} in {} ms (pid {}, data {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), process.pid(), dataDir);
    }

    /**
     * A second client listener with SASL_PLAINTEXT and PLAIN, whose users and passwords live in the
     * listener's JAAS config; the broker itself keeps talking PLAINTEXT on the first one.
     */
    private Map<String, String> saslProperties() {
        if (saslPort < 0) {
            return Map.of();
        }
        String broker = "PLAINTEXT://" + HOST + ":" + port + ",SASL_PLAINTEXT://" + HOST + ":" + saslPort;
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        options.saslUsers.forEach((user, password) ->
                jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        return Map.of(
                "listeners", broker + ",CONTROLLER://" + HOST + ":" + controllerPort,
                "advertised.listeners", broker,
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
    }

    /**
     * Ready = the broker printed its ready line (it is unfenced), its port accepts connections
     * and a client can describe the cluster. Fails early if the broker JVM dies.
     */
    private void awaitReady(long deadlineNanos) {
        process.waitForLog(READY, Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        String lastError = "no attempt";
        try (Admin admin = admin()) {
            while (true) {
                if (!process.isAlive()) {
                    throw notReady("broker exited with code " + process.waitForExit(Duration.ZERO));
                }
                try {
                    if (portAccepts()) {
                        admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                        return;
                    }
                    lastError = "port " + port + " refuses connections";
                } catch (ExecutionException | TimeoutException e) {
                    lastError = "describeCluster: " + e;
                }
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw notReady("not ready within " + options.startupTimeout + " (" + lastError + ")");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    private boolean portAccepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private IllegalStateException notReady(String why) {
        return new IllegalStateException("Kafka broker at " + bootstrapServers() + " (pid " + process.pid()
                + "): " + why + "\n--- last lines of " + process.logFile() + " ---\n" + process.logTail(60));
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

    private JvmProcess requireStarted() {
        requireOpen();
        if (process == null) {
            throw new IllegalStateException("broker was never started");
        }
        return process;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafka at " + bootstrapServers() + " is closed");
        }
    }

    /**
     * The broker's class path: the dependency list written by the embedded-kafka build plus that
     * module's classes. Found from the {@code clickstream.root} system property (set by the parent
     * pom's surefire/failsafe config), else by walking up from the working directory, because the
     * property points at the wrong place when Maven is started inside a module directory.
     */
    static String brokerClasspath() {
        Path root = findRepoRoot();
        try {
            String deps = Files.readString(root.resolve(CLASSPATH_FILE)).trim();
            Path classes = root.resolve(CLASSES_DIR);
            if (!Files.isDirectory(classes.resolve("io/clickstream/kafka"))) {
                throw new IllegalStateException("Embedded Kafka broker classes are missing in " + classes
                        + ". Build the embedded-kafka module first: mvn -pl embedded-kafka -am install");
            }
            return deps + java.io.File.pathSeparator + classes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root.resolve(CLASSPATH_FILE), e);
        }
    }

    private static Path findRepoRoot() {
        List<Path> starts = new ArrayList<>();
        String prop = System.getProperty("clickstream.root");
        if (prop != null && !prop.isBlank()) {
            starts.add(Path.of(prop));
        }
        starts.add(Path.of(System.getProperty("user.dir")));
        for (Path start : starts) {
            for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(CLASSPATH_FILE))) {
                    return dir;
                }
            }
        }
        throw new IllegalStateException("Cannot find " + CLASSPATH_FILE + " (looked upwards from "
                + starts + "). Build the embedded-kafka module first: mvn -pl embedded-kafka -am install"
                + " (or run your module's build with -am).");
    }

    /**
     * Two distinct free ports. Both sockets stay open until both are chosen, so they differ; the
     * short window until the broker binds them is covered by a retry in {@link Builder#start()}.
     */
    private static int[] freePorts() {
        try (ServerSocket a = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST));
             ServerSocket b = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST));
             ServerSocket c = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return new int[] {a.getLocalPort(), b.getLocalPort(), c.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports on " + HOST, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }

    /** Options for {@link EmbeddedKafka}. */
    public static final class Builder {
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private final Map<String, String> saslUsers = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx512m"));
        private Path dataDir;
        private Duration startupTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** Any broker property, overriding the single-node defaults (e.g. {@code num.partitions}). */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Adds a SASL_PLAINTEXT listener (mechanism PLAIN, see {@link #saslBootstrapServers()}) that
         * admits this user; repeatable for more users.
         */
        public Builder saslPlainUser(String user, String password) {
            saslUsers.put(user, password);
            return this;
        }

        public Builder brokerProperties(Map<String, String> properties) {
            brokerProperties.putAll(properties);
            return this;
        }

        /**
         * Use this data dir (created if missing; formatted only if not yet formatted) instead of a
         * temp dir. It is not deleted on close.
         */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Extra JVM options for the broker, after the default {@code -Xmx512m}. */
        public Builder jvmArgs(String... args) {
            jvmArgs.addAll(List.of(args));
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /** Launches the broker and waits until it is ready. */
        public EmbeddedKafka start() {
            brokerClasspath(); // fail fast with the "build embedded-kafka first" hint
            Path dir;
            boolean owns;
            try {
                owns = dataDir == null;
                dir = owns ? Files.createTempDirectory("embedded-kafka-") : Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the broker data dir", e);
            }
            // A free port can be taken by someone else before the broker binds it; that shows
            // as a bind failure in the log, and new ports are worth another try. Reusing the
            // (possibly just formatted) data dir with other ports is fine: measured, the KRaft
            // metadata does not pin the listener ports.
            for (int attempt = 1; ; attempt++) {
                int[] ports = freePorts();
                EmbeddedKafka kafka = new EmbeddedKafka(this, dir.toAbsolutePath(), owns, ports[0], ports[1],
                        saslUsers.isEmpty() ? -1 : ports[2]);
                try {
                    kafka.launchAndAwaitReady();
                    return kafka;
                } catch (RuntimeException e) {
                    boolean portClash = kafka.process != null
                            && kafka.process.logText().contains("Address already in use");
                    if (!portClash || attempt >= 3) {
                        kafka.close();
                        throw e;
                    }
                    LOG.warn("broker port clash on attempt {}, retrying with new ports", attempt);
                    kafka.process.close();
                    Runtime.getRuntime().removeShutdownHook(kafka.cleanupHook);
                }
            }
        }
    }
}
