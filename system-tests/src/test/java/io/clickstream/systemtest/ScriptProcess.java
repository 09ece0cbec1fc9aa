package io.clickstream.systemtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A process started from a command line (here: {@code sh docker/entrypoint.sh ROLE}, which execs
 * java, so the PID is the JVM's), with an environment built from scratch the way a container's is,
 * and stdout and stderr merged into a log file. {@link #close()} kills it by PID; a shutdown hook
 * kills whatever a failed or interrupted run left. testkit's JvmProcess launches only java itself,
 * hence this small sibling.
 */
final class ScriptProcess implements AutoCloseable {
  private static final Set<ScriptProcess> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(p -> p.process.destroyForcibly()),
        "script-process-reaper"));
  }

  final String name;
  final Path logFile;
  private final Process process;

  private ScriptProcess(String name, Path logFile, Process process) {
    this.name = name;
    this.logFile = logFile;
    this.process = process;
  }

  /** Starts {@code command} with exactly {@code env} as its environment (nothing inherited). */
  static ScriptProcess start(String name, List<String> command, Map<String, String> env, Path logFile) {
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .directory(ClusterFixture.ROOT.toFile());
      pb.environment().clear();
      env.forEach((k, v) -> {
        if (v != null) {
          pb.environment().put(k, v);
        }
      });
      ScriptProcess p = new ScriptProcess(name, logFile, pb.start());
      RUNNING.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String logTail(int lines) {
    String[] all = log().split("\n", -1);
    return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
  }

  /** Waits for a log line matching {@code pattern}; fails early, with the log tail, if the process exits. */
  void waitForLog(Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean exited = !process.isAlive();
      if (pattern.matcher(log()).find()) {
        return;
      }
      if (exited) {
        throw new AssertionError(this + " exited with " + process.exitValue() + " before logging /" + pattern
            + "/\n--- " + logFile + " ---\n" + logTail(40));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(this + " did not log /" + pattern + "/ within " + timeout + "\n--- " + logFile
            + " ---\n" + logTail(40));
      }
      sleep(200);
    }
  }

  /** Waits for the process to end; the exit code, or an AssertionError after {@code timeout}. */
  int waitForExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(this + " still running after " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    RUNNING.remove(this);
    return process.exitValue();
  }

  /** SIGTERM, by PID: what {@code docker stop} sends. */
  void terminate() {
    process.destroy();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      RUNNING.remove(this);
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ", log " + logFile + ")";
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
