# One image for every role of the clickstream load generator:
#   docker build -t clickstream .
#   docker run clickstream coordinator | worker | standalone
# The role given to `docker run` wins; without one the image runs its default role, standalone (the
# original single-process producer) unless built with another: docker build --build-arg ROLE=worker .
# docker-compose.yml builds this image and runs a coordinator and scalable workers: docs/DEPLOY.md.

# ---- build: the two fat jars ------------------------------------------------------------------
FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src

# Poms first, so the dependency download is a cached layer that only a pom change invalidates.
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY protocol/pom.xml protocol/
COPY embedded-kafka/pom.xml embedded-kafka/
COPY testkit/pom.xml testkit/
COPY worker/pom.xml worker/
COPY coordinator/pom.xml coordinator/
COPY system-tests/pom.xml system-tests/
COPY benchmarks/pom.xml benchmarks/
# Warms the cache only: the project's own modules are not built yet, so they are excluded, and what
# this step misses is fetched by the build below.
RUN mvn -B -q dependency:go-offline -DexcludeGroupIds=io.clickstream || true

COPY protocol/src protocol/src
COPY embedded-kafka/src embedded-kafka/src
COPY testkit/src testkit/src
COPY worker/src worker/src
COPY coordinator/src coordinator/src
# Only the two runnable modules and what they need; Maven still reads every module's pom.
RUN mvn -B -q -DskipTests package -pl worker,coordinator -am \
 && mkdir -p /out \
 && cp worker/target/clickstream-worker.jar coordinator/target/clickstream-coordinator.jar /out/

# ---- runtime: a JRE, the two jars and the entry point -----------------------------------------
FROM eclipse-temurin:17.0.17_10-jre-noble AS runtime
ARG ROLE=standalone

# A fixed uid/gid, so mounted volumes and Kubernetes securityContext (runAsNonRoot) line up.
RUN groupadd --system --gid 10001 clickstream \
 && useradd --system --uid 10001 --gid clickstream --home-dir /app --shell /usr/sbin/nologin clickstream

WORKDIR /app
COPY --from=build /out/clickstream-worker.jar /out/clickstream-coordinator.jar /app/
COPY docker/entrypoint.sh /app/entrypoint.sh

# Heap as a share of the container's memory limit, and a clean exit (so the orchestrator restarts
# the container) instead of a half-dead JVM after an OutOfMemoryError. Override JAVA_OPTS to tune.
# HTTP_HOST: a container's own loopback is reachable by nobody, so the coordinator listens on every
# interface of the container; who reaches it is up to the publish (compose: the host's loopback only).
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    HTTP_HOST=0.0.0.0 \
    CLICKSTREAM_HOME=/app \
    CLICKSTREAM_ROLE=${ROLE}

# 8088: coordinator dashboard and HTTP API; 9100: worker /metrics, /health, /ready;
# 5701-5710: Hazelcast membership. The event bus takes a free port (EVENTBUS_PORT to fix it).
EXPOSE 8088 9100 5701-5710

# By number: Kubernetes' runAsNonRoot cannot tell whether a user *name* is root, and refuses to start it.
USER 10001:10001
# Through sh, so the script needs no exec bit (COPY --chmod needs BuildKit); it execs java, which then
# is PID 1 and gets SIGTERM directly (workers flush held-back late events on it).
ENTRYPOINT ["/bin/sh", "/app/entrypoint.sh"]
