package io.clickstream.worker.format;

import io.clickstream.worker.simulation.ClickEvent;
import java.util.Arrays;

/**
 * The Confluent wire format around a payload: magic byte 0, the schema id as 4 big-endian bytes, then
 * (Protobuf only) the message-index list, then the payload. The prefix is fixed for the run, so it is
 * written once into the buffer and each event only writes its payload after it.
 */
abstract class ConfluentEncoder implements EventEncoder {
  /** Larger than any event: the JSON payload, the longest, is under 512 bytes. */
  private static final int MAX_LENGTH = 640;

  protected final byte[] buffer = new byte[MAX_LENGTH];
  private final int prefixLength;
  /** One reusable array per encoded length, for {@link #encodeReusing}. */
  private final ReusedArrays reused = new ReusedArrays(MAX_LENGTH);

  /** @param afterId what follows the id before the payload (Protobuf's message indexes), often nothing */
  ConfluentEncoder(int schemaId, byte... afterId) {
    byte[] prefix = prefix(schemaId, afterId);
    System.arraycopy(prefix, 0, buffer, 0, prefix.length);
    prefixLength = prefix.length;
  }

  /** Magic byte 0, the id in 4 big-endian bytes, then {@code afterId}. */
  static byte[] prefix(int schemaId, byte... afterId) {
    byte[] prefix = new byte[5 + afterId.length];
    prefix[1] = (byte) (schemaId >>> 24);
    prefix[2] = (byte) (schemaId >>> 16);
    prefix[3] = (byte) (schemaId >>> 8);
    prefix[4] = (byte) schemaId;
    System.arraycopy(afterId, 0, prefix, 5, afterId.length);
    return prefix;
  }

  /** Writes the payload at {@code pos} and returns the position after it. */
  abstract int writePayload(ClickEvent e, long processingTime, int pos);

  @Override
  public byte[] encode(ClickEvent e, long processingTime) {
    return Arrays.copyOf(buffer, writePayload(e, processingTime, prefixLength));
  }

  @Override
  public byte[] encodeReusing(ClickEvent e, long processingTime) {
    int length = writePayload(e, processingTime, prefixLength);
    return reused.copyOf(buffer, length);
  }

  /** Unsigned LEB128 varint, as Protobuf writes it (and Avro after zig-zag). */
  final int varint(long value, int pos) {
    while ((value & ~0x7FL) != 0) {
      buffer[pos++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buffer[pos++] = (byte) value;
    return pos;
  }

  /** 8 bytes little-endian: Avro's double and Protobuf's fixed64/double. */
  final int littleEndian64(long bits, int pos) {
    for (int i = 0; i < 8; i++) {
      buffer[pos++] = (byte) bits;
      bits >>>= 8;
    }
    return pos;
  }

  /** The price as a double: whole cents / 100 is the double nearest to the 2-decimal price. */
  static double price(ClickEvent e) {
    return e.priceCents / 100.0;
  }
}
