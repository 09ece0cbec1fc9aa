package io.clickstream.worker.format;

import io.clickstream.worker.simulation.ClickEvent;
import io.clickstream.worker.simulation.EventType;
import java.nio.charset.StandardCharsets;

/**
 * Avro binary of schemas/clickstream.avsc, in the Confluent wire format. Hand-written because Avro's
 * binary encoding of this flat record is short: fields in schema order, a string is its zig-zag length
 * and its bytes, a long a zig-zag varint, a double 8 bytes little-endian.
 * ValueFormatsTest reads the output back with Avro's own GenericDatumReader.
 *
 * <p>event_type is a string, not an Avro enum: Flink's avro-confluent format reads with a schema derived
 * from the table, where an enum becomes a string, and Avro cannot resolve an enum written against a string
 * read (FLINK-24544, "Found EventType, expecting union").
 */
final class AvroEventEncoder extends ConfluentEncoder {
  private static final byte[][] TYPE_NAMES = new byte[EventType.values().length][];

  static {
    for (EventType t : EventType.values()) {
      TYPE_NAMES[t.ordinal()] = t.name().getBytes(StandardCharsets.US_ASCII);
    }
  }

  AvroEventEncoder(int schemaId) {
    super(schemaId);
  }

  @Override
  int writePayload(ClickEvent e, long processingTime, int pos) {
    pos = AsciiFields.uuid(buffer, length(pos, AsciiFields.UUID_LENGTH), e.eventHi, e.eventLo);
    int start = pos + 1;
    pos = AsciiFields.userId(buffer, start, e.user);
    buffer[start - 1] = zigZagLength(pos - start);
    pos = AsciiFields.sessionId(buffer, length(pos, AsciiFields.SESSION_PREFIX_LENGTH + AsciiFields.UUID_LENGTH),
        e.sessionHi, e.sessionLo);
    byte[] type = TYPE_NAMES[e.type.ordinal()];
    buffer[pos++] = zigZagLength(type.length);
    System.arraycopy(type, 0, buffer, pos, type.length);
    pos += type.length;
    start = pos + 1;
    pos = AsciiFields.productId(buffer, start, e.product);
    buffer[start - 1] = zigZagLength(pos - start);
    pos = littleEndian64(Double.doubleToRawLongBits(price(e)), pos);
    pos = varint(zigZag(e.eventTime), pos);
    return varint(zigZag(processingTime), pos);
  }

  private int length(int pos, int length) {
    buffer[pos] = zigZagLength(length);
    return pos + 1;
  }

  /**
   * A string length as one byte: every string of the schema is at most 44 characters (a session id), and
   * a zig-zag varint takes one byte up to 63.
   */
  private static byte zigZagLength(int length) {
    return (byte) (length << 1);
  }

  private static long zigZag(long n) {
    return (n << 1) ^ (n >> 63);
  }
}
