package io.clickstream.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a test may set on a broker before it starts; {@link EmbeddedKafka.Builder} adds the launch. Every
 * setter returns the builder.
 */
public abstract class BrokerSettings<B extends BrokerSettings<B>> {
    BrokerSettings() {
    }

    final Map<String, String> brokerProperties = new LinkedHashMap<>();
    final Map<String, String> saslUsers = new LinkedHashMap<>();
    final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx512m"));
    Path dataDir;
    Duration startupTimeout = Duration.ofSeconds(60);

    /** Any broker property, overriding the single-node defaults (e.g. {@code num.partitions}). */
    public B brokerProperty(String key, String value) {
        brokerProperties.put(key, value);
        return self();
    }

    /**
     * Adds a SASL_PLAINTEXT listener (mechanism PLAIN, see {@link EmbeddedKafka#saslBootstrapServers()}) that
     * admits this user; repeatable for more users.
     */
    public B saslPlainUser(String user, String password) {
        saslUsers.put(user, password);
        return self();
    }

    public B brokerProperties(Map<String, String> properties) {
        brokerProperties.putAll(properties);
        return self();
    }

    /**
     * Use this data dir (created if missing; formatted only if not yet formatted) instead of a
     * temp dir. It is not deleted on close.
     */
    public B dataDir(Path dataDir) {
        this.dataDir = dataDir;
        return self();
    }

    /** Extra JVM options for the broker, after the default {@code -Xmx512m}. */
    public B jvmArgs(String... args) {
        jvmArgs.addAll(List.of(args));
        return self();
    }

    public B startupTimeout(Duration timeout) {
        this.startupTimeout = timeout;
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
