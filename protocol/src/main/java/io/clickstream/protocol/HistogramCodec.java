package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.HdrHistogram.Histogram;

/**
 * A latency histogram in a message: HdrHistogram's compressed encoding, base64 in a JSON string. The
 * coordinator merges these (a cluster's p99 is the p99 of the sum, not the worst worker's p99).
 *
 * <p>The decoder trusts nothing: HdrHistogram sizes its counts array from the header's highest trackable
 * value and precision, so the field's length and the inflated header are checked before HdrHistogram
 * allocates anything; the largest histogram a message can make is {@link #MAX_TRACKABLE_MICROS} at
 * {@link #SIGNIFICANT_DIGITS} digits, about 250 KB.
 */
public final class HistogramCodec {
  /** The precision every worker records at; a histogram of another precision is not ours. */
  public static final int SIGNIFICANT_DIGITS = 3;
  /** Values are clamped here when recorded (one day in microseconds): a longer latency is "a day". */
  public static final long MAX_RECORDED_MICROS = 86_400_000_000L;
  /** An auto-resizing histogram's range ends at a power of two above its largest value: allow that. */
  public static final long MAX_TRACKABLE_MICROS = 1L << 40;
  /** A second's histogram compresses to a few hundred bytes; a full one of one day stays under this. */
  public static final int MAX_ENCODED_CHARS = 64 * 1024;
  /** HdrHistogram's V2 header, inflated: cookie, payload length, index offset, digits, lowest, highest, ratio. */
  private static final int HEADER_BYTES = 40;
  private static final int OUTER_HEADER_BYTES = 8;
  /** Every count of a full histogram of our range, at the most bytes HdrHistogram encodes a count in. */
  private static final int MAX_PAYLOAD_BYTES =
      new Histogram(1, MAX_TRACKABLE_MICROS, SIGNIFICANT_DIGITS).getNeededByteBufferCapacity() - HEADER_BYTES;
  private static final int COMPRESSED_COOKIE = cookieOf(new Histogram(SIGNIFICANT_DIGITS));

  private HistogramCodec() {
  }

  /** An empty histogram of the precision and range the protocol carries. */
  public static Histogram newHistogram() {
    return new Histogram(SIGNIFICANT_DIGITS);
  }

  public static String encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
  }

  /** The histogram in {@code field}, or null when the field is absent (a report with no samples to merge). */
  public static Histogram optional(JsonObject json, String field) {
    return json.getValue(field) == null ? null : decode(json, field);
  }

  public static Histogram decode(JsonObject json, String field) {
    String text = Fields.string(json, field, MAX_ENCODED_CHARS);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw bad(field, "is not base64: " + e.getMessage());
    }
    checkHeader(bytes, field);
    Histogram histogram;
    try {
      histogram = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
    } catch (DataFormatException | RuntimeException e) {
      throw bad(field, "does not decode: " + e);
    }
    if (histogram.getTotalCount() < 0) {
      throw bad(field, "has a negative total count");
    }
    return histogram;
  }

  /** Checks what HdrHistogram will allocate by, before it does. */
  private static void checkHeader(byte[] bytes, String field) {
    if (bytes.length < OUTER_HEADER_BYTES) {
      throw bad(field, "is " + bytes.length + " bytes, too short for a histogram");
    }
    ByteBuffer outer = ByteBuffer.wrap(bytes);
    int cookie = outer.getInt();
    if (cookie != COMPRESSED_COOKIE) {
      throw bad(field, "is not a compressed HdrHistogram of this version (cookie " + Integer.toHexString(cookie) + ")");
    }
    int compressedLength = outer.getInt();
    if (compressedLength != bytes.length - OUTER_HEADER_BYTES) {
      throw bad(field, "says " + compressedLength + " compressed bytes but holds " + (bytes.length - OUTER_HEADER_BYTES));
    }
    Inflated inflated = inflate(bytes, compressedLength, field);
    byte[] content = inflated.bytes();
    int inflatedLength = content.length;
    boolean finished = inflated.finished();
    if (inflatedLength < HEADER_BYTES) {
      throw bad(field, "ends inside its header");
    }
    ByteBuffer header = ByteBuffer.wrap(content, 0, HEADER_BYTES);
    header.getInt();
    int payloadLength = header.getInt();
    int indexOffset = header.getInt();
    int digits = header.getInt();
    long lowest = header.getLong();
    long highest = header.getLong();
    if (digits != SIGNIFICANT_DIGITS || lowest != 1 || indexOffset != 0) {
      throw bad(field, "must have " + SIGNIFICANT_DIGITS + " significant digits, lowest value 1 and no index offset, got "
          + digits + ", " + lowest + " and " + indexOffset);
    }
    if (highest < 2 || highest > MAX_TRACKABLE_MICROS) {
      throw bad(field, "must track values up to at most " + MAX_TRACKABLE_MICROS + " µs, got " + highest);
    }
    if (payloadLength < 0 || payloadLength > MAX_PAYLOAD_BYTES) {
      throw bad(field, "has a payload length of " + payloadLength + " bytes, not from 0 to " + MAX_PAYLOAD_BYTES);
    }
    // HdrHistogram reads a short payload as zeros: a cut message would silently lose counts.
    if (!finished || inflatedLength != HEADER_BYTES + payloadLength) {
      throw bad(field, "holds " + (inflatedLength - HEADER_BYTES) + (finished ? "" : "+") + " payload bytes, its header says "
          + payloadLength);
    }
  }

  private record Inflated(byte[] bytes, boolean finished) {
  }

  /**
   * Inflates into a buffer that grows as needed and stops one byte past the largest content a histogram
   * of our range can have: a small histogram costs a small buffer, and a deflate bomb cannot grow it.
   */
  private static Inflated inflate(byte[] bytes, int compressedLength, String field) {
    int limit = HEADER_BYTES + MAX_PAYLOAD_BYTES + 1;
    byte[] out = new byte[Math.min(limit, 1024)];
    int n = 0;
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(bytes, OUTER_HEADER_BYTES, compressedLength);
      while (!inflater.finished() && n < limit) {
        if (n == out.length) {
          out = Arrays.copyOf(out, Math.min(limit, out.length * 2));
        }
        int got = inflater.inflate(out, n, out.length - n);
        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        n += got;
      }
      return new Inflated(Arrays.copyOf(out, n), inflater.finished());
    } catch (DataFormatException e) {
      throw bad(field, "is not deflate data: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  private static MessageFormatException bad(String field, String why) {
    return new MessageFormatException("field '" + field + "' " + why);
  }

  private static int cookieOf(Histogram empty) {
    ByteBuffer buffer = ByteBuffer.allocate(empty.getNeededByteBufferCapacity());
    empty.encodeIntoCompressedByteBuffer(buffer);
    return buffer.getInt(0);
  }
}
