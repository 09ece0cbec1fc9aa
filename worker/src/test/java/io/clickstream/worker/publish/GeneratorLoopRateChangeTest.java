package io.clickstream.worker.publish;

import io.clickstream.worker.format.ValueEncoding;
import io.clickstream.protocol.Clock;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.protocol.UserRange;
import io.clickstream.worker.cluster.Holding;
import io.clickstream.worker.simulation.Behaviour;
import io.clickstream.worker.simulation.Catalog;
import io.clickstream.worker.simulation.ClickSimulator;
import io.clickstream.worker.simulation.LateDelay;
import io.clickstream.worker.stats.WorkerStats;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rate change on the real generator thread and Kafka's MockProducer: it changes the rate and the pause
 * of the epoch held and nothing else, and a pause stops generating while the held-back late events keep
 * going out, as a paused assignment does.
 */
class GeneratorLoopRateChangeTest {
  private static final UserRange USERS = new UserRange(1, 100);
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, new ByteArraySerializer(), new ByteArraySerializer());
  private final WorkerStats stats = new WorkerStats(System.currentTimeMillis());
  private GeneratorLoop loop;

  @AfterEach
  void stopLoop() throws Exception {
    loop.force();
    loop.stop().get(30, TimeUnit.SECONDS);
  }

  private void start(double rate) {
    // 30 % late, 0.8 to 2 s late: a pause has held-back events to deliver.
    ClickSimulator sim = new ClickSimulator(new Catalog(50, 7), Behaviour.withTimeoutMillis(30,
        new LateDelay.Uniform(800, 2_000), 30 * 60_000L), 5);
    loop = new GeneratorLoop(sim, producer, "t", "w1", stats,
        new GeneratorLoop.Options(RecordHeaders.LATE, false, 1, null, null, 0, 0, ValueEncoding.JSON), Clock.SYSTEM);
    loop.start();
    assertThat(loop.apply(new Holding(3, USERS, rate, false, 100)).join()).isTrue();
    loop.leaseUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
  }

  private static void await(BooleanSupplier condition, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("condition not met within " + limit).isNegative();
      Thread.sleep(10);
    }
  }

  @Test
  void aRateChangeForTheHeldEpochChangesTheRateAndKeepsTheUsers() throws Exception {
    start(400);

    assertThat(loop.changeRate(3, 25.5, false).get(10, TimeUnit.SECONDS)).isTrue();
    long generatedAtChange = stats.totals().generated();

    assertThat(loop.holding()).isEqualTo(new Holding(3, USERS, 25.5, false, 100));
    await(() -> stats.totals().generated() > generatedAtChange, Duration.ofSeconds(10));
    assertThat(loop.producing()).isTrue();
  }

  @Test
  void aRateChangeForAnotherEpochChangesNothing() throws Exception {
    start(400);

    assertThat(loop.changeRate(2, 1, true).get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(loop.changeRate(4, 1, true).get(10, TimeUnit.SECONDS)).isFalse();

    assertThat(loop.holding()).isEqualTo(new Holding(3, USERS, 400, false, 100));
  }

  @Test
  void aPauseStopsGeneratingAndStillDeliversTheHeldBackLateEvents() throws Exception {
    start(400);
    await(() -> loop.heldLateEvents() >= 20, Duration.ofSeconds(20));

    assertThat(loop.changeRate(3, 400, true).get(10, TimeUnit.SECONDS)).isTrue();
    await(() -> !loop.producing(), Duration.ofSeconds(10));
    // A round trip through the loop's mailbox: the turn that paused (and ended the payments) is over.
    loop.truthReport().get(10, TimeUnit.SECONDS);
    long generatedWhenPaused = stats.totals().generated();
    await(() -> loop.heldLateEvents() == 0, Duration.ofSeconds(20));
    loop.truthReport().get(10, TimeUnit.SECONDS);

    assertThat(stats.totals().generated()).as("nothing new while paused").isEqualTo(generatedWhenPaused);
    assertThat(producer.history()).as("every event generated went out, the late ones at their due times")
        .hasSize((int) generatedWhenPaused);
    assertThat(loop.holding()).isEqualTo(new Holding(3, USERS, 400, true, 100));
    assertThat(loop.changeRate(3, 400, false).get(10, TimeUnit.SECONDS)).isTrue();
    await(() -> stats.totals().generated() > generatedWhenPaused, Duration.ofSeconds(10));
  }

  @Test
  void aRateChangeAfterTheStopIsNotApplied() throws Exception {
    start(400);
    loop.stop().get(30, TimeUnit.SECONDS);

    assertThat(loop.changeRate(3, 1, true).get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(loop.holding().eventsPerSecond()).isEqualTo(400);
  }
}
