package io.clickstream.worker.format;

import io.clickstream.protocol.UserIds;
import java.nio.charset.StandardCharsets;

/**
 * The text forms of an event's ids, written straight into a byte buffer: the one place that spells a
 * UUID, a user id or a product id, so every value format carries exactly the same strings. Each method
 * writes at {@code pos} and returns the position after what it wrote. All of it is ASCII.
 */
public final class AsciiFields {
  /** Length of a UUID's text. */
  public static final int UUID_LENGTH = 36;
  public static final int SESSION_PREFIX_LENGTH = 8;
  private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  private static final byte[] SESSION = {'s', 'e', 's', 's', 'i', 'o', 'n', '-'};
  private static final byte[] USER_PREFIX = UserIds.PREFIX.getBytes(StandardCharsets.US_ASCII);

  private AsciiFields() {
  }

  /** The UUID with these 128 bits, lower-case, 8-4-4-4-12. */
  public static int uuid(byte[] buf, int pos, long hi, long lo) {
    pos = hex(buf, pos, hi >>> 32, 8);
    buf[pos++] = '-';
    pos = hex(buf, pos, hi >>> 16, 4);
    buf[pos++] = '-';
    pos = hex(buf, pos, hi, 4);
    buf[pos++] = '-';
    pos = hex(buf, pos, lo >>> 48, 4);
    buf[pos++] = '-';
    return hex(buf, pos, lo, 12);
  }

  /** {@code session-} and the session's UUID. */
  public static int sessionId(byte[] buf, int pos, long hi, long lo) {
    System.arraycopy(SESSION, 0, buf, pos, SESSION.length);
    return uuid(buf, pos + SESSION.length, hi, lo);
  }

  /** USER_ and at least 4 digits: protocol's {@link UserIds} format. */
  public static int userId(byte[] buf, int pos, int user) {
    System.arraycopy(USER_PREFIX, 0, buf, pos, USER_PREFIX.length);
    return digits(buf, pos + USER_PREFIX.length, user, UserIds.MIN_DIGITS);
  }

  /** PROD_ and at least 3 digits. */
  public static int productId(byte[] buf, int pos, int product) {
    return prefixed(buf, pos, 'P', 'R', 'O', 'D', product, 3);
  }

  /** Non-negative n in decimal, left-padded with zeros to minDigits; ints take the cheaper int path. */
  public static int digits(byte[] buf, int pos, long n, int minDigits) {
    int count = 1;
    for (long t = n; t >= 10; t /= 10) {
      count++;
    }
    int width = Math.max(count, minDigits);
    int i = pos + width - 1;
    while (n > Integer.MAX_VALUE) {
      buf[i--] = (byte) ('0' + n % 10);
      n /= 10;
    }
    int small = (int) n;
    while (i >= pos) {
      buf[i--] = (byte) ('0' + small % 10);
      small /= 10;
    }
    return pos + width;
  }

  private static int hex(byte[] buf, int pos, long value, int count) {
    for (int i = pos + count - 1; i >= pos; i--) {
      buf[i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
    return pos + count;
  }

  private static int prefixed(byte[] buf, int pos, char a, char b, char c, char d, int n, int minDigits) {
    buf[pos++] = (byte) a;
    buf[pos++] = (byte) b;
    buf[pos++] = (byte) c;
    buf[pos++] = (byte) d;
    buf[pos++] = '_';
    return digits(buf, pos, n, minDigits);
  }
}
