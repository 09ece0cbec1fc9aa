package io.clickstream.protocol;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes Vert.x on SIGTERM, within a time limit. Neither Vert.x 5 nor vertx-hazelcast installs such a
 * hook: without it a stopped member would leave the cluster only when the others time it out, and
 * verticles would never get to stop (a worker would drop its held-back late events).
 */
public final class ShutdownHook {
  private static final Logger LOG = LoggerFactory.getLogger(ShutdownHook.class);

  private ShutdownHook() {
  }

  public static void install(Vertx vertx, String role, long timeoutSeconds) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Shutting down {} (SIGTERM or exit): closing within {} s", role, timeoutSeconds);
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
        LOG.info("{} closed cleanly", role);
      } catch (Exception e) {
        LOG.error("{} did not close within {} s: {}", role, timeoutSeconds, e.toString());
      }
    }, "clickstream-shutdown"));
  }
}
