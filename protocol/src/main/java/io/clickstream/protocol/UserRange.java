package io.clickstream.protocol;

import io.vertx.core.json.JsonObject;

/**
 * An inclusive range of user numbers: USER_0001 is 1. An empty range has {@code to < from};
 * {@link #EMPTY} is the canonical one.
 */
public record UserRange(int from, int to) {
  public static final UserRange EMPTY = new UserRange(1, 0);

  public UserRange {
    if (from < 1) {
      throw new IllegalArgumentException("user range must start at 1 or above, got " + from);
    }
  }

  public static UserRange of(int from, int to) {
    return to < from ? EMPTY : new UserRange(from, to);
  }

  public int size() {
    return Math.max(0, to - from + 1);
  }

  public boolean isEmpty() {
    return to < from;
  }

  public boolean contains(int user) {
    return user >= from && user <= to;
  }

  public UserRange intersect(UserRange other) {
    if (isEmpty() || other.isEmpty()) {
      return EMPTY;
    }
    return of(Math.max(from, other.from), Math.min(to, other.to));
  }

  public JsonObject toJson() {
    return new JsonObject().put("from", from).put("to", to);
  }

  public static UserRange fromJson(JsonObject json) {
    long from = Fields.integer(json, "from");
    long to = Fields.integer(json, "to");
    // Bounded by the largest population (NUM_USERS' maximum); each member checks its own population too.
    if (from < 1 || from > Protocol.MAX_USERS + 1 || to > Protocol.MAX_USERS || to < 0) {
      throw new MessageFormatException("user range out of bounds: " + json.encode());
    }
    return of((int) from, (int) to);
  }

  @Override
  public String toString() {
    return isEmpty() ? "[]" : "[" + from + ".." + to + "]";
  }
}
