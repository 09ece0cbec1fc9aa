package io.clickstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * A child JVM whose stdout and stderr go (merged) to a log file, so a test can wait for a log
 * line, send real signals, and show the log tail when something fails.
 *
 * <p>The log file is opened in append mode and this object only looks at what was written after
 * it started: relaunching a process with the same log file (a restart) keeps the earlier output
 * for post-mortems without an old "ready" line satisfying a new {@link #waitForLog}.
 *
 * <p>Every process still running when the test JVM exits is killed by a shutdown hook ({@link Reaper}), so a
 * crashed or interrupted test run does not leave JVMs behind (except on SIGKILL of the test JVM).
 */
public final class JvmProcess implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final int TAIL_LINES = 60;

    private final String name;
    private final Process process;
    private final Path logFile;
    private final ProcessLog log;

    private JvmProcess(String name, Process process, Path logFile, long logStart) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.log = new ProcessLog(logFile, logStart);
    }

    /** Starts describing a JVM that runs {@code mainClass} from the given class path. */
    public static Builder mainClass(String mainClass) {
        return new Builder(List.of(Objects.requireNonNull(mainClass, "mainClass")));
    }

    /** Starts describing a JVM that runs {@code java -jar jar}. */
    public static Builder jar(Path jar) {
        return new Builder(List.of("-jar", jar.toAbsolutePath().toString()));
    }

    /** The {@code java} launcher of the JVM running this code, so children match its version. */
    public static Path javaExecutable() {
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome;
        }
        return ProcessHandle.current().info().command().map(Path::of)
                .orElseThrow(() -> new IllegalStateException("cannot find the java executable of this JVM"));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything this process has written so far (stdout and stderr interleaved). */
    public String logText() {
        return log.text();
    }

    /** The last {@code lines} lines of {@link #logText()}, for failure messages. */
    public String logTail(int lines) {
        return log.tail(lines);
    }

    /**
     * Waits until one line of this process's output matches {@code pattern} (with
     * {@link Matcher#find()}), and returns that match.
     *
     * @throws IllegalStateException on timeout, or as soon as the process exits without having
     *         printed the line; the message carries the log tail
     */
    public MatchResult waitForLog(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ProcessLog.LineScanner scanner = log.scanner();
        while (true) {
            // Read the exit state before scanning: output written just before exiting is then
            // guaranteed to be in the file when we scan it.
            boolean exited = !process.isAlive();
            for (String line : scanner.newLines()) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m.toMatchResult();
                }
            }
            if (exited) {
                throw failure("exited with code " + process.exitValue() + " before logging /" + pattern + "/");
            }
            if (System.nanoTime() - deadline > 0) {
                throw failure("did not log /" + pattern + "/ within " + timeout);
            }
            pause();
        }
    }

    /** Sends a signal by PID via {@code kill}: TERM, KILL, STOP, CONT, INT, HUP or QUIT. */
    public void signal(String sig) {
        String s = sig.toUpperCase().replaceFirst("^SIG", "");
        if (!Set.of("TERM", "KILL", "STOP", "CONT", "INT", "HUP", "QUIT").contains(s)) {
            throw new IllegalArgumentException("unsupported signal '" + sig + "'");
        }
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " (pid " + pid() + ") is not running, cannot send SIG" + s);
        }
        Signals.send(s, pid(), name);
    }

    /**
     * Waits for the process to exit and returns its exit code (128 + signal number when a signal
     * ended it, e.g. 143 for TERM on a JVM that shut down through its hooks, 137 for KILL).
     *
     * @throws IllegalStateException if it is still running after {@code timeout}
     */
    public int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure("still running after " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name + " to exit", e);
        }
        Reaper.forget(process);
        return process.exitValue();
    }

    /** Kills the process (SIGKILL) if it is still running and waits until it is gone. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + pid() + ") survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Reaper.forget(process);
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + (isAlive() ? ", running" : ", exited") + ", log " + logFile + ")";
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException(name + " (pid " + pid() + ") " + what
                + "\n--- last lines of " + logFile + " ---\n" + logTail(TAIL_LINES));
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    /** What to launch. Every setter returns this builder; {@link #start()} launches. */
    public static final class Builder {
        private final List<String> target;
        private String classpath;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path logFile;
        private Path workingDir;
        private String name;
        private Path javaLauncher;

        private Builder(List<String> target) {
            this.target = target;
        }

        /** A class path string as {@code java -cp} takes it (entries separated by ':'). */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Builder classpath(List<Path> entries) {
            return classpath(String.join(java.io.File.pathSeparator,
                    entries.stream().map(p -> p.toAbsolutePath().toString()).toList()));
        }

        /** The class path of this (test) JVM, for launching mains that live in the same module. */
        public Builder inheritClasspath() {
            return classpath(System.getProperty("java.class.path"));
        }

        public Builder jvmArgs(String... jvmArgs) {
            this.jvmArgs.addAll(List.of(jvmArgs));
            return this;
        }

        public Builder jvmArgs(List<String> jvmArgs) {
            this.jvmArgs.addAll(jvmArgs);
            return this;
        }

        public Builder args(String... args) {
            this.args.addAll(List.of(args));
            return this;
        }

        public Builder args(List<String> args) {
            this.args.addAll(args);
            return this;
        }

        /** Added to (or overriding) the environment this JVM was started with. */
        public Builder env(String key, String value) {
            this.env.put(key, value);
            return this;
        }

        public Builder env(Map<String, String> env) {
            this.env.putAll(env);
            return this;
        }

        /** Where stdout and stderr go (appended). Default: a new temp file. */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        public Builder workingDir(Path workingDir) {
            this.workingDir = workingDir;
            return this;
        }

        /** A label for error messages. Default: the main class or jar name. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Another {@code java} launcher than this JVM's, for a program that needs a newer Java (the
         * Schema Registry's classes are Java 21).
         */
        public Builder java(Path executable) {
            this.javaLauncher = executable;
            return this;
        }

        public JvmProcess start() {
            List<String> cmd = new ArrayList<>();
            cmd.add((javaLauncher != null ? javaLauncher : javaExecutable()).toString());
            cmd.addAll(jvmArgs);
            if (classpath != null && !classpath.isEmpty()) {
                cmd.add("-cp");
                cmd.add(classpath);
            }
            cmd.addAll(target);
            cmd.addAll(args);
            String label = name != null ? name : target.get(target.size() - 1).replaceFirst(".*[./]", "");
            try {
                Path log = logFile != null ? logFile : Files.createTempFile(label + "-", ".log");
                Files.createDirectories(log.toAbsolutePath().getParent());
                long logStart = Files.exists(log) ? Files.size(log) : 0;
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
                if (workingDir != null) {
                    pb.directory(workingDir.toFile());
                }
                pb.environment().putAll(env);
                JvmProcess p = new JvmProcess(label, pb.start(), log, logStart);
                Reaper.watch(p.process);
                return p;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot launch " + String.join(" ", cmd), e);
            }
        }

        private static java.io.File nullDevice() {
            return new java.io.File("/dev/null");
        }
    }
}
