package io.clickstream.coordinator.truth;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.TruthReport;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's truth and watermark duty, on its event loop: merges reports as they come, and once a
 * second publishes what became final to TOPIC_NAME.truth (windows keyed by window start, sessions keyed
 * by user) and, with WATERMARKS=on, one record per partition to TOPIC_NAME.watermarks.
 */
public final class TruthService {
  private static final Logger LOG = LoggerFactory.getLogger(TruthService.class);
  /**
   * Records waiting for Kafka at most (a window record is about 1 KB, a session a few hundred bytes): a
   * refusal of an hour at a thousand sessions a second costs the oldest ones, not the heap.
   */
  static final int MAX_PENDING = 50_000;

  private final Clock clock;
  private final TruthMerger merger;
  private final TruthStore store;
  private final WatermarkMerger watermarks;
  private final TruthPublisher publisher;
  private final String truthTopic;
  private final String watermarkTopic;
  private final PendingRecords pending;

  /** @param watermarkIdleMillis null when WATERMARKS=off */
  public TruthService(Clock clock, TruthPublisher publisher, String topic, Long watermarkIdleMillis, TruthStore store) {
    this.clock = clock;
    this.merger = new TruthMerger(clock.currentTimeMillis());
    this.pending = new PendingRecords(MAX_PENDING, clock::currentTimeMillis);
    this.publisher = publisher;
    this.store = store;
    this.truthTopic = truthTopic(topic);
    this.watermarkTopic = watermarkTopic(topic);
    this.watermarks = watermarkIdleMillis == null ? null : new WatermarkMerger(watermarkIdleMillis);
  }

  public static String truthTopic(String topic) {
    return topic + ".truth";
  }

  public static String watermarkTopic(String topic) {
    return topic + ".watermarks";
  }

  public void onReport(TruthReport report) {
    merger.accept(report, clock.currentTimeMillis());
  }

  /** Once a second: settle, publish, and note the workers that were lost. */
  public Future<Void> tick(Set<String> liveWorkers, Set<String> lostWorkers, long nowMillis) {
    lostWorkers.forEach(merger::lost);
    merger.settle(liveWorkers, nowMillis);
    List<TruthPublisher.Record> records = new ArrayList<>();
    for (MergedWindow w : merger.takeWindows()) {
      JsonObject json = TruthJson.window(w);
      store.window(w);
      // Stamped with the publication time, not event time: a virtual clock's past event times would fall
      // to the topic's time retention at once.
      records.add(new TruthPublisher.Record(truthTopic, Long.toString(w.start()), json.encode(), nowMillis));
      if (!w.complete()) {
        LOG.warn("Truth window {} published incomplete: a lost worker may have sent events it never reported",
            w.start());
      }
    }
    for (TruthMerger.Session s : merger.takeSessions()) {
      JsonObject json = TruthJson.session(s);
      store.session(s);
      records.add(new TruthPublisher.Record(truthTopic, TruthJson.userId(s.user()), json.encode(), nowMillis));
    }
    if (watermarks != null) {
      // Only the latest watermark of a partition matters: while Kafka is away, do not pile them up.
      pending.removeWaiting(r -> r.topic().equals(watermarkTopic));
      Set<String> bounding = new java.util.HashSet<>(liveWorkers);
      bounding.addAll(merger.stillHolding(liveWorkers));
      Map<String, Long> clocks = new HashMap<>();
      bounding.forEach(id -> clocks.put(id, merger.clockOf(id)));
      for (WatermarkMerger.Watermark mark : watermarks.merge(bounding, merger.marks(), clocks, nowMillis)) {
        records.add(new TruthPublisher.Record(watermarkTopic, Integer.toString(mark.partition()),
            TruthJson.watermark(mark).encode(), nowMillis));
      }
    }
    pending.add(records);
    // Kept until the producer took them: a broker away for a while delays the truth, it does not lose it.
    List<TruthPublisher.Record> batch = pending.takeBatch();
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    return publisher.publish(batch)
        .onComplete(ar -> pending.batchDone(ar.succeeded()))
        .onFailure(err -> LOG.warn("Publishing {} truth records failed, retrying in a second: {}", batch.size(),
            err.toString()));
  }

  /** Records dropped because Kafka did not take them for too long (the pending list was full). */
  public long droppedRecords() {
    return pending.dropped();
  }

  public Future<Void> close() {
    return publisher.close();
  }
}
