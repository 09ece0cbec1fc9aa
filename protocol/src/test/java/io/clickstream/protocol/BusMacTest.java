package io.clickstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BusMacTest {
  private static final String SECRET = "correct horse battery staple";
  private static final String ADDRESS = Protocol.assignAddress("w1");
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private final AtomicLong nonce = new AtomicLong();

  private BusMac mac(String secret) {
    return new BusMac(secret, clock::get, () -> ByteBuffer.allocate(8).putLong(nonce.incrementAndGet()).array());
  }

  private static JsonObject body() {
    return new Assignment("w1", "c1", 7, new UserRange(1, 50), 123.5, true, 3000).toJson();
  }

  /** As over the clustered bus: the receiver sees the sender's encoding decoded again. */
  private static JsonObject viaWire(JsonObject json) {
    return new JsonObject(json.toBuffer());
  }

  @Test
  void aSignedMessageIsAcceptedAfterTheWire() {
    BusMac sender = mac(SECRET);
    BusMac receiver = mac(SECRET);
    StatsReport stats = new StatsReport("w1", "h", 3, 7, new UserRange(2, 9), 50.0, true,
        new Counters(10, 8, 1, 1, 2, 1), Map.of("VIEW", 10L), 1000, new Counters(5, 4, 0, 1, 1, 0), Map.of("VIEW", 5L),
        1.5, 9.0, 12.0, 0.1, 0.5, 2.0, "bööm \"quoted\" \u2603");
    String header = sender.sign(Protocol.STATS, false, stats.toJson());
    assertThat(receiver.check(Protocol.STATS, false, viaWire(stats.toJson()), header)).isNull();
    String assign = sender.sign(ADDRESS, false, body());
    assertThat(receiver.check(ADDRESS, false, viaWire(body()), assign)).isNull();
    String empty = sender.sign("reply.1", false, null);
    assertThat(receiver.check("reply.1", false, null, empty)).isNull();
    ReplyException failure = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 400, "bad");
    String failed = sender.sign("reply.2", false, failure);
    assertThat(receiver.check("reply.2", false, new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 400, "bad"), failed))
        .isNull();
  }

  @Test
  void aTamperedBodyIsRefused() {
    String header = mac(SECRET).sign(ADDRESS, false, body());
    JsonObject tampered = body().put("ratePerSecond", 1e9);
    assertThat(mac(SECRET).check(ADDRESS, false, tampered, header)).startsWith("wrong signature");
  }

  @Test
  void anotherAddressOrKindIsRefused() {
    String header = mac(SECRET).sign(ADDRESS, false, body());
    assertThat(mac(SECRET).check(Protocol.assignAddress("w2"), false, body(), header)).startsWith("wrong signature");
    assertThat(mac(SECRET).check(ADDRESS, true, body(), header)).startsWith("wrong signature");
  }

  @Test
  void aWrongSecretIsRefused() {
    String header = mac("not the right secret at all").sign(ADDRESS, false, body());
    assertThat(mac(SECRET).check(ADDRESS, false, body(), header)).startsWith("wrong signature");
  }

  @Test
  void aMissingOrMalformedHeaderIsRefused() {
    assertThat(mac(SECRET).check(ADDRESS, false, body(), null)).isEqualTo("no clickstream-mac header");
    assertThat(mac(SECRET).check(ADDRESS, false, body(), "v1:x:y")).startsWith("malformed");
    assertThat(mac(SECRET).check(ADDRESS, false, body(), "v1:notanumber:00:AAAA")).startsWith("malformed");
    assertThat(mac(SECRET).check(ADDRESS, false, body(), "v1:1:00:!!!")).startsWith("malformed");
    String good = mac(SECRET).sign(ADDRESS, false, body());
    assertThat(mac(SECRET).check(ADDRESS, false, body(), "v2" + good.substring(2))).startsWith("malformed");
  }

  @Test
  void aReplayedMessageIsRefused() {
    BusMac receiver = mac(SECRET);
    String header = mac(SECRET).sign(ADDRESS, false, body());
    assertThat(receiver.check(ADDRESS, false, body(), header)).isNull();
    clock.addAndGet(1000);
    assertThat(receiver.check(ADDRESS, false, body(), header)).startsWith("replayed");
  }

  @Test
  void anOldOrFutureTimestampIsRefused() {
    BusMac receiver = mac(SECRET);
    String old = mac(SECRET).sign(ADDRESS, false, body());
    clock.addAndGet(BusMac.MAX_SKEW_MILLIS + 1);
    assertThat(receiver.check(ADDRESS, false, body(), old)).startsWith("signed 60 s away");
    clock.addAndGet(-BusMac.MAX_SKEW_MILLIS - 1);
    assertThat(receiver.check(ADDRESS, false, body(), old)).isNull();
    String future = mac(SECRET).sign(ADDRESS, false, body());
    clock.addAndGet(-BusMac.MAX_SKEW_MILLIS - 1);
    assertThat(receiver.check(ADDRESS, false, body(), future)).startsWith("signed -60 s away");
  }

  @Test
  void aPublishMayReachSeveralLocalHandlers() {
    BusMac receiver = mac(SECRET);
    String header = mac(SECRET).sign(ADDRESS, true, body());
    assertThat(receiver.check(ADDRESS, true, body(), header)).isNull();
    assertThat(receiver.check(ADDRESS, true, body(), header)).isNull();
  }

  @Test
  void theNonceMemoryIsBounded() {
    BusMac sender = mac(SECRET);
    BusMac receiver = new BusMac(SECRET, clock::get, () -> ByteBuffer.allocate(8).putLong(nonce.incrementAndGet()).array(),
        100);
    String first = sender.sign(ADDRESS, false, body());
    assertThat(receiver.check(ADDRESS, false, body(), first)).isNull();
    assertThat(receiver.check(ADDRESS, false, body(), first)).startsWith("replayed");
    for (int i = 0; i < 100; i++) {
      assertThat(receiver.check(ADDRESS, false, body(), sender.sign(ADDRESS, false, body()))).isNull();
    }
    // The eldest was forgotten to make room; its timestamp is still fresh, so a flood can open a replay window
    // for the eldest nonces only; that is the bound's price, and why it is far above the legitimate rate.
    assertThat(receiver.check(ADDRESS, false, body(), first)).isNull();
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> mac("short")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16");
  }
}
