package io.clickstream.worker.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.UserRange;
import io.clickstream.worker.publish.Ids;
import io.clickstream.worker.simulation.Behaviour;
import io.clickstream.worker.simulation.Catalog;
import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.simulation.EventType;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventJsonEncoderTest {
  @Test
  void writesExactlyTheEightSchemaFields() {
    ClickEvent e = new ClickEvent();
    e.user = 7;
    e.sessionHi = 0x0123456789AB4DEFL;
    e.sessionLo = 0x8123456789ABCDEFL;
    e.eventHi = 0xFEDCBA9876544210L;
    e.eventLo = 0xBEDCBA9876543210L;
    e.type = EventType.ADD_TO_CART;
    e.product = 3;
    e.priceCents = 9_990;
    e.eventTime = 1_700_000_000_123L;
    EventJsonEncoder encoder = new EventJsonEncoder();
    String json = new String(encoder.encode(e, 1_700_000_000_456L), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"event_id\":\"fedcba98-7654-4210-bedc-ba9876543210\",\"user_id\":\"USER_0007\","
        + "\"session_id\":\"session-01234567-89ab-4def-8123-456789abcdef\",\"event_type\":\"ADD_TO_CART\","
        + "\"product_id\":\"PROD_003\",\"price\":99.90,\"event_time\":1700000000123,\"processing_time\":1700000000456}");
    JsonObject parsed = new JsonObject(json);
    assertThat(parsed.fieldNames()).hasSize(8);
    // The generator is reused: a second event must not carry anything of the first.
    e.type = EventType.VIEW;
    e.priceCents = 5;
    String second = new String(encoder.encode(e, 1L), StandardCharsets.UTF_8);
    assertThat(new JsonObject(second).getString("event_type")).isEqualTo("VIEW");
    assertThat(second).contains("\"price\":0.05,");
  }

  /**
   * The hand-written bytes against an independent JSON parser (Jackson, through Vert.x), over simulated
   * events of every kind, including the reused-array path.
   */
  @Test
  void everySimulatedEventParsesBackToItsFields() {
    ClickSimulator sim = new ClickSimulator(new Catalog(2000, 3), Behaviour.defaults(5, 120, 30), 5);
    sim.assign(new UserRange(1, 123_456), 1);
    EventJsonEncoder encoder = new EventJsonEncoder();
    ClickEvent e = new ClickEvent();
    for (int i = 0; i < 20_000; i++) {
      long now = 1_700_000_000_000L + i * 7L;
      sim.next(now, e);
      byte[] fresh = encoder.encode(e, now + 3);
      byte[] reused = encoder.encodeReusing(e, now + 3);
      assertThat(reused).isEqualTo(fresh);
      JsonObject json = new JsonObject(new String(fresh, StandardCharsets.UTF_8));
      assertThat(json.fieldNames()).hasSize(8);
      assertThat(json.getString("event_id")).isEqualTo(Ids.uuid(e.eventHi, e.eventLo));
      assertThat(json.getString("user_id")).isEqualTo(Ids.userId(e.user));
      assertThat(json.getString("session_id")).isEqualTo("session-" + Ids.uuid(e.sessionHi, e.sessionLo));
      assertThat(json.getString("event_type")).isEqualTo(e.type.name());
      assertThat(json.getString("product_id")).isEqualTo(Ids.productId(e.product));
      assertThat(json.getDouble("price")).isEqualTo(e.priceCents / 100.0);
      assertThat(json.getLong("event_time")).isEqualTo(now);
      assertThat(json.getLong("processing_time")).isEqualTo(now + 3);
      assertThat(new String(Ids.userKey(e.user), StandardCharsets.US_ASCII)).isEqualTo(Ids.userId(e.user));
    }
  }

  @Test
  void idsArePaddedButNeverTruncated() {
    assertThat(Ids.userId(1)).isEqualTo("USER_0001");
    assertThat(Ids.userId(123_456)).isEqualTo("USER_123456");
    assertThat(Ids.productId(1)).isEqualTo("PROD_001");
    assertThat(Ids.productId(1000)).isEqualTo("PROD_1000");
    assertThat(new String(Ids.userKey(42), StandardCharsets.US_ASCII)).isEqualTo("USER_0042");
    char[] buf = new char[16];
    assertThat(new String(buf, 0, Ids.writePrice(123_400, buf, 0))).isEqualTo("1234.00");
  }
}
