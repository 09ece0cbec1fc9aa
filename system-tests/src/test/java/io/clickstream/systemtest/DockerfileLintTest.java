package io.clickstream.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Dockerfile read as text, against a table of rules (no Docker engine here to build it, and
 * Debian has no hadolint). Each rule is one row, named after what it protects. The build stage's
 * commands themselves were run outside Docker (same COPY order, a clean local repository).
 */
class DockerfileLintTest {

  /** One Dockerfile instruction: continuation lines joined, comments dropped. */
  record Instruction(int stage, String keyword, String args) {
    boolean is(String kw) {
      return keyword.equals(kw);
    }
  }

  record Dockerfile(List<Instruction> instructions, String dockerignore) {
    Stream<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.is(keyword));
    }

    int lastStage() {
      return instructions.get(instructions.size() - 1).stage();
    }

    Stream<Instruction> finalStage(String keyword) {
      return all(keyword).filter(i -> i.stage() == lastStage());
    }

    int indexOf(Predicate<Instruction> p) {
      for (int i = 0; i < instructions.size(); i++) {
        if (p.test(instructions.get(i))) {
          return i;
        }
      }
      return -1;
    }
  }

  static final Dockerfile DOCKERFILE = parse(ComposeProject.DOCKERFILE,
      ClusterFixture.ROOT.resolve(".dockerignore"));

  private static final Pattern FROM = Pattern.compile(
      "^(?:--platform=\\S+\\s+)?(?<image>\\S+)(?:\\s+AS\\s+(?<name>\\S+))?$", Pattern.CASE_INSENSITIVE);

  static Stream<Named<Predicate<Dockerfile>>> rules() {
    return Stream.of(
        rule("is multi-stage: a build stage and a runtime stage", d -> d.all("FROM").count() >= 2),
        rule("the runtime stage takes the jars from the build stage", d ->
            d.finalStage("COPY").anyMatch(c -> c.args().startsWith("--from=") && c.args().contains(".jar"))),
        rule("base images are pinned: a tag or digest, never latest", d -> {
          List<String> stageNames = new ArrayList<>();
          return d.all("FROM").allMatch(f -> {
            Matcher m = FROM.matcher(f.args());
            if (!m.matches()) {
              return false;
            }
            String image = m.group("image");
            boolean ok = stageNames.contains(image)
                || image.contains("@sha256:")
                || (image.matches(".+:[^/:]+") && !image.endsWith(":latest"));
            if (m.group("name") != null) {
              stageNames.add(m.group("name"));
            }
            return ok;
          });
        }),
        rule("the build stage is Maven on Temurin 17, the runtime a Temurin 17 JRE", d -> {
          List<String> images = d.all("FROM").map(f -> f.args().split("\\s+")[0]).toList();
          return images.get(0).startsWith("maven:3.9") && images.get(0).contains("eclipse-temurin-17")
              && images.get(images.size() - 1).startsWith("eclipse-temurin:17") && images.get(images.size() - 1)
              .contains("jre");
        }),
        rule("dependencies are a cached layer: poms are copied before the sources", d -> {
          int firstPom = d.indexOf(i -> i.is("COPY") && i.args().contains("pom.xml"));
          int firstSrc = d.indexOf(i -> i.is("COPY") && i.args().contains("/src"));
          int goOffline = d.indexOf(i -> i.is("RUN") && i.args().contains("dependency:go-offline"));
          return firstPom >= 0 && firstPom < goOffline && goOffline < firstSrc;
        }),
        rule("the jars are built without running the tests", d ->
            d.all("RUN").anyMatch(r -> r.args().contains("mvn -B -q -DskipTests package"))),
        rule("the runtime stage runs as a non-root USER, set before the ENTRYPOINT", d -> {
          List<Instruction> users = d.finalStage("USER").toList();
          if (users.isEmpty()) {
            return false;
          }
          String user = users.get(users.size() - 1).args().split(":")[0];
          int userAt = d.instructions().lastIndexOf(users.get(users.size() - 1));
          int entryAt = d.indexOf(i -> i.is("ENTRYPOINT") && i.stage() == d.lastStage());
          return !Set.of("root", "0").contains(user) && entryAt > userAt;
        }),
        rule("the runtime USER is a numeric uid:gid other than 0, so Kubernetes' runAsNonRoot can verify it", d -> {
          List<Instruction> users = d.finalStage("USER").toList();
          return !users.isEmpty() && users.get(users.size() - 1).args().matches("[1-9]\\d*:[1-9]\\d*");
        }),
        rule("no ADD of remote URLs (COPY only what is in the repository)", d ->
            d.all("ADD").noneMatch(a -> a.args().matches("(?s).*\\b(https?|ftp)://.*"))),
        rule("the JVM sizes its heap from the container limit and exits on OutOfMemoryError", d ->
            d.all("ENV").anyMatch(e -> e.args().contains("-XX:MaxRAMPercentage=")
                && e.args().contains("-XX:+ExitOnOutOfMemoryError"))),
        rule("ENTRYPOINT is exec form (JSON), so the JVM gets SIGTERM", d ->
            d.finalStage("ENTRYPOINT").count() == 1
                && d.finalStage("ENTRYPOINT").allMatch(e -> e.args().matches("\\[\\s*\".*\"\\s*]"))),
        rule("the entry point is docker/entrypoint.sh and the jars sit where it looks (CLICKSTREAM_HOME)", d ->
            d.finalStage("COPY").anyMatch(c -> c.args().startsWith("docker/entrypoint.sh "))
                && d.finalStage("ENTRYPOINT").anyMatch(e -> e.args().contains("/app/entrypoint.sh"))
                && d.finalStage("ENV").anyMatch(e -> e.args().contains("CLICKSTREAM_HOME=/app"))
                && d.finalStage("COPY").anyMatch(c -> c.args().contains("clickstream-worker.jar")
                    && c.args().contains("clickstream-coordinator.jar") && c.args().endsWith(" /app/"))),
        rule("the runtime stage holds only the jars and the entry point", d ->
            d.finalStage("COPY").allMatch(c -> c.args().contains(".jar") || c.args().contains("entrypoint.sh"))
                && d.finalStage("ADD").findAny().isEmpty()),
        rule("the dashboard and metrics ports are exposed", d ->
            d.all("EXPOSE").anyMatch(e -> List.of(e.args().split("\\s+")).containsAll(List.of("8088", "9100")))),
        rule("every COPY source from the build context exists and is not .dockerignore'd", d ->
            d.all("COPY").filter(c -> !c.args().startsWith("--from=")).allMatch(c -> {
              String[] parts = c.args().replaceAll("--\\S+\\s+", "").split("\\s+");
              for (int i = 0; i < parts.length - 1; i++) {
                String src = parts[i].replaceAll("/$", "");
                if (!Files.exists(ClusterFixture.ROOT.resolve(src)) || ignored(d.dockerignore(), src)) {
                  return false;
                }
              }
              return true;
            })),
        rule(".dockerignore keeps build output, VCS data and local state out of the context", d ->
            Stream.of("target", ".git", ".clickstream", "node_modules")
                .allMatch(p -> d.dockerignore().lines().map(String::trim).anyMatch(l -> l.equals(p)
                    || l.equals("**/" + p) || l.equals(p + "/") || l.equals("**/" + p + "/")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void dockerfile(Predicate<Dockerfile> rule) {
    assertThat(rule.test(DOCKERFILE)).as("rule failed on " + ComposeProject.DOCKERFILE + "; instructions:\n"
        + String.join("\n", DOCKERFILE.instructions().stream().map(Instruction::toString).toList())).isTrue();
  }

  private static Named<Predicate<Dockerfile>> rule(String name, Predicate<Dockerfile> check) {
    return Named.of(name, check);
  }

  /** Whether a .dockerignore line excludes this top-level path (only the simple forms used here). */
  private static boolean ignored(String dockerignore, String path) {
    String first = path.split("/")[0];
    return dockerignore.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .anyMatch(l -> l.equals(path) || l.equals(first) || l.equals(first + "/"));
  }

  static Dockerfile parse(Path dockerfile, Path dockerignore) {
    try {
      List<Instruction> out = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      int stage = -1;
      for (String raw : Files.readAllLines(dockerfile)) {
        String line = raw.strip();
        if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
          continue;
        }
        boolean continues = line.endsWith("\\");
        current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
        if (!continues) {
          String text = current.toString().strip().replaceAll("\\s+", " ");
          current.setLength(0);
          if (text.isEmpty()) {
            continue;
          }
          int space = text.indexOf(' ');
          String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
          String args = space < 0 ? "" : text.substring(space + 1);
          if (keyword.equals("FROM")) {
            stage++;
          }
          out.add(new Instruction(stage, keyword, args));
        }
      }
      return new Dockerfile(out, Files.exists(dockerignore) ? Files.readString(dockerignore) : "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
