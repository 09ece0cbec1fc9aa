package io.clickstream.systemtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's docker-compose.yml as Compose itself resolves it: {@code docker-compose config}
 * (merges, anchors and {@code ${VAR:-default}} substitution done by the real tool, not re-implemented
 * here). There is no Docker engine on these machines; {@code config} needs none.
 *
 * <p>The tool runs with a clean environment and an empty env file, so a developer's shell or a stray
 * {@code .env} never changes what the tests see; only the given overrides are set, the way a user
 * would set them in the shell.
 */
final class ComposeProject {
  static final Path COMPOSE_FILE = ClusterFixture.ROOT.resolve("docker-compose.yml");
  static final Path DOCKERFILE = ClusterFixture.ROOT.resolve("Dockerfile");
  static final Path ENTRYPOINT = ClusterFixture.ROOT.resolve("docker/entrypoint.sh");

  /** The variables of the original producer: their names and defaults must survive in the compose file. */
  static final Map<String, String> ORIGINAL_DEFAULTS = originalDefaults();

  final Map<String, Object> config;
  final String stdout;
  final String stderr;

  private ComposeProject(Map<String, Object> config, String stdout, String stderr) {
    this.config = config;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Runs {@code docker-compose -f docker-compose.yml config} with {@code overrides} as the shell
   * environment, and parses what it prints.
   *
   * @throws AssertionError when the tool is missing, fails or prints nothing parseable
   */
  static ComposeProject resolve(Map<String, String> overrides) {
    return resolve(overrides, ClusterFixture.ROOT, null);
  }

  /**
   * As a user with this {@code .env} beside docker-compose.yml would see it: the compose file and its
   * .env are copied into a fresh directory, so the repository's own files stay untouched.
   */
  static ComposeProject resolveWithDotEnv(String dotEnv) {
    try {
      Path project = Files.createTempDirectory("compose-project-");
      try {
        Files.copy(COMPOSE_FILE, project.resolve("docker-compose.yml"));
        Files.writeString(project.resolve(".env"), dotEnv);
        return resolve(Map.of(), project, project.resolve(".env"));
      } finally {
        try (var files = Files.list(project)) {
          for (Path f : files.toList()) {
            Files.delete(f);
          }
        }
        Files.delete(project);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ComposeProject resolve(Map<String, String> overrides, Path projectDir, Path dotEnv) {
    Path envFile;
    Path out;
    Path err;
    try {
      envFile = dotEnv != null ? dotEnv : Files.createTempFile("compose-empty-", ".env");
      out = Files.createTempFile("compose-config-", ".yml");
      err = Files.createTempFile("compose-config-", ".err");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      ProcessBuilder pb = new ProcessBuilder(composeCommand(), "--env-file", envFile.toString(),
          "--project-directory", projectDir.toString(), "-f", projectDir.resolve("docker-compose.yml").toString(),
          "config")
          .directory(projectDir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      Map<String, String> env = pb.environment();
      env.clear();
      for (String keep : List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")) {
        String v = System.getenv(keep);
        if (v != null) {
          env.put(keep, v);
        }
      }
      env.putAll(overrides);
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("docker-compose config did not finish within 60 s");
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new AssertionError("docker-compose config failed with exit code " + p.exitValue() + ":\n" + stderr);
      }
      Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
      Object parsed = yaml.load(stdout);
      if (!(parsed instanceof Map<?, ?>)) {
        throw new AssertionError("docker-compose config printed no mapping:\n" + stdout);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> config = (Map<String, Object>) parsed;
      return new ComposeProject(config, stdout, stderr);
    } catch (IOException e) {
      throw new AssertionError("cannot run docker-compose (Debian package docker-compose; .ci/run installs it): " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      for (Path p : dotEnv != null ? List.of(out, err) : List.of(envFile, out, err)) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  /** {@code docker-compose} (Compose v1, Debian's package), or {@code COMPOSE_COMMAND} to use another. */
  private static String composeCommand() {
    String override = System.getenv("COMPOSE_COMMAND");
    return override == null || override.isBlank() ? "docker-compose" : override;
  }

  Map<String, Object> services() {
    return map(config.get("services"), "services");
  }

  Map<String, Object> service(String name) {
    Object s = services().get(name);
    if (s == null) {
      throw new AssertionError("no service '" + name + "' in " + services().keySet());
    }
    return map(s, "services." + name);
  }

  /** A service's environment as strings (Compose prints numbers unquoted; a null value stays null). */
  Map<String, String> environment(String service) {
    Object env = service(service).get("environment");
    Map<String, String> out = new LinkedHashMap<>();
    if (env instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
    } else if (env instanceof List<?> list) {
      for (Object o : list) {
        String s = String.valueOf(o);
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
      }
    }
    return out;
  }

  /**
   * A service's published ports as mappings (published, target, host_ip), or an empty list. Compose v2
   * prints mappings; v1 prints those with a host address as "127.0.0.1:8088:8088/tcp".
   */
  List<Map<String, Object>> ports(String service) {
    Object ports = service(service).get("ports");
    List<Map<String, Object>> out = new ArrayList<>();
    if (ports instanceof List<?> list) {
      for (Object p : list) {
        if (p instanceof String text) {
          String[] parts = text.replaceAll("/\\w+$", "").split(":");
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("target", parts[parts.length - 1]);
          if (parts.length > 1) {
            m.put("published", parts[parts.length - 2]);
          }
          if (parts.length > 2) {
            m.put("host_ip", String.join(":", java.util.Arrays.copyOf(parts, parts.length - 2)));
          }
          out.add(m);
        } else {
          out.add(map(p, service + ".ports"));
        }
      }
    }
    return out;
  }

  /** The healthcheck's test command of a service (e.g. ["CMD", "bash", "-c", "..."]), or an empty list. */
  List<String> healthcheckTest(String service) {
    Object hc = service(service).get("healthcheck");
    if (!(hc instanceof Map<?, ?> m) || m.get("test") == null) {
      return List.of();
    }
    Object test = m.get("test");
    List<String> out = new ArrayList<>();
    if (test instanceof List<?> list) {
      list.forEach(o -> out.add(String.valueOf(o)));
    } else {
      out.add("CMD-SHELL");
      out.add(String.valueOf(test));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String what) {
    if (!(o instanceof Map<?, ?>)) {
      throw new AssertionError(what + " is not a mapping: " + o);
    }
    return (Map<String, Object>) o;
  }

  private static Map<String, String> originalDefaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    d.put("TOPIC_NAME", "clickstream");
    d.put("EVENTS_PER_SECOND", "10");
    d.put("NUM_USERS", "100");
    d.put("NUM_PRODUCTS", "50");
    d.put("LATE_DATA_PERCENTAGE", "5");
    d.put("MAX_LATE_SECONDS", "120");
    d.put("SESSION_TIMEOUT_MINUTES", "30");
    d.put("SEED", "");
    return d;
  }
}
