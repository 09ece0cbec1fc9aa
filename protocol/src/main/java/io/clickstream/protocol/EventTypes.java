package io.clickstream.protocol;

import java.util.List;

/**
 * The five actions of the event schema, by their wire names ({@code event_type}), in schema order: the
 * order of the worker's {@code EventType} enum (which checks itself against this list when loaded), of
 * {@link TruthReport}'s per-type arrays, of the coordinator's metrics and of the dashboard's mix table
 * (served at {@code GET /api/meta}). The one list; every other place reads it.
 */
public final class EventTypes {
  public static final List<String> NAMES = List.of("VIEW", "ADD_TO_CART", "REMOVE_FROM_CART", "CHECKOUT", "PURCHASE");

  private EventTypes() {
  }
}
