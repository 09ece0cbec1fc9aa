package io.clickstream.coordinator;

import io.clickstream.coordinator.server.CoordinatorVerticle;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.clickstream.protocol.MetricsSupport;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The start-up log of the real coordinator verticle: an API that anyone on the network may command is
 * warned about once, at start. The server itself stays on loopback here; HTTP_PUBLISHED_HOST says the
 * port is published on every interface, as {@code COORDINATOR_HOST_IP=0.0.0.0} does in compose.
 */
class OpenApiWarningTest {
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(CoordinatorVerticle.class);
  private Vertx vertx;

  private List<String> warningsAtStart(Map<String, String> extra) throws Exception {
    log.start();
    logger.addAppender(log);
    Map<String, String> env = new java.util.HashMap<>(Map.of("HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1",
        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "COORDINATOR_SETTLE_MS", "0"));
    env.putAll(extra);
    vertx = Vertx.vertx();
    vertx.deployVerticle(new CoordinatorVerticle(CoordinatorConfig.fromEnv(env), null, MetricsSupport.newRegistry("t")))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @AfterEach
  void close() throws Exception {
    logger.detachAppender(log);
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void anApiOpenToTheNetworkWithoutATokenIsWarnedAboutAtStart() throws Exception {
    assertThat(warningsAtStart(Map.of("HTTP_PUBLISHED_HOST", "0.0.0.0")))
        .anySatisfy(w -> assertThat(w).contains("open to the network").contains("CONTROL_TOKEN"));
  }

  @Test
  void loopbackOrATokenStartsQuietly() throws Exception {
    assertThat(warningsAtStart(Map.of("HTTP_PUBLISHED_HOST", "0.0.0.0", "CONTROL_TOKEN", "s3cret-token")))
        .noneSatisfy(w -> assertThat(w).contains("open to the network"));
  }
}
