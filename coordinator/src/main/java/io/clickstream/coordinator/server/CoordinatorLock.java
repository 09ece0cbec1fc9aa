package io.clickstream.coordinator.server;

import io.clickstream.protocol.Clock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Lock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordinator per cluster. Two would split the workers' traffic: each registers the workers it reaches,
 * assigns them users and renews their leases. So a coordinator holds a cluster-wide lock for its whole life
 * and serves nothing before it has it; a second one waits as a standby and takes over when the first dies.
 *
 * <p>The lock is Vert.x's clustered lock, which vertx-hazelcast 5 keeps as a Hazelcast map-entry lock, and
 * Hazelcast removes the locks of a member that leaves the cluster: a coordinator killed with SIGKILL frees it
 * as soon as Hazelcast sees it gone (under a second on loopback, CLUSTER_FAILURE_DETECTION_SECONDS when hung).
 * The holder's description sits beside it in a clustered map, so the waiting one can name whom it waits for.
 */
final class CoordinatorLock {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorLock.class);
  static final String LOCK = "clickstream.coordinator.lock";
  static final String HOLDER_MAP = "clickstream.coordinator";
  private static final String HOLDER_KEY = "holder";
  /** One attempt blocks a Vert.x worker thread this long; between attempts the standby logs that it waits. */
  static final long ATTEMPT_MILLIS = 5000;

  /** Thrown when COORDINATOR_LOCK_WAIT_SECONDS ran out. */
  static final class WaitExpired extends RuntimeException {
    WaitExpired(String message) {
      super(message);
    }
  }

  private final Vertx vertx;
  private final String clusterName;
  private final String self;
  private final long waitMillis;
  private final Clock clock;
  private final long startNanos;
  /** Why this coordinator does not serve yet; null once it holds the lock. */
  private volatile String standbyReason = "waiting for the cluster's coordinator lock";

  CoordinatorLock(Vertx vertx, Clock clock, String clusterName, String self, int waitSeconds) {
    this.clock = clock;
    this.startNanos = clock.nanoTime();
    this.vertx = vertx;
    this.clusterName = clusterName;
    this.self = self;
    this.waitMillis = TimeUnit.SECONDS.toMillis(waitSeconds);
  }

  /** Why /ready says no, or null once this coordinator holds the cluster. */
  String standbyReason() {
    return standbyReason;
  }

  /** Completes once this coordinator holds the cluster; fails with {@link WaitExpired} when the wait runs out. */
  Future<Lock> acquire() {
    Promise<Lock> acquired = Promise.promise();
    attempt(acquired);
    return acquired.future();
  }

  /** One attempt, then the next from its callback: a standby of days builds no chain of futures. */
  private void attempt(Promise<Lock> acquired) {
    vertx.sharedData().getLockWithTimeout(LOCK, attemptMillis()).onComplete(ar -> {
      if (ar.succeeded()) {
        holders().compose(map -> map.put(HOLDER_KEY, self)).onComplete(put -> {
          standbyReason = null;
          LOG.info("This coordinator holds cluster '{}' ({})", clusterName, self);
          acquired.complete(ar.result());
        });
        return;
      }
      holders().compose(map -> map.get(HOLDER_KEY)).otherwiseEmpty().onComplete(holder -> {
        long waited = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startNanos);
        String who = holder.result() == null ? "another coordinator" : "another coordinator (" + holder.result() + ")";
        standbyReason = who + " holds cluster '" + clusterName + "'; this one is a standby";
        if (waitMillis > 0 && waited >= waitMillis) {
          acquired.fail(new WaitExpired(who + " holds cluster '" + clusterName + "': gave up after " + waited / 1000
              + " s (COORDINATOR_LOCK_WAIT_SECONDS=" + waitMillis / 1000 + "). Only one coordinator may run per"
              + " cluster; stop the other one or give this one another CLUSTER_NAME"));
          return;
        }
        LOG.warn("{} holds cluster '{}': waiting to take over when it stops ({} s so far, {}; {})", who, clusterName,
            waited / 1000, waitMillis == 0 ? "waiting for ever" : "giving up after " + waitMillis / 1000 + " s",
            ar.cause().getMessage());
        attempt(acquired);
      });
    });
  }

  private long attemptMillis() {
    if (waitMillis == 0) {
      return ATTEMPT_MILLIS;
    }
    long left = waitMillis - TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startNanos);
    return Math.max(1, Math.min(ATTEMPT_MILLIS, left));
  }

  private Future<AsyncMap<String, String>> holders() {
    return vertx.sharedData().getAsyncMap(HOLDER_MAP);
  }
}
