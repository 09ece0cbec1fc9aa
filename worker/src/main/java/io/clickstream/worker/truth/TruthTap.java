package io.clickstream.worker.truth;

import io.clickstream.protocol.UserRange;
import io.clickstream.worker.simulation.ClickEvent;
import java.util.List;

/**
 * What the generator tells the ground truth, on its own thread: the users it holds, each event made and
 * each event sent, and a cut now and then. {@link TruthRecorder} records it; {@link #OFF} (TRUTH=off, or
 * standalone, which has no coordinator to take it) ignores it, so the loop needs no check for "no truth".
 */
public interface TruthTap {
  /** Takes a new slice of users (see {@link TruthRecorder#assign}). */
  void assign(UserRange users);

  /** An event just made, in its user's event-time order. */
  void generated(ClickEvent e);

  /** An event handed to Kafka, arriving at {@code processingTime}, under the assignment {@code epoch}. */
  void sent(ClickEvent e, long processingTime, long epoch);

  /** What is final before {@code completeBefore}, with the event clock at {@code clock}. */
  TruthRecorder.Cut cut(long clock, long completeBefore);

  /** Everything, as the last report. */
  TruthRecorder.Cut finish();

  /** Records nothing; every cut is empty. */
  TruthTap OFF = new TruthTap() {
    private final TruthRecorder.Cut empty = new TruthRecorder.Cut(List.of(), List.of(), List.of());

    @Override
    public void assign(UserRange users) {
    }

    @Override
    public void generated(ClickEvent e) {
    }

    @Override
    public void sent(ClickEvent e, long processingTime, long epoch) {
    }

    @Override
    public TruthRecorder.Cut cut(long clock, long completeBefore) {
      return empty;
    }

    @Override
    public TruthRecorder.Cut finish() {
      return empty;
    }

    @Override
    public String toString() {
      return "truth off";
    }
  };
}
