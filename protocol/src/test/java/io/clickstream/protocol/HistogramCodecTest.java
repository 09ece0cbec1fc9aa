package io.clickstream.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramCodecTest {
  private static final String FIELD = "ackLatencyHistogram";

  @Test
  void aHistogramSurvivesTheWireWithItsCounts() {
    Histogram h = HistogramCodec.newHistogram();
    for (long v = 1; v <= 10_000; v++) {
      h.recordValue(v * 37);
    }
    h.recordValue(HistogramCodec.MAX_RECORDED_MICROS);
    Histogram back = HistogramCodec.decode(new JsonObject().put(FIELD, HistogramCodec.encode(h)), FIELD);
    assertThat(back).isEqualTo(h);
    assertThat(back.getTotalCount()).isEqualTo(10_001);
    assertThat(back.getValueAtPercentile(99)).isEqualTo(h.getValueAtPercentile(99));
    assertThat(HistogramCodec.encode(h).length()).isLessThan(HistogramCodec.MAX_ENCODED_CHARS);
  }

  @Test
  void anEmptyHistogramRoundTrips() {
    Histogram empty = HistogramCodec.newHistogram();
    assertThat(HistogramCodec.decode(new JsonObject().put(FIELD, HistogramCodec.encode(empty)), FIELD).getTotalCount())
        .isZero();
  }

  @Test
  void aStatsReportCarriesItsHistogramsBothWays() {
    Histogram ack = HistogramCodec.newHistogram();
    ack.recordValue(1500);
    ack.recordValue(9000);
    Histogram lag = HistogramCodec.newHistogram();
    lag.recordValue(200);
    StatsReport s = new StatsReport("w1", "h", 3, 7, new UserRange(2, 9), 50.0, true, Counters.ZERO, Map.of(), 1000,
        Counters.ZERO, Map.of(), 1.5, 9.0, 9.0, 0.2, 0.2, 0.2, null, ack, lag);
    StatsReport back = StatsReport.fromJson(new JsonObject(s.toJson().encode()));
    assertThat(back).isEqualTo(s);
    assertThat(back.ackLatencyMicros().getTotalCount()).isEqualTo(2);
    StatsReport without = new StatsReport("w1", "h", 3, 7, new UserRange(2, 9), 50.0, true, Counters.ZERO, Map.of(),
        1000, Counters.ZERO, Map.of(), 1.5, 9.0, 9.0, 0.2, 0.2, 0.2, null);
    assertThat(without.toJson().containsKey("ackLatencyHistogram")).isFalse();
    assertThat(StatsReport.fromJson(without.toJson()).ackLatencyMicros()).isNull();
  }

  @Test
  void aReportHoldsItsOwnCopySoTheWorkersRecycledHistogramCannotChangeIt() {
    Histogram recycled = HistogramCodec.newHistogram();
    recycled.recordValue(10);
    StatsReport s = new StatsReport("w1", "h", 1, 0, UserRange.EMPTY, 0, false, Counters.ZERO, Map.of(), 1000,
        Counters.ZERO, Map.of(), 0, 0, 0, 0, 0, 0, null, recycled, null);
    recycled.reset();
    assertThat(s.ackLatencyMicros().getTotalCount()).isEqualTo(1);
  }

  @Test
  void hostileHistogramsAreRefusedByFieldName() {
    refused("not base64 at all!", "is not base64");
    refused("A".repeat(HistogramCodec.MAX_ENCODED_CHARS + 4), "at most " + HistogramCodec.MAX_ENCODED_CHARS);
    refused(base64(new byte[] {1, 2, 3}), "too short");
    refused(base64(new byte[64]), "not a compressed HdrHistogram");
    Histogram fiveDigits = new Histogram(5);
    fiveDigits.recordValue(5);
    refused(encodeAny(fiveDigits), "3 significant digits");
    Histogram huge = new Histogram(1, 1L << 50, 3);
    huge.recordValue(1L << 49);
    refused(encodeAny(huge), "must track values up to at most");
    Histogram many = HistogramCodec.newHistogram();
    for (long v = 1; v < 100_000; v += 7) {
      many.recordValue(v);
    }
    byte[] good = Base64.getDecoder().decode(HistogramCodec.encode(many));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    refused(base64(truncated), "compressed bytes but holds");
    ByteBuffer.wrap(truncated).putInt(4, truncated.length - 8);
    refused(base64(truncated), FIELD);
    ByteBuffer plain = ByteBuffer.allocate(many.getNeededByteBufferCapacity());
    int plainLength = many.encodeIntoByteBuffer(plain);
    refused(compressed(java.util.Arrays.copyOf(plain.array(), 40 + (plainLength - 40) / 2)),
        "payload bytes, its header says");
  }

  @Test
  void aForgedHeaderAskingForAHugeCountsArrayIsRefusedBeforeAllocation() {
    // The inner cookie is not checked by us (HdrHistogram checks it after); the sizes are.
    ByteBuffer header = ByteBuffer.allocate(40);
    header.putInt(0x1c849303 | 0x90).putInt(Integer.MAX_VALUE).putInt(0).putInt(3).putLong(1).putLong(Long.MAX_VALUE)
        .putDouble(1.0);
    refused(compressed(header.array()), "must track values up to at most");
    header.clear();
    header.putInt(0x1c849303 | 0x90).putInt(-1).putInt(0).putInt(3).putLong(1).putLong(1024).putDouble(1.0);
    refused(compressed(header.array()), "has a payload length of -1 bytes");
    refused(compressed(new byte[10]), "ends inside its header");
    // A deflate bomb: a small header, then megabytes of zeros. Inflating stops past the largest payload.
    ByteBuffer bomb = ByteBuffer.allocate(40 + (8 << 20));
    bomb.putInt(0x1c849303 | 0x90).putInt(100).putInt(0).putInt(3).putLong(1).putLong(1024).putDouble(1.0);
    refused(compressed(bomb.array()), "+ payload bytes, its header says 100");
  }

  @Test
  void aStatsReportWithABadHistogramNamesTheField() {
    JsonObject json = new StatsReport("w1", "h", 3, 7, new UserRange(2, 9), 50.0, true, Counters.ZERO, Map.of(), 1000,
        Counters.ZERO, Map.of(), 1.5, 9.0, 9.0, 0.2, 0.2, 0.2, null).toJson().put("sendLagHistogram", 42);
    assertThatThrownBy(() -> StatsReport.fromJson(json)).isInstanceOf(MessageFormatException.class)
        .hasMessageContaining("'sendLagHistogram'");
  }

  private static void refused(String text, String why) {
    assertThatThrownBy(() -> HistogramCodec.decode(new JsonObject().put(FIELD, text), FIELD))
        .isInstanceOf(MessageFormatException.class).hasMessageContaining("'" + FIELD + "'").hasMessageContaining(why);
  }

  private static String encodeAny(org.HdrHistogram.AbstractHistogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return base64(java.util.Arrays.copyOf(buffer.array(), length));
  }

  /** The outer frame HdrHistogram writes (compressed cookie, length) around deflated bytes of our choosing. */
  private static String compressed(byte[] inner) {
    Deflater deflater = new Deflater();
    deflater.setInput(inner);
    deflater.finish();
    byte[] out = new byte[inner.length / 100 + 1024];
    int n = deflater.deflate(out);
    deflater.end();
    int cookie = ByteBuffer.wrap(Base64.getDecoder().decode(HistogramCodec.encode(HistogramCodec.newHistogram())))
        .getInt(0);
    ByteBuffer frame = ByteBuffer.allocate(8 + n).putInt(cookie).putInt(n).put(out, 0, n);
    return base64(frame.array());
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
