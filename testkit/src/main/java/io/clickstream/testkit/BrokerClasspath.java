package io.clickstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the broker JVM's classes are: written by the embedded-kafka module's build. */
final class BrokerClasspath {
    static final String CLASSPATH_FILE = "embedded-kafka/target/broker-classpath.txt";
    static final String CLASSES_DIR = "embedded-kafka/target/classes";

    private BrokerClasspath() {
    }

    /**
     * The broker's class path: the dependency list written by the embedded-kafka build plus that
     * module's classes. Found from the {@code clickstream.root} system property (set by the parent
     * pom's surefire/failsafe config), else by walking up from the working directory, because the
     * property points at the wrong place when Maven is started inside a module directory.
     */
    static String find() {
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
}
