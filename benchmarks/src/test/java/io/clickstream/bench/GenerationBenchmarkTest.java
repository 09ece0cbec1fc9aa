package io.clickstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.infra.Blackhole;

/** Smoke test only: the benchmark and the payload writer run; no timing here (bench/ measures speed). */
class GenerationBenchmarkTest {
  private static final String BLACKHOLE_CONSENT =
      "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.";

  @Test
  void benchmarkStepRunsOverBothPopulations() {
    for (int users : new int[] {100, 1_000_000}) {
      GenerationBenchmark benchmark = new GenerationBenchmark();
      benchmark.users = users;
      benchmark.latePercentage = 5;
      benchmark.setUp();
      Blackhole bh = new Blackhole(BLACKHOLE_CONSENT);
      for (int i = 0; i < 10_000; i++) {
        benchmark.simulateEncodeKey(bh);
      }
    }
  }

  @Test
  void payloadFileHoldsOneJsonEventPerLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("payload.txt");
    PayloadFile.main(new String[] {file.toString(), "1000"});
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1000).allSatisfy(line -> assertThat(line)
        .startsWith("{\"event_id\":\"").contains("\"user_id\":\"USER_").endsWith("}"));
  }

  @Test
  void eventsAndKeysAgreeOnTheUser() {
    EventSource source = new EventSource(100, 0, 1);
    String json = new String(source.next(1_700_000_000_000L), StandardCharsets.UTF_8);
    String key = new String(source.key(), StandardCharsets.US_ASCII);
    assertThat(json).contains("\"user_id\":\"" + key + "\"");
  }
}
