package io.clickstream.coordinator.truth;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Truth and watermark records not yet handed to the producer, oldest first, at most {@code max} of them.
 * While Kafka refuses (down, or a wrong password) records pile up here; past the cap the oldest ones not
 * in flight are dropped, counted and logged (at most every {@link #LOG_EVERY_MILLIS}), so that a long
 * refusal costs the oldest truth records and not the coordinator's heap. The dropped windows and sessions
 * are still in GET /api/truth.
 */
final class PendingRecords {
  private static final Logger LOG = LoggerFactory.getLogger(PendingRecords.class);
  static final long LOG_EVERY_MILLIS = 10_000;

  private final int max;
  private final LongSupplier clockMillis;
  private final List<TruthPublisher.Record> records = new ArrayList<>();
  /** The first {@code inFlight} records are being published: never dropped, removed when that succeeds. */
  private int inFlight;
  private long dropped;
  private long droppedSinceLog;
  private long lastLogMillis = Long.MIN_VALUE;

  PendingRecords(int max, LongSupplier clockMillis) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    this.max = max;
    this.clockMillis = clockMillis;
  }

  void add(List<TruthPublisher.Record> more) {
    records.addAll(more);
    int excess = records.size() - max;
    if (excess > 0) {
      // A batch in flight is at most max records (it was taken from this list), so the rest covers the excess.
      records.subList(inFlight, inFlight + excess).clear();
      dropped += excess;
      droppedSinceLog += excess;
      long now = clockMillis.getAsLong();
      if (lastLogMillis == Long.MIN_VALUE || now - lastLogMillis >= LOG_EVERY_MILLIS) {
        LOG.warn("Dropped {} truth/watermark records ({} in all): Kafka has not taken them for too long and at most"
            + " {} wait; the dropped windows and sessions are still in GET /api/truth", droppedSinceLog, dropped, max);
        lastLogMillis = now;
        droppedSinceLog = 0;
      }
    }
  }

  /** Removes waiting records (not those in flight) that match, e.g. watermarks a newer one replaces. */
  void removeWaiting(Predicate<TruthPublisher.Record> filter) {
    records.subList(inFlight, records.size()).removeIf(filter);
  }

  boolean publishing() {
    return inFlight > 0;
  }

  /** All waiting records, now in flight; empty when a batch is already in flight or nothing waits. */
  List<TruthPublisher.Record> takeBatch() {
    if (publishing()) {
      return List.of();
    }
    inFlight = records.size();
    return List.copyOf(records);
  }

  /** Ends the batch in flight: on success its records are gone, on failure they are retried next time. */
  void batchDone(boolean published) {
    if (published) {
      records.subList(0, inFlight).clear();
    }
    inFlight = 0;
  }

  int size() {
    return records.size();
  }

  long dropped() {
    return dropped;
  }
}
