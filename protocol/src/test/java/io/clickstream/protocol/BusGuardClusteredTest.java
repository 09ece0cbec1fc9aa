package io.clickstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard between two clustered members (two Hazelcast nodes in this JVM, on 127.0.0.1 and 127.0.0.2):
 * a message from another member arrives encoded, unlike a local one, which is what first broke the check.
 */
class BusGuardClusteredTest {
  private static final String SECRET = "correct horse battery staple";
  private Vertx guarded;
  private Vertx other;

  @AfterEach
  void close() throws Exception {
    for (Vertx vertx : new Vertx[] {other, guarded}) {
      if (vertx != null) {
        join(vertx.close());
      }
    }
  }

  private static <T> T join(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static Vertx member(String host, int port, String cluster, String secret) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("CLUSTER_NAME", cluster, "CLUSTER_MEMBERS", "127.0.0.1,127.0.0.2",
        "CLUSTER_PORT", Integer.toString(port), "CLUSTER_PORT_COUNT", "2", "CLUSTER_HOST", host));
    if (secret != null) {
      env.put("CLUSTER_SECRET", secret);
    }
    return join(ClusterBootstrap.start(ClusterConfig.fromEnv(new EnvReader(env)), MetricsSupport.newRegistry("t"))).vertx();
  }

  @Test
  void aSignedMemberIsServedAndAnUnsignedOneIsRefused() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String cluster = "bus-guard-" + System.nanoTime();
    guarded = member("127.0.0.1", port, cluster, SECRET);
    other = member("127.0.0.2", port, cluster, null);
    join(guarded.eventBus().<JsonObject>consumer("clickstream.test",
        m -> m.reply(new JsonObject().put("echo", m.body()))).completion());

    ExecutionException refused = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
        () -> join(other.eventBus().request("clickstream.test", new JsonObject().put("n", 1))));
    assertThat(((ReplyException) refused.getCause()).failureCode()).isEqualTo(BusGuard.REFUSED);
    assertThat(refused.getCause()).hasMessageContaining("no clickstream-mac header");

    BusGuard.install(other, SECRET);
    Message<JsonObject> reply = join(other.eventBus().request("clickstream.test",
        new JsonObject().put("n", 2).put("rate", 50.0).put("name", "wörker \"1\"")));
    assertThat(reply.body().getJsonObject("echo").getString("name")).isEqualTo("wörker \"1\"");
  }
}
