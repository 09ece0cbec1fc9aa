package io.clickstream.worker.format;

import io.clickstream.worker.simulation.ClickEvent;

/**
 * Protobuf wire format of the ClickEvent message of schemas/clickstream.proto, in the Confluent wire
 * format: after the schema id comes the message-index list, a single 0 byte for the file's first message.
 * Hand-written because the message is flat: each field is a one-byte tag (field number << 3 | wire type)
 * and its value; strings length-delimited, the enum and int64 as varints, the double as fixed64. Fields in
 * field-number order, as protobuf's own serializer writes them; ProtobufEventEncoderTest parses the
 * output with protobuf-java's DynamicMessage.
 */
final class ProtobufEventEncoder extends ConfluentEncoder {
  private static final int LENGTH_DELIMITED = 2;
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;

  ProtobufEventEncoder(int schemaId) {
    super(schemaId, (byte) 0);
  }

  @Override
  int writePayload(ClickEvent e, long processingTime, int pos) {
    pos = AsciiFields.uuid(buffer, string(1, pos, AsciiFields.UUID_LENGTH), e.eventHi, e.eventLo);
    buffer[pos++] = tag(2, LENGTH_DELIMITED);
    int start = pos + 1;
    pos = AsciiFields.userId(buffer, start, e.user);
    buffer[start - 1] = (byte) (pos - start);
    pos = AsciiFields.sessionId(buffer, string(3, pos, AsciiFields.SESSION_PREFIX_LENGTH + AsciiFields.UUID_LENGTH),
        e.sessionHi, e.sessionLo);
    // In the .proto, 0 is EVENT_TYPE_UNSPECIFIED and VIEW.. follow in EventType's order.
    buffer[pos++] = tag(4, VARINT);
    buffer[pos++] = (byte) (e.type.ordinal() + 1);
    buffer[pos++] = tag(5, LENGTH_DELIMITED);
    start = pos + 1;
    pos = AsciiFields.productId(buffer, start, e.product);
    buffer[start - 1] = (byte) (pos - start);
    if (e.priceCents != 0) {
      // proto3 leaves fields at their default value out.
      buffer[pos++] = tag(6, FIXED64);
      pos = littleEndian64(Double.doubleToRawLongBits(price(e)), pos);
    }
    buffer[pos++] = tag(7, VARINT);
    pos = varint(e.eventTime, pos);
    buffer[pos++] = tag(8, VARINT);
    return varint(processingTime, pos);
  }

  /** The tag and the one-byte length of a string field (every string here is under 128 bytes). */
  private int string(int field, int pos, int length) {
    buffer[pos] = tag(field, LENGTH_DELIMITED);
    buffer[pos + 1] = (byte) length;
    return pos + 2;
  }

  private static byte tag(int field, int wireType) {
    return (byte) (field << 3 | wireType);
  }
}
