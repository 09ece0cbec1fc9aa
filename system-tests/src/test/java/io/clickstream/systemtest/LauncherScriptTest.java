package io.clickstream.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script's pieces that need no cluster: its functions, sourced into bash, and the
 * start-up guards that fire before anything is built or started. LauncherIT drives the whole of
 * {@code ./clickstream local}.
 */
class LauncherScriptTest {
  static final Path SCRIPT = ClusterFixture.ROOT.resolve("clickstream");

  @TempDir
  Path dir;

  @Test
  void theWorkersStopTimeoutFollowsTheDrainSetting() {
    // Drain (STOP_DRAIN_SECONDS, else MAX_LATE_SECONDS, else 120) plus 40 s for the flush and the last report.
    assertThat(call("worker_stop_seconds", Map.of())).isEqualTo("160");
    assertThat(call("worker_stop_seconds", Map.of("MAX_LATE_SECONDS", "15"))).isEqualTo("55");
    assertThat(call("worker_stop_seconds", Map.of("MAX_LATE_SECONDS", "15", "STOP_DRAIN_SECONDS", "300")))
        .isEqualTo("340");
  }

  @Test
  void anExitIsDescribedByCodeOrSignal() {
    assertThat(call("describe_exit 137", Map.of())).isEqualTo("status 137 (SIGKILL)");
    assertThat(call("describe_exit 143", Map.of())).isEqualTo("status 143 (SIGTERM)");
    assertThat(call("describe_exit 1", Map.of())).isEqualTo("exit code 1");
    assertThat(call("describe_exit 0", Map.of())).isEqualTo("exit code 0");
  }

  @Test
  void theAddAWorkerCommandRepeatsTheSettingsAndKeepsSecretsOut() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLUSTER_NAME", "my cluster");
    env.put("TOPIC_NAME", "clicks");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
    env.put("KAFKA_PRODUCER_SASL_JAAS_CONFIG", "password=\"hunter22\"");
    env.put("KAFKA_PRODUCER_LINGER_MS", "20");
    env.put("HTTP_PORT", "8099");
    String command = call("METRICS_BASE_PORT=9200 WORKER_ID_PREFIX=w worker_command 3", env);
    assertThat(command).contains("CLUSTER_NAME=my\\ cluster ", "TOPIC_NAME=clicks ",
            "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 ", "KAFKA_PRODUCER_LINGER_MS=20 ",
            "KAFKA_PRODUCER_SASL_JAAS_CONFIG=\"$KAFKA_PRODUCER_SASL_JAAS_CONFIG\" ", "WORKER_ID=w-3 METRICS_PORT=9203 ")
        .endsWith(SCRIPT + " worker")
        .as("a secret stays out of the log").doesNotContain("hunter22")
        .as("the coordinator's own settings are not a worker's").doesNotContain("HTTP_PORT");
  }

  /** Every variable a worker reads goes into the add-a-worker command when set (but the per-worker two). */
  @Test
  void theLaunchersWorkerSettingsNameEveryVariableAWorkerReads() throws IOException {
    Set<String> read = new TreeSet<>();
    Pattern literal = Pattern.compile("\"([A-Z][A-Z0-9_]*[A-Z0-9])\"");
    for (String source : List.of("worker/src/main/java/io/clickstream/worker/WorkerConfig.java",
        "worker/src/main/java/io/clickstream/worker/format/SchemaRegistryConfig.java",
        "protocol/src/main/java/io/clickstream/protocol/ClusterConfig.java")) {
      Matcher m = literal.matcher(Files.readString(ClusterFixture.ROOT.resolve(source)));
      while (m.find()) {
        read.add(m.group(1));
      }
    }
    read.removeAll(Set.of("WORKER_ID", "METRICS_PORT"));
    // KAFKA_PRODUCER_* (the properties file's name too) go along by prefix.
    read.removeIf(name -> name.startsWith("KAFKA_PRODUCER_"));
    assertThat(read).as("variables in the worker's config sources").contains("NUM_USERS", "CLUSTER_NAME");
    Set<String> listed = Set.of(call("printf '%s\\n' \"${WORKER_SETTINGS[@]}\"", Map.of()).split("\n"));
    assertThat(listed).as("WORKER_SETTINGS in ./clickstream").containsAll(read);
  }

  @Test
  void aTakenKafkaPortStopsTheLauncherBeforeItBuildsOrStartsAnything() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      Result r = launch(Map.of("KAFKA_PORT", Integer.toString(port), "HTTP_PORT",
          Integer.toString(ClusterFixture.freePort())));
      assertThat(r.exit).as(r.output).isEqualTo(1);
      assertThat(r.output).contains("port " + port + " is taken").doesNotContain("building", "starting");
    }
  }

  @Test
  void aTakenHttpPortStopsTheLauncherBeforeItBuildsOrStartsAnything() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      Result r = launch(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "HTTP_PORT", Integer.toString(port)));
      assertThat(r.exit).as(r.output).isEqualTo(1);
      assertThat(r.output).contains("HTTP_PORT " + port + " is taken").doesNotContain("building", "starting");
    }
  }

  @Test
  void addWorkerNeedsARunningLocalCluster() throws Exception {
    Result r = run(List.of("bash", SCRIPT.toString(), "add-worker"), Map.of("CLICKSTREAM_STATE_DIR", dir.toString()));
    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output).contains("no ./clickstream local runs with the state dir " + dir);
  }

  @Test
  void shellcheckFindsNothing() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/shellcheck")), "shellcheck is not installed (Debian package shellcheck)");
    Result r = run(List.of("/usr/bin/shellcheck", SCRIPT.toString()), Map.of());
    assertThat(r.exit).as(r.output).isZero();
  }

  private Result launch(Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>(env);
    all.put("CLICKSTREAM_STATE_DIR", dir.toString());
    return run(List.of("bash", SCRIPT.toString(), "local", "--workers", "1"), all);
  }

  /** Sources the script into bash and runs {@code snippet}; its stdout, trimmed. */
  private static String call(String snippet, Map<String, String> env) {
    Result r = run(List.of("bash", "-c", ". " + SCRIPT + "; " + snippet), env);
    assertThat(r.exit).as(snippet + ":\n" + r.output).isZero();
    return r.output.strip();
  }

  record Result(int exit, String output) {
  }

  private static Result run(List<String> command, Map<String, String> env) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().clear();
      pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
      pb.environment().putAll(env);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish:\n" + out);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
