package io.clickstream.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.Assignment;
import io.clickstream.protocol.AssignmentAck;
import io.clickstream.protocol.Clock;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.HeartbeatReply;
import io.clickstream.protocol.Protocol;
import io.clickstream.protocol.RateChange;
import io.clickstream.protocol.Registration;
import io.clickstream.protocol.RegistrationReply;
import io.clickstream.protocol.Timers;
import io.clickstream.protocol.UserRange;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's side of a {@link RateChange}, on fake time, an in-process channel and a recording generator:
 * applied only from its coordinator, for this worker, to the epoch it holds, and only when newer than every
 * change applied before. No Vert.x: the futures complete on the test's thread.
 */
class CoordinatorLinkRateChangeTest {
  private final FakeTime time = new FakeTime();
  private final InProcessChannel channel = new InProcessChannel();
  private final RecordingGenerator generator = new RecordingGenerator();
  private CoordinatorLink link;

  /** A clock and timers that move only when the test says so. */
  static final class FakeTime implements Clock, Timers {
    private long nanos = 1_000_000_000L;
    private final long wallAtZero = 1_700_000_000_000L;
    private long nextId;
    private final TreeMap<Long, Map.Entry<Long, Runnable>> timers = new TreeMap<>();

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public long currentTimeMillis() {
      return wallAtZero + nanos / 1_000_000L;
    }

    @Override
    public long after(long delayMillis, Runnable action) {
      long id = nextId++;
      timers.put(id, Map.entry(nanos + delayMillis * 1_000_000L, action));
      return id;
    }

    @Override
    public boolean cancel(long timerId) {
      return timers.remove(timerId) != null;
    }

    /** Moves time on, firing each timer at its due time, in order. */
    void advanceMillis(long millis) {
      long end = nanos + millis * 1_000_000L;
      while (true) {
        Map.Entry<Long, Map.Entry<Long, Runnable>> next = timers.entrySet().stream()
            .filter(t -> t.getValue().getKey() <= end)
            .min(Map.Entry.comparingByValue(Map.Entry.comparingByKey())).orElse(null);
        if (next == null) {
          break;
        }
        timers.remove(next.getKey());
        nanos = Math.max(nanos, next.getValue().getKey());
        next.getValue().getValue().run();
      }
      nanos = end;
    }
  }

  /** The coordinator's side, played by the test: registrations answered by {@link #coordinatorId}. */
  static final class InProcessChannel implements CoordinatorChannel {
    String coordinatorId = "c1";
    /** When set, the next registration waits for the test to answer it. */
    Promise<RegistrationReply> heldRegistration;
    CoordinatorChannel.Inbox inbox;

    @Override
    public Future<RegistrationReply> register(Registration registration, long timeoutMillis) {
      if (heldRegistration != null) {
        return heldRegistration.future();
      }
      return Future.succeededFuture(new RegistrationReply(coordinatorId, 100));
    }

    @Override
    public Future<HeartbeatReply> heartbeat(Heartbeat heartbeat, long timeoutMillis) {
      return Future.succeededFuture(new HeartbeatReply(coordinatorId, "node-c", true, 3000));
    }

    @Override
    public Future<Void> listen(String workerId, Inbox inbox) {
      this.inbox = inbox;
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      inbox = null;
      return Future.succeededFuture();
    }
  }

  /** Holds what it is given and records every rate change it applies. */
  static final class RecordingGenerator implements LeasedGenerator {
    volatile Holding holding = Holding.NOTHING;
    final List<Holding> rateChanges = new ArrayList<>();

    @Override
    public Holding holding() {
      return holding;
    }

    @Override
    public String incarnation() {
      return "inc-1";
    }

    @Override
    public CompletableFuture<Boolean> apply(Holding next, long notBeforeMillis) {
      if (next.epoch() <= holding.epoch()) {
        return CompletableFuture.completedFuture(false);
      }
      holding = next;
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> changeRate(long epoch, double eventsPerSecond, boolean paused) {
      if (epoch != holding.epoch()) {
        return CompletableFuture.completedFuture(false);
      }
      holding = new Holding(epoch, holding.users(), eventsPerSecond, paused, holding.population());
      rateChanges.add(holding);
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Void> release() {
      holding = new Holding(holding.epoch(), UserRange.EMPTY, 0, holding.paused(), holding.population());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void leaseUntil(long expiryNanos) {
    }

    @Override
    public void revokeLease() {
    }

    @Override
    public long latestEventAtApply() {
      return 0;
    }
  }

  @BeforeEach
  void start() {
    link = new CoordinatorLink(new CoordinatorLink.Seams(time, time, Runnable::run, channel, () -> { }), generator,
        new CoordinatorLink.Identity("w1", "node-1", "127.0.0.1", 1, 0), 10_000, null);
  }

  private void registerAndHoldEpoch3() {
    assertThat(link.start().succeeded()).isTrue();
    assertThat(link.registered()).isTrue();
    AssignmentAck ack = channel.inbox.onAssignment(
        new Assignment("w1", "c1", 3, new UserRange(1, 100), 10, false, 3000).toJson()).result();
    assertThat(ack.accepted()).isTrue();
  }

  private RateChange.Ack send(RateChange change) {
    Future<RateChange.Ack> answer = channel.inbox.onRateChange(change.toJson());
    assertThat(answer.succeeded()).as(String.valueOf(answer.cause())).isTrue();
    return answer.result();
  }

  private Throwable refusal(Object body) {
    Future<RateChange.Ack> answer = channel.inbox.onRateChange(body);
    assertThat(answer.failed()).as("refused: " + answer.result()).isTrue();
    return answer.cause();
  }

  @Test
  void aNewRateForTheHeldEpochIsAppliedWithoutTouchingTheUsers() {
    registerAndHoldEpoch3();

    RateChange.Ack ack = send(new RateChange("w1", "c1", 3, 1, 250.5, false));

    assertThat(ack).isEqualTo(new RateChange.Ack("w1", 3, true));
    assertThat(generator.holding).isEqualTo(new Holding(3, new UserRange(1, 100), 250.5, false, 100));
  }

  @Test
  void aPauseIsAppliedAndAResumeAfterIt() {
    registerAndHoldEpoch3();

    assertThat(send(new RateChange("w1", "c1", 3, 1, 10, true)).applied()).isTrue();
    assertThat(generator.holding.paused()).isTrue();
    assertThat(send(new RateChange("w1", "c1", 3, 2, 40, false)).applied()).isTrue();

    assertThat(generator.holding).isEqualTo(new Holding(3, new UserRange(1, 100), 40, false, 100));
  }

  @Test
  void aDuplicateOrALateCopyIsAcknowledgedAndNotApplied() {
    registerAndHoldEpoch3();
    send(new RateChange("w1", "c1", 3, 5, 50, false));

    RateChange.Ack duplicate = send(new RateChange("w1", "c1", 3, 5, 50, false));
    RateChange.Ack lateCopy = send(new RateChange("w1", "c1", 3, 4, 70, true));

    assertThat(duplicate).isEqualTo(new RateChange.Ack("w1", 3, false));
    assertThat(lateCopy).isEqualTo(new RateChange.Ack("w1", 3, false));
    assertThat(generator.rateChanges).hasSize(1);
    assertThat(generator.holding).isEqualTo(new Holding(3, new UserRange(1, 100), 50, false, 100));
  }

  @Test
  void aChangeForAnotherEpochIsNotAppliedAndDoesNotUseUpItsSeq() {
    registerAndHoldEpoch3();

    assertThat(send(new RateChange("w1", "c1", 2, 7, 50, false))).isEqualTo(new RateChange.Ack("w1", 3, false));
    assertThat(send(new RateChange("w1", "c1", 4, 8, 50, false))).isEqualTo(new RateChange.Ack("w1", 3, false));
    assertThat(generator.rateChanges).isEmpty();
    // The coordinator's later change for the epoch held, with a lower seq than the refused ones, applies.
    assertThat(send(new RateChange("w1", "c1", 3, 6, 60, false)).applied()).isTrue();
  }

  @Test
  void refusedFromAnotherCoordinatorForAnotherWorkerOrMalformedAndNothingChanges() {
    registerAndHoldEpoch3();
    Holding before = generator.holding;

    Throwable stranger = refusal(new RateChange("w1", "c-evil", 3, 1, 1e6, false).toJson());
    Throwable otherWorker = refusal(new RateChange("w2", "c1", 3, 1, 1e6, false).toJson());
    Throwable nan = refusal(new RateChange("w1", "c1", 3, 1, 1, false).toJson().put("eventsPerSecond", Double.NaN));
    Throwable seqZero = refusal(new RateChange("w1", "c1", 3, 1, 1, false).toJson().put("seq", 0));

    assertThat(((ReplyException) stranger).failureCode()).isEqualTo(Protocol.UNKNOWN_SENDER);
    assertThat(stranger.getMessage())
        .isEqualTo("rate change from coordinator c-evil refused: this worker is registered with c1");
    assertThat(((ReplyException) otherWorker).failureCode()).isEqualTo(400);
    assertThat(otherWorker.getMessage()).isEqualTo("rate change for w2 sent to w1");
    assertThat(((ReplyException) nan).failureCode()).isEqualTo(400);
    assertThat(nan.getMessage()).contains("'eventsPerSecond' must be a finite number, got NaN");
    assertThat(((ReplyException) seqZero).failureCode()).isEqualTo(400);
    assertThat(seqZero.getMessage()).contains("'seq' must be from 1");
    assertThat(generator.holding).isSameAs(before);
    assertThat(generator.rateChanges).isEmpty();
  }

  @Test
  void beforeRegistrationEvenTheLaterCoordinatorIsRefused() {
    Throwable early = refusalBeforeStart();

    assertThat(((ReplyException) early).failureCode()).isEqualTo(Protocol.UNKNOWN_SENDER);
    assertThat(early.getMessage()).contains("this worker is registered with no coordinator");
  }

  private Throwable refusalBeforeStart() {
    channel.heldRegistration = Promise.promise();
    link.start();
    // The registration is in flight, but this change is from someone else: decided once it is answered.
    Future<RateChange.Ack> answer = channel.inbox.onRateChange(new RateChange("w1", "c9", 1, 1, 5, false).toJson());
    assertThat(answer.isComplete()).isFalse();
    channel.heldRegistration.fail(new ReplyException(io.vertx.core.eventbus.ReplyFailure.TIMEOUT, "no answer"));
    assertThat(answer.failed()).isTrue();
    return answer.cause();
  }

  @Test
  void aChangeThatOvertakesTheRegistrationReplyIsDecidedOnceTheReplyArrives() {
    channel.heldRegistration = Promise.promise();
    link.start();
    Future<RateChange.Ack> answer = channel.inbox.onRateChange(new RateChange("w1", "c1", 1, 1, 5, false).toJson());
    assertThat(answer.isComplete()).isFalse();

    channel.heldRegistration.complete(new RegistrationReply("c1", 100));

    // Registered, but holding no epoch yet: acknowledged, not applied.
    assertThat(answer.result()).isEqualTo(new RateChange.Ack("w1", 0, false));
  }

  @Test
  void aNewCoordinatorNumbersItsChangesAfresh() {
    registerAndHoldEpoch3();
    assertThat(send(new RateChange("w1", "c1", 3, 9, 50, false)).applied()).isTrue();
    // c1 is gone; c2 does not know this worker, which registers again and is assigned epoch 4 by it.
    channel.coordinatorId = "c2";
    time.advanceMillis(CoordinatorLink.HEARTBEAT_INTERVAL_MILLIS);
    channel.heldRegistration = null;
    assertThat(link.registered()).isTrue();
    assertThat(channel.inbox.onAssignment(new Assignment("w1", "c2", 4, new UserRange(1, 100), 10, false, 3000)
        .toJson()).result().accepted()).isTrue();

    RateChange.Ack first = send(new RateChange("w1", "c2", 4, 1, 80, false));
    Throwable old = refusal(new RateChange("w1", "c1", 4, 10, 1, false).toJson());

    assertThat(first.applied()).isTrue();
    assertThat(((ReplyException) old).failureCode()).isEqualTo(Protocol.UNKNOWN_SENDER);
    assertThat(generator.holding.eventsPerSecond()).isEqualTo(80);
  }
}
