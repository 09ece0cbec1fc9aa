package io.clickstream.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/entrypoint.sh under dash (the image's /bin/sh) with stand-ins for what a container would
 * answer: {@code hostname -i} and {@code getent ahostsv4} as Docker's DNS does for compose services,
 * and a {@code java} that prints what it was given. So the address logic is checked exactly, without
 * containers; ComposeEquivalentIT runs the same script with the real java.
 */
class EntrypointScriptTest {
  @TempDir
  static Path dir;
  static Path bin;
  static Path home;

  @BeforeAll
  static void standIns() throws IOException {
    bin = Files.createDirectories(dir.resolve("bin"));
    home = Files.createDirectories(dir.resolve("app"));
    Files.createFile(home.resolve("clickstream-worker.jar"));
    Files.createFile(home.resolve("clickstream-coordinator.jar"));
    executable("getent", """
        #!/bin/sh
        [ "$1" = ahostsv4 ] || exit 2
        case "$2" in
          coordinator) printf '172.20.0.3      STREAM coordinator\\n172.20.0.3      DGRAM\\n172.20.0.3      RAW\\n' ;;
          worker) printf '172.20.0.5      STREAM worker\\n172.20.0.5      DGRAM\\n172.20.0.4      STREAM\\n172.20.0.6      STREAM\\n' ;;
          [0-9]*) printf '%s      STREAM %s\\n' "$2" "$2" ;;
          *) exit 2 ;;
        esac
        """);
    executable("hostname", """
        #!/bin/sh
        if [ "$1" = -i ]; then echo "${FAKE_HOSTNAME_I:-fe80::42 172.20.0.9}"; else echo container-1; fi
        """);
    executable("java", """
        #!/bin/sh
        echo "ARGS=$*"
        echo "CLUSTER_HOST=${CLUSTER_HOST:-}"
        echo "CLUSTER_PUBLIC_HOST=${CLUSTER_PUBLIC_HOST:-}"
        echo "CLUSTER_MEMBERS=${CLUSTER_MEMBERS:-}"
        echo "CONTROL_TOKEN=${CONTROL_TOKEN:-}"
        echo "KAFKA_PRODUCER_LINGER_MS=${KAFKA_PRODUCER_LINGER_MS:-}"
        """);
  }

  @Test
  void aWorkerGetsItsOwnAddressAndEveryAddressOfEachServiceName() {
    Result r = run(Map.of("CLUSTER_MEMBERS", "coordinator,worker"), "worker");
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.value("ARGS")).isEqualTo("-jar " + home.resolve("clickstream-worker.jar"));
    assertThat(r.value("CLUSTER_HOST")).isEqualTo("172.20.0.9");
    assertThat(r.value("CLUSTER_PUBLIC_HOST")).isEqualTo("172.20.0.9");
    assertThat(r.value("CLUSTER_MEMBERS")).isEqualTo("172.20.0.3,172.20.0.5,172.20.0.4,172.20.0.6");
  }

  @Test
  void portsAreKeptAddressesPassAndDuplicatesGo() {
    Result r = run(Map.of("CLUSTER_MEMBERS", " coordinator:5701, worker:5702,10.1.2.3,[fd00::1]:5701,coordinator:5701"),
        "coordinator");
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.value("ARGS")).isEqualTo("-jar " + home.resolve("clickstream-coordinator.jar"));
    assertThat(r.value("CLUSTER_MEMBERS"))
        .isEqualTo("172.20.0.3:5701,172.20.0.5:5702,172.20.0.4:5702,172.20.0.6:5702,10.1.2.3,[fd00::1]:5701");
  }

  @Test
  void aNameThatDoesNotResolveYetIsLeftOutAndSaidSo() {
    // The coordinator starts before any worker: "worker" has no address yet.
    Result r = run(Map.of("CLUSTER_MEMBERS", "coordinator,nobody"), "coordinator");
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.value("CLUSTER_MEMBERS")).isEqualTo("172.20.0.3");
    assertThat(r.output).contains("'nobody' does not resolve");
    Result alone = run(Map.of("CLUSTER_MEMBERS", "nobody"), "coordinator");
    assertThat(alone.value("CLUSTER_MEMBERS")).as("falls back to itself").isEqualTo("172.20.0.9");
  }

  @Test
  void explicitAddressesWinOverTheDetectedOne() {
    Result r = run(Map.of("CLUSTER_HOST", "0.0.0.0", "CLUSTER_PUBLIC_HOST", "10.9.8.7", "CLUSTER_MEMBERS", "10.9.8.6"),
        "worker");
    assertThat(r.value("CLUSTER_HOST")).isEqualTo("0.0.0.0");
    assertThat(r.value("CLUSTER_PUBLIC_HOST")).isEqualTo("10.9.8.7");
    assertThat(r.value("CLUSTER_MEMBERS")).isEqualTo("10.9.8.6");
  }

  @Test
  void onlyLoopbackFoundIsStillAnAddress() {
    Result r = run(Map.of("FAKE_HOSTNAME_I", "127.0.1.1", "CLUSTER_MEMBERS", "coordinator"), "worker");
    assertThat(r.value("CLUSTER_HOST")).isEqualTo("127.0.1.1");
  }

  @Test
  void standaloneRunsTheWorkerJarWithTheFlagAndNoClusterSetUp() {
    Result r = run(Map.of("JAVA_OPTS", "-Xmx64m -XX:+ExitOnOutOfMemoryError"), "standalone", "--extra");
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.value("ARGS")).isEqualTo("-Xmx64m -XX:+ExitOnOutOfMemoryError -jar "
        + home.resolve("clickstream-worker.jar") + " --standalone --extra");
    assertThat(r.value("CLUSTER_HOST")).isEmpty();
  }

  @Test
  void whatComposePassesInReachesTheJvmUntouched() {
    // ComposeFileIT shows a variable of .env in the container's environment; here it goes on to java.
    for (String role : List.of("coordinator", "worker", "standalone")) {
      Result r = run(Map.of("CONTROL_TOKEN", "from-dot-env-123", "KAFKA_PRODUCER_LINGER_MS", "25",
          "CLUSTER_MEMBERS", "coordinator"), role);
      assertThat(r.exit).as(r.output).isZero();
      assertThat(r.value("CONTROL_TOKEN")).as(role).isEqualTo("from-dot-env-123");
      assertThat(r.value("KAFKA_PRODUCER_LINGER_MS")).as(role).isEqualTo("25");
    }
  }

  @Test
  void theImageDefaultRoleAppliesWithoutAnArgument() {
    Result r = run(Map.of("CLICKSTREAM_ROLE", "standalone"));
    assertThat(r.value("ARGS")).endsWith("clickstream-worker.jar --standalone");
  }

  @Test
  void mistakesExitNonZeroWithAMessage() {
    Result unknown = run(Map.of(), "producer");
    assertThat(unknown.exit).isEqualTo(2);
    assertThat(unknown.output).contains("unknown role 'producer'", "usage:");
    Result none = run(Map.of());
    assertThat(none.exit).isEqualTo(2);
    Result noJar = run(Map.of("CLICKSTREAM_HOME", dir.resolve("nowhere").toString()), "worker");
    assertThat(noJar.exit).isEqualTo(1);
    assertThat(noJar.output).contains("jar not found");
  }

  @Test
  void shellcheckFindsNothing() throws Exception {
    assumeTrue(onPath("shellcheck"), "shellcheck is not installed (Debian package shellcheck)");
    Process p = new ProcessBuilder("shellcheck", "--shell=sh", ComposeProject.ENTRYPOINT.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  record Result(int exit, String output) {
    String value(String key) {
      return output.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
          .findFirst().orElseThrow(() -> new AssertionError("no " + key + "= in:\n" + output));
    }
  }

  private static Result run(Map<String, String> env, String... args) {
    try {
      List<String> cmd = new java.util.ArrayList<>(List.of(shell(), ComposeProject.ENTRYPOINT.toString()));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      Map<String, String> e = new LinkedHashMap<>();
      e.put("PATH", bin + ":/usr/bin:/bin");
      e.put("CLICKSTREAM_HOME", home.toString());
      e.putAll(env);
      pb.environment().clear();
      pb.environment().putAll(e);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("entrypoint.sh did not finish");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** dash, the /bin/sh of the Ubuntu-based runtime image, when present; else sh. */
  private static String shell() {
    return Files.isExecutable(Path.of("/usr/bin/dash")) ? "/usr/bin/dash"
        : Files.isExecutable(Path.of("/bin/dash")) ? "/bin/dash" : "sh";
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    return path != null && List.of(path.split(":")).stream().anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }

  private static void executable(String name, String text) throws IOException {
    Path p = bin.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
