package io.clickstream.worker.cluster;

import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.TruthReport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers truth reports to the coordinator in order, one at a time, each until it is acknowledged:
 * the coordinator can only merge a window once it has every worker's part, so a report is never
 * dropped, only retried (the coordinator ignores a seq it has seen), unless the coordinator refuses it as
 * malformed (400), which no retry changes. On the event loop.
 */
public final class TruthChannel {
  private static final Logger LOG = LoggerFactory.getLogger(TruthChannel.class);
  private static final long SEND_TIMEOUT_MILLIS = 5000;
  /** About two hours of reports, one a second. */
  private static final int MAX_QUEUED = 7200;

  private final Vertx vertx;
  private final Clock clock;
  private final ArrayDeque<TruthReport> queue = new ArrayDeque<>();
  private boolean sending;
  private long failures;
  private long droppedReports;

  public TruthChannel(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  public void offer(TruthReport report) {
    if (report != null) {
      queue.add(report);
    }
    if (queue.size() > MAX_QUEUED) {
      // The coordinator has been away for hours: bound the memory. Its windows will show as incomplete.
      TruthReport dropped = queue.poll();
      if (droppedReports++ % 600 == 0) {
        LOG.error("Coordinator unreachable for {} truth reports: dropping the oldest (seq {}); {} dropped so far",
            MAX_QUEUED, dropped.seq(), droppedReports);
      }
    }
    sendNext();
  }

  public int queued() {
    return queue.size();
  }

  /** Completes once everything queued is delivered, or with a failure after {@code timeoutMillis}. */
  public Future<Void> drain(long timeoutMillis) {
    Promise<Void> drained = Promise.promise();
    long deadline = clock.nanoTime() + timeoutMillis * 1_000_000L;
    poll(drained, deadline);
    return drained.future();
  }

  private void poll(Promise<Void> drained, long deadline) {
    sendNext();
    if (queue.isEmpty()) {
      drained.tryComplete();
    } else if (clock.nanoTime() - deadline > 0) {
      drained.tryFail(queue.size() + " truth reports not acknowledged by the coordinator");
    } else {
      vertx.setTimer(100, id -> poll(drained, deadline));
    }
  }

  private void sendNext() {
    TruthReport head = queue.peek();
    if (sending || head == null) {
      return;
    }
    sending = true;
    vertx.eventBus().request(Protocol.TRUTH, head.toJson(), new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MILLIS))
        .onComplete(ar -> {
          sending = false;
          if (ar.succeeded()) {
            // Not poll(): the head may have been dropped meanwhile by the bound on the queue.
            queue.removeFirstOccurrence(head);
            failures = 0;
            sendNext();
          } else if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
              && re.failureCode() == 400) {
            // The coordinator read it and refused it (a value out of its bounds, for example users above a
            // NUM_USERS it was restarted with): re-sending it would only hold back every report behind it.
            queue.removeFirstOccurrence(head);
            LOG.error("Truth report {} refused by the coordinator, dropped (its windows will show as incomplete): {}",
                head.seq(), re.getMessage());
            sendNext();
          } else if (failures++ % 30 == 0) {
            // Retried with the next report, about once a second; logged now and then, not every time.
            LOG.info("Truth report {} not acknowledged yet ({}); {} queued, retrying", head.seq(),
                ar.cause().getMessage(), queue.size());
          }
        });
  }
}
