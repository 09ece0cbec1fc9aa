package io.clickstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real Schema Registry for tests: Apicurio Registry (its Confluent-compatible API at
 * {@code /apis/ccompat/v7}) run as its own JVM with in-memory storage, like {@link EmbeddedKafka} runs the
 * broker. The distribution is a Maven artifact ({@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all})
 * that the module running the test unpacks at build and names in the system property {@value #HOME_PROPERTY}.
 * Its classes are Java 21, so it runs on a Java 21+ JDK found beside the one running the tests (or named by
 * the {@value #JAVA_HOME_PROPERTY} system property or the APICURIO_JAVA_HOME variable). Readiness is polled on
 * the management port, where Quarkus serves {@code /health/ready}. State is lost on close.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    public static final String HOME_PROPERTY = "clickstream.apicurio.home";
    public static final String JAVA_HOME_PROPERTY = "clickstream.apicurio.java.home";
    private static final String HOST = "127.0.0.1";
    private static final int MIN_JAVA = 21;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final JvmProcess process;
    private final int port;

    private EmbeddedSchemaRegistry(JvmProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a registry from the distribution named by {@value #HOME_PROPERTY} and waits until it is ready. */
    public static EmbeddedSchemaRegistry start() {
        return start(null, null);
    }

    /**
     * Like {@link #start()}, with the API behind HTTP basic auth for one user: Quarkus' own basic auth
     * and embedded user list, which Apicurio's distribution carries, so a wrong password gets a real 401.
     * Readiness on the management port stays open.
     */
    public static EmbeddedSchemaRegistry startWithBasicAuth(String user, String password) {
        return start(user, password);
    }

    private static EmbeddedSchemaRegistry start(String user, String password) {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null || !Files.isRegularFile(Path.of(home, "quarkus-run.jar"))) {
            throw new IllegalStateException("no Apicurio Registry distribution at " + HOME_PROPERTY + "=" + home
                    + " (the module's pom unpacks io.apicurio:apicurio-registry-app there before the integration tests)");
        }
        int[] ports = freePorts();
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=" + HOST, "-Dquarkus.http.port=" + ports[0],
                "-Dquarkus.management.host=" + HOST, "-Dquarkus.management.port=" + ports[1]));
        if (user != null) {
            jvmArgs.addAll(List.of("-Dquarkus.http.auth.basic=true",
                    "-Dquarkus.security.users.embedded.enabled=true",
                    "-Dquarkus.security.users.embedded.plain-text=true",
                    "-Dquarkus.security.users.embedded.users." + user + "=" + password,
                    "-Dquarkus.http.auth.permission.api.paths=/apis/*",
                    "-Dquarkus.http.auth.permission.api.policy=authenticated"));
        }
        JvmProcess process = JvmProcess.jar(Path.of(home, "quarkus-run.jar")).java(java()).name("apicurio-registry")
                .workingDir(Path.of(home)).jvmArgs(jvmArgs).start();
        try {
            awaitReady(process, ports[1]);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return new EmbeddedSchemaRegistry(process, ports[0]);
    }

    /** The Confluent-compatible API's base URL, as SCHEMA_REGISTRY_URL takes it. */
    public String url() {
        return "http://" + HOST + ":" + port + "/apis/ccompat/v7";
    }

    public JvmProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return "EmbeddedSchemaRegistry(" + url() + ", " + process + ")";
    }

    private static void awaitReady(JvmProcess process, int managementPort) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + managementPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Schema Registry exited during start:\n" + process.logTail(40));
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the Schema Registry", e);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the Schema Registry was not ready within " + START_TIMEOUT + ":\n"
                        + process.logTail(40));
            }
            pause();
        }
    }

    /** A Java 21+ launcher: the named one, or the newest JDK beside this JVM's (e.g. under /usr/lib/jvm). */
    static Path java() {
        String named = Optional.ofNullable(System.getProperty(JAVA_HOME_PROPERTY)).orElse(System.getenv("APICURIO_JAVA_HOME"));
        if (named != null) {
            return Path.of(named, "bin", "java");
        }
        if (Runtime.version().feature() >= MIN_JAVA) {
            return JvmProcess.javaExecutable();
        }
        Path jvms = Path.of(System.getProperty("java.home")).toAbsolutePath().getParent();
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(h -> featureVersion(h) >= MIN_JAVA && Files.isExecutable(h.resolve("bin/java")))
                    .max(Comparator.comparingInt(EmbeddedSchemaRegistry::featureVersion))
                    .map(h -> h.resolve("bin/java"))
                    .orElseThrow(() -> new IllegalStateException("the Schema Registry needs Java " + MIN_JAVA
                            + "+: none under " + jvms + "; set APICURIO_JAVA_HOME"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JAVA_VERSION's feature number from a JDK's release file, 0 when unreadable. */
    private static int featureVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static int[] freePorts() {
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getByName(HOST));
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Schema Registry", e);
        }
    }
}
