package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Strict readers for message fields: a missing field or a field of the wrong type is a
 * {@link MessageFormatException} naming the field, never a NullPointerException deep in a handler.
 */
public final class Fields {
  private Fields() {
  }

  /** Checks the protocol version first, so a message from an incompatible build is refused by name. */
  public static JsonObject checkVersion(Object body, String messageType) {
    if (!(body instanceof JsonObject json)) {
      throw new MessageFormatException(messageType + ": body must be a JSON object, got "
          + (body == null ? "null" : body.getClass().getSimpleName()));
    }
    Object v = json.getValue("v");
    if (!(v instanceof Number n) || n.intValue() != Protocol.VERSION) {
      throw new MessageFormatException(messageType + ": unsupported protocol version " + v
          + " (this build speaks " + Protocol.VERSION + ")");
    }
    return json;
  }

  public static String string(JsonObject json, String field) {
    return string(json, field, Protocol.MAX_STRING_LENGTH);
  }

  public static String string(JsonObject json, String field, int maxLength) {
    Object v = json.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new MessageFormatException("field '" + field + "' must be a non-empty string, got " + v);
    }
    if (s.length() > maxLength) {
      throw new MessageFormatException("field '" + field + "' must be at most " + maxLength + " characters, got "
          + s.length() + " starting \"" + s.substring(0, Math.min(32, s.length())) + "\"");
    }
    return s;
  }

  /** A worker id: it becomes part of an event-bus address, so it keeps to WORKER_ID's characters. */
  public static String workerId(JsonObject json, String field) {
    String s = string(json, field);
    if (!s.matches(Protocol.WORKER_ID_PATTERN)) {
      throw new MessageFormatException("field '" + field + "' must be 1-64 letters, digits, '.', '_' or '-', got \""
          + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "\"");
    }
    return s;
  }

  /** An integer in [min, max], refused by name otherwise. */
  public static long integerIn(JsonObject json, String field, long min, long max) {
    long n = integer(json, field);
    if (n < min || n > max) {
      throw new MessageFormatException("field '" + field + "' must be from " + min + " to " + max + ", got " + n);
    }
    return n;
  }

  /** An epoch: 0 (none) up to {@link Protocol#MAX_EPOCH}, so that no member's ++epoch can ever wrap. */
  public static long epoch(JsonObject json, String field) {
    return integerIn(json, field, 0, Protocol.MAX_EPOCH);
  }

  /** A finite number in [min, max]: NaN, infinities and out-of-range rates are refused by name. */
  public static double numberIn(JsonObject json, String field, double min, double max) {
    double n = number(json, field);
    if (n < min || n > max) {
      throw new MessageFormatException("field '" + field + "' must be from " + min + " to " + max + ", got " + n);
    }
    return n;
  }

  public static long integer(JsonObject json, String field) {
    Object v = json.getValue(field);
    boolean fractional = (v instanceof Double || v instanceof Float) && !isWhole(((Number) v).doubleValue());
    // A BigInteger or BigDecimal beyond long would be silently truncated by longValue().
    boolean beyondLong = v instanceof java.math.BigInteger b && b.bitLength() > 63
        || v instanceof java.math.BigDecimal d && (d.signum() != 0 && d.stripTrailingZeros().scale() > 0
            || d.abs().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0);
    if (!(v instanceof Number n) || fractional || beyondLong) {
      throw new MessageFormatException("field '" + field + "' must be an integer, got " + v);
    }
    return n.longValue();
  }

  private static boolean isWhole(double d) {
    return d == Math.rint(d) && Math.abs(d) < 0x1p63;
  }

  public static double number(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw new MessageFormatException("field '" + field + "' must be a finite number, got " + v);
    }
    return n.doubleValue();
  }

  public static boolean bool(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof Boolean b)) {
      throw new MessageFormatException("field '" + field + "' must be true or false, got " + v);
    }
    return b;
  }

  /**
   * An optional epoch-ms time: 0 when absent; otherwise from 0 to the end of year 9999, so no later
   * arithmetic on it can overflow.
   */
  public static long optionalTimeMillis(JsonObject json, String field) {
    return json.getValue(field) == null ? 0 : integerIn(json, field, 0, MAX_TIME_MILLIS);
  }

  /** 9999-12-31T23:59:59.999Z. */
  public static final long MAX_TIME_MILLIS = 253_402_300_799_999L;

  public static JsonObject object(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof JsonObject o)) {
      throw new MessageFormatException("field '" + field + "' must be a JSON object, got " + v);
    }
    return o;
  }
}
