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
    Object v = json.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new MessageFormatException("field '" + field + "' must be a non-empty string, got " + v);
    }
    return s;
  }

  public static long integer(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof Number n) || (v instanceof Double || v instanceof Float) && n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new MessageFormatException("field '" + field + "' must be an integer, got " + v);
    }
    return n.longValue();
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
    if (json.getValue(field) == null) {
      return 0;
    }
    long value = integer(json, field);
    if (value < 0 || value > MAX_TIME_MILLIS) {
      throw new MessageFormatException(field + " must be an epoch-ms time from 0 to " + MAX_TIME_MILLIS + ", got " + value);
    }
    return value;
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
