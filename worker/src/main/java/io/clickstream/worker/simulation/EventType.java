package io.clickstream.worker.simulation;

/** The five actions of the schema, with their wire names. */
public enum EventType {
  VIEW, ADD_TO_CART, REMOVE_FROM_CART, CHECKOUT, PURCHASE;

  private static final EventType[] VALUES = values();

  public static EventType of(int ordinal) {
    return VALUES[ordinal];
  }
}
