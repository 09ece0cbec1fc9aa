package io.clickstream.worker.publish;

import io.clickstream.protocol.UserIds;

/**
 * Writes the schema's identifiers into caller-owned char arrays without allocating: UUIDs in their
 * 36-character form, USER_0001 (at least 4 digits), PROD_001 (at least 3 digits) and prices in cents as
 * a decimal with exactly two places.
 */
public final class Ids {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] USER_PREFIX = UserIds.PREFIX.toCharArray();

  private Ids() {
  }

  /** Writes 36 characters at {@code off}; returns the index after them. */
  public static int writeUuid(long hi, long lo, char[] buf, int off) {
    off = hex(hi >>> 32, 8, buf, off);
    buf[off++] = '-';
    off = hex(hi >>> 16, 4, buf, off);
    buf[off++] = '-';
    off = hex(hi, 4, buf, off);
    buf[off++] = '-';
    off = hex(lo >>> 48, 4, buf, off);
    buf[off++] = '-';
    return hex(lo, 12, buf, off);
  }

  public static int writeUserId(int user, char[] buf, int off) {
    for (int i = 0; i < USER_PREFIX.length; i++) {
      buf[off++] = USER_PREFIX[i];
    }
    return writeDigits(user, UserIds.MIN_DIGITS, buf, off);
  }

  public static int writeProductId(int product, char[] buf, int off) {
    return writePrefixed('P', 'R', 'O', 'D', product, 3, buf, off);
  }

  /** "12.30" for 1230: always two decimals, as the schema promises. */
  public static int writePrice(long cents, char[] buf, int off) {
    off = writeDigits(cents / 100, 1, buf, off);
    buf[off++] = '.';
    long rest = cents % 100;
    buf[off++] = (char) ('0' + rest / 10);
    buf[off++] = (char) ('0' + rest % 10);
    return off;
  }

  public static String userId(int user) {
    char[] buf = new char[16];
    return new String(buf, 0, writeUserId(user, buf, 0));
  }

  public static String productId(int product) {
    char[] buf = new char[16];
    return new String(buf, 0, writeProductId(product, buf, 0));
  }

  public static String uuid(long hi, long lo) {
    char[] buf = new char[36];
    writeUuid(hi, lo, buf, 0);
    return new String(buf);
  }

  /** The Kafka key: user_id in ASCII, written straight into an array of its exact length. */
  /** The partition Kafka's default partitioner gives the user's key: murmur2 of the key bytes. */
  public static int partitionOf(int user, int partitions) {
    return partitionOfKey(userKey(user), partitions);
  }

  public static int partitionOfKey(byte[] key, int partitions) {
    return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) % partitions;
  }

  public static byte[] userKey(int user) {
    int digits = 1;
    for (int t = user; t >= 10; t /= 10) {
      digits++;
    }
    int width = Math.max(4, digits);
    byte[] key = new byte[5 + width];
    key[0] = 'U';
    key[1] = 'S';
    key[2] = 'E';
    key[3] = 'R';
    key[4] = '_';
    for (int i = key.length - 1, n = user; i >= 5; i--) {
      key[i] = (byte) ('0' + n % 10);
      n /= 10;
    }
    return key;
  }

  private static int writePrefixed(char a, char b, char c, char d, int n, int minDigits, char[] buf, int off) {
    buf[off++] = a;
    buf[off++] = b;
    buf[off++] = c;
    buf[off++] = d;
    buf[off++] = '_';
    return writeDigits(n, minDigits, buf, off);
  }

  private static int writeDigits(long n, int minDigits, char[] buf, int off) {
    int digits = 1;
    for (long t = n; t >= 10; t /= 10) {
      digits++;
    }
    int width = Math.max(digits, minDigits);
    for (int i = width - 1; i >= 0; i--) {
      buf[off + i] = (char) ('0' + n % 10);
      n /= 10;
    }
    return off + width;
  }

  private static int hex(long value, int digits, char[] buf, int off) {
    for (int i = digits - 1; i >= 0; i--) {
      buf[off + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
    return off + digits;
  }
}
