package io.clickstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageRoundTripTest {
  private static <T> T viaWire(JsonObject json, java.util.function.Function<Object, T> parse) {
    // Through the encoded form, as over the clustered event bus.
    return parse.apply(new JsonObject(json.encode()));
  }

  @Test
  void everyMessageSurvivesTheWire() {
    Assignment a = new Assignment("w1", "c1", 7, new UserRange(1, 50), 123.5, true, 3000);
    assertThat(viaWire(a.toJson(), Assignment::fromJson)).isEqualTo(a);
    Assignment handedOver = new Assignment("w1", "c1", 8, new UserRange(1, 50), 1.0, false, 3000, 1_767_225_600_123L);
    assertThat(viaWire(handedOver.toJson(), Assignment::fromJson)).isEqualTo(handedOver);
    AssignmentAck withTime = new AssignmentAck("w1", 7, true, 1_767_225_600_456L);
    assertThat(viaWire(withTime.toJson(), AssignmentAck::fromJson)).isEqualTo(withTime);
    AssignmentAck ack = new AssignmentAck("w1", 7, true);
    assertThat(viaWire(ack.toJson(), AssignmentAck::fromJson)).isEqualTo(ack);
    RateChange rate = new RateChange("w1", "c1", 7, 12, 2500.5, false);
    assertThat(viaWire(rate.toJson(), RateChange::fromJson)).isEqualTo(rate);
    RateChange.Ack rateAck = new RateChange.Ack("w1", 7, true);
    assertThat(viaWire(rateAck.toJson(), RateChange.Ack::fromJson)).isEqualTo(rateAck);
    assertThatThrownBy(() -> RateChange.fromJson(rate.toJson().put("seq", 0))).isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("seq");
    assertThatThrownBy(() -> RateChange.fromJson(rate.toJson().put("eventsPerSecond", -1)))
        .isInstanceOf(MessageFormatException.class).hasMessageContaining("eventsPerSecond");
    Registration r = new Registration("w1", "node", "127.0.0.2", 42, 9100, 3, UserRange.EMPTY, "i1");
    assertThat(viaWire(r.toJson(), Registration::fromJson)).isEqualTo(r);
    RegistrationReply rr = new RegistrationReply("c1", 100);
    assertThat(viaWire(rr.toJson(), RegistrationReply::fromJson)).isEqualTo(rr);
    Registration withLastEvent = new Registration("w1", "node", "127.0.0.2", 42, 9100, 3, UserRange.EMPTY, "i1",
        1_767_225_600_123L);
    assertThat(viaWire(withLastEvent.toJson(), Registration::fromJson)).isEqualTo(withLastEvent);
    RegistrationReply withEpoch = new RegistrationReply("c1", 100, 41);
    assertThat(viaWire(withEpoch.toJson(), RegistrationReply::fromJson)).isEqualTo(withEpoch);
    // Both fields are optional on the wire: a member of the previous release omits them.
    JsonObject olderRegistration = withLastEvent.toJson();
    olderRegistration.remove("lastEventMillis");
    assertThat(Registration.fromJson(olderRegistration).lastEventMillis()).isZero();
    JsonObject olderReply = withEpoch.toJson();
    olderReply.remove("epoch");
    assertThat(RegistrationReply.fromJson(olderReply).epoch()).isZero();
    assertThatThrownBy(() -> RegistrationReply.fromJson(withEpoch.toJson().put("epoch", -1)))
        .isInstanceOf(MessageFormatException.class).hasMessageContaining("epoch");
    Heartbeat h = new Heartbeat("w1", "node", 9);
    assertThat(viaWire(h.toJson(), Heartbeat::fromJson)).isEqualTo(h);
    Heartbeat draining = new Heartbeat("w1", "node", 9, true);
    assertThat(viaWire(draining.toJson(), Heartbeat::fromJson)).isEqualTo(draining);
    HeartbeatReply hr = new HeartbeatReply("c1", "node-c", false, 3000);
    assertThat(viaWire(hr.toJson(), HeartbeatReply::fromJson)).isEqualTo(hr);
    StatsReport s = new StatsReport("w1", "h", 3, 7, new UserRange(2, 9), 50.0, true,
        new Counters(10, 8, 1, 1, 2, 1), Map.of("VIEW", 10L), 1000, new Counters(5, 4, 0, 1, 1, 0), Map.of("VIEW", 5L),
        1.5, 9.0, 12.0, 0.1, 0.5, 2.0, "boom");
    assertThat(viaWire(s.toJson(), StatsReport::fromJson)).isEqualTo(s);
  }

  @Test
  void malformedMessagesAreRefusedByName() {
    assertThatThrownBy(() -> Assignment.fromJson("hello")).isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("body must be a JSON object");
    assertThatThrownBy(() -> Assignment.fromJson(new JsonObject().put("v", 99)))
        .hasMessageContaining("unsupported protocol version 99");
    JsonObject wrongType = new Assignment("w1", "c1", 7, new UserRange(1, 50), 1, false, 3000).toJson()
        .put("epoch", "seven");
    assertThatThrownBy(() -> Assignment.fromJson(wrongType)).hasMessageContaining("'epoch' must be an integer");
    JsonObject negative = new Assignment("w1", "c1", 7, new UserRange(1, 50), 1, false, 3000).toJson()
        .put("eventsPerSecond", -1);
    assertThatThrownBy(() -> Assignment.fromJson(negative)).hasMessageContaining("field 'eventsPerSecond' must be from 0.0 to 1.0E8, got -1.0");
    assertThatThrownBy(() -> Heartbeat.fromJson(new JsonObject().put("v", 1)))
        .hasMessageContaining("'workerId' must be a non-empty string");
  }

  @Test
  void aLongKafkaErrorIsCutBySenderSoThatTheReportIsStillTaken() {
    StatsReport s = new StatsReport("w1", "h", 3, 7, new UserRange(2, 9), 50.0, true, Counters.ZERO, Map.of(), 1000,
        new Counters(5, 4, 0, -1, 1, 0), Map.of(), 1.5, 9.0, 12.0, 0.1, 0.5, 2.0, "x".repeat(5000));
    String error = viaWire(s.toJson(), StatsReport::fromJson).lastError();
    assertThat(error).hasSize(Protocol.MAX_STRING_LENGTH).endsWith("...");
  }

  @Test
  void userRangeArithmetic() {
    assertThat(new UserRange(1, 10).intersect(new UserRange(5, 20))).isEqualTo(new UserRange(5, 10));
    assertThat(new UserRange(1, 4).intersect(new UserRange(5, 20)).isEmpty()).isTrue();
    assertThat(UserRange.EMPTY.size()).isZero();
    assertThat(new UserRange(3, 3).size()).isEqualTo(1);
  }
}
