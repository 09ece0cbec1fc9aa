package io.clickstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The guard on a real (local) event bus: interceptors, replies and failures as Vert.x runs them. */
class BusGuardTest {
  private static final String SECRET = "correct horse battery staple";
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private AtomicInteger echo() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    await(vertx.eventBus().<JsonObject>consumer("clickstream.test", m -> {
      handled.incrementAndGet();
      m.reply(new JsonObject().put("echo", m.body()));
    }).completion());
    return handled;
  }

  @Test
  void signedRequestsAndRepliesPass() throws Exception {
    BusGuard guard = BusGuard.install(vertx, SECRET);
    AtomicInteger handled = echo();
    Message<JsonObject> reply = await(vertx.eventBus().request("clickstream.test", new JsonObject().put("n", 1)));
    assertThat(reply.body().getJsonObject("echo").getInteger("n")).isEqualTo(1);
    assertThat(handled).hasValue(1);
    assertThat(guard.refused()).isZero();
  }

  @Test
  void aRequestWithAWrongSignatureIsFailedAtOnceAndNeverHandled() throws Exception {
    BusGuard guard = BusGuard.install(vertx, SECRET);
    // Runs after the guard signed: what a member with another secret, or a forger, would put on the wire.
    vertx.eventBus().addOutboundInterceptor((DeliveryContext<Object> ctx) -> {
      if (ctx.message().address().equals("clickstream.test")) {
        ctx.message().headers().set(BusMac.HEADER, new BusMac("another secret, 16+ chars", System::currentTimeMillis,
            () -> new byte[] {1, 2, 3}).sign("clickstream.test", false, ctx.body()));
      }
      ctx.next();
    });
    AtomicInteger handled = echo();
    ExecutionException failed = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
        () -> await(vertx.eventBus().request("clickstream.test", new JsonObject().put("n", 1))));
    assertThat(failed.getCause()).isInstanceOf(ReplyException.class);
    ReplyException reply = (ReplyException) failed.getCause();
    assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(reply.failureCode()).isEqualTo(BusGuard.REFUSED);
    assertThat(reply.getMessage()).contains("wrong signature");
    vertx.eventBus().send("clickstream.test", new JsonObject().put("n", 2));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (guard.refused() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(guard.refused()).isEqualTo(2);
    assertThat(handled).hasValue(0);
  }

  @Test
  void anUnsignedMessageIsRefused() throws Exception {
    BusGuard guard = BusGuard.install(vertx, SECRET);
    vertx.eventBus().addOutboundInterceptor((DeliveryContext<Object> ctx) -> {
      if (ctx.message().address().equals("clickstream.test")) {
        ctx.message().headers().remove(BusMac.HEADER);
      }
      ctx.next();
    });
    AtomicInteger handled = echo();
    ExecutionException failed = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
        () -> await(vertx.eventBus().request("clickstream.test", new JsonObject())));
    assertThat(failed.getCause()).hasMessageContaining("no clickstream-mac header");
    assertThat(handled).hasValue(0);
    assertThat(guard.refused()).isEqualTo(1);
  }

  @Test
  void localFailuresStillArriveFast() throws Exception {
    BusGuard.install(vertx, SECRET);
    ExecutionException failed = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
        () -> await(vertx.eventBus().request("clickstream.nobody", new JsonObject())));
    assertThat(((ReplyException) failed.getCause()).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    await(vertx.eventBus().<JsonObject>consumer("clickstream.fails", m -> m.fail(400, "bad")).completion());
    failed = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class,
        () -> await(vertx.eventBus().request("clickstream.fails", new JsonObject())));
    assertThat(((ReplyException) failed.getCause()).failureCode()).isEqualTo(400);
  }
}
