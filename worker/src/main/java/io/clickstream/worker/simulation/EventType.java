package io.clickstream.worker.simulation;

import io.clickstream.protocol.EventTypes;
import java.util.Arrays;
import java.util.List;

/**
 * The five actions of the schema, with their wire names. An enum for the hot loop (ordinals index the
 * counters); the names and their order are {@link EventTypes#NAMES}', checked when the class loads.
 */
public enum EventType {
  VIEW, ADD_TO_CART, REMOVE_FROM_CART, CHECKOUT, PURCHASE;

  private static final EventType[] VALUES = values();

  static {
    List<String> names = Arrays.stream(VALUES).map(Enum::name).toList();
    if (!names.equals(EventTypes.NAMES)) {
      throw new ExceptionInInitializerError("EventType " + names + " differs from protocol's EventTypes " + EventTypes.NAMES);
    }
  }

  public static EventType of(int ordinal) {
    return VALUES[ordinal];
  }
}
