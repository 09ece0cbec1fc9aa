package io.clickstream.worker.simulation;

/**
 * One generated event, as primitive fields. The simulator fills a reused instance on the hot path (no
 * allocation per event); {@link #copy()} makes the detached instance that a held-back late event needs.
 * Prices are cents, so the JSON always shows exactly two decimals.
 */
public final class ClickEvent {
  public int user;
  public long sessionHi;
  public long sessionLo;
  public long eventHi;
  public long eventLo;
  public EventType type;
  public int product;
  public long priceCents;
  /** When the action happened (epoch ms). */
  public long eventTime;
  /** 0 for an on-time event; otherwise how long it is held back before sending. */
  public long lateDelayMillis;
  /** The Kafka partition its key maps to; set by the publisher. */
  public int partition;
  /** The Kafka key (user_id bytes), set by the publisher; never modified once set, so copies share it. */
  public byte[] key;

  public ClickEvent copy() {
    ClickEvent c = new ClickEvent();
    c.user = user;
    c.sessionHi = sessionHi;
    c.sessionLo = sessionLo;
    c.eventHi = eventHi;
    c.eventLo = eventLo;
    c.type = type;
    c.product = product;
    c.priceCents = priceCents;
    c.eventTime = eventTime;
    c.lateDelayMillis = lateDelayMillis;
    c.partition = partition;
    c.key = key;
    return c;
  }

  public boolean isLate() {
    return lateDelayMillis > 0;
  }
}
