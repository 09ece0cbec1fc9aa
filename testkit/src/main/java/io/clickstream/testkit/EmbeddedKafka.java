package io.clickstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
    /** Must match EmbeddedKafkaMain.LOG_DIR_NAME (no compile dependency on purpose). */
    private static final String LOG_DIR_NAME = "kafka-logs";
    private static final String HOST = "127.0.0.1";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Builder options;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final int port;
    private final int controllerPort;
    /** The SASL_PLAINTEXT listener's port, or -1 without {@link BrokerSettings#saslPlainUser}. */
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
     * {@link BrokerSettings#saslPlainUser}); the PLAINTEXT one of {@link #bootstrapServers()} stays open
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
            BrokerReadiness.createTopic(admin, name, partitions, bootstrapServers());
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
            DataDirs.deleteRecursively(dataDir);
        }
    }

    private void launchAndAwaitReady() {
        long started = System.nanoTime();
        List<String> args = BrokerCommand.args(dataDir, HOST, port, controllerPort, saslPort, options.saslUsers,
                options.brokerProperties);
        process = JvmProcess.mainClass(MAIN_CLASS)
                .name("kafka-broker")
                .classpath(brokerClasspath())
                .jvmArgs(options.jvmArgs)
                .args(args)
                .logFile(brokerLog())
                .start();
        BrokerReadiness.await(process, this::admin, HOST, port, started + options.startupTimeout.toNanos(),
                options.startupTimeout);
        LOG.info("Kafka broker ready at {} in {} ms (pid {}, data {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), process.pid(), dataDir);
    }

    /** The broker's class path (see {@link BrokerClasspath}); also for tests that launch the main class. */
    static String brokerClasspath() {
        return BrokerClasspath.find();
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

    /** Options for {@link EmbeddedKafka} (the setters are {@link BrokerSettings}'), and the launch. */
    public static final class Builder extends BrokerSettings<Builder> {
        private Builder() {
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
                int[] ports = BrokerCommand.freePorts(HOST);
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
