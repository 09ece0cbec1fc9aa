package io.clickstream.bench;

import io.clickstream.protocol.Counters;
import io.clickstream.protocol.Heartbeat;
import io.clickstream.protocol.StatsReport;
import io.clickstream.protocol.UserRange;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Size of the messages a worker sends to the coordinator every second, encoded as they go over the
 * event bus (JSON), with realistic large counters: an estimate of event-bus traffic per worker.
 */
public final class BusMessageSize {
  private BusMessageSize() {
  }

  public static void main(String[] args) {
    Map<String, Long> byType = new LinkedHashMap<>();
    Map<String, Long> interval = new LinkedHashMap<>();
    for (String t : io.clickstream.protocol.EventTypes.NAMES) {
      byType.put(t, 123_456_789L);
      interval.put(t, 12_345L);
    }
    StatsReport stats = new StatsReport("worker-1", "127.0.0.1", 123_456, 7, new UserRange(250_001, 500_000),
        25_000.0, true, new Counters(987_654_321L, 987_654_000L, 0, 321, 49_382_716L, 0), byType, 1000,
        new Counters(25_000, 24_990, 0, 321, 1250, 0), interval, 3.2, 12.5, 40.1, 0.1, 1.2, 8.4, null);
    int statsBytes = stats.toJson().encode().length();
    int heartbeatBytes = new Heartbeat("worker-1", "3f2a9c4e-1b7d-4e5f-9a8b-0c1d2e3f4a5b", 7).toJson().encode().length();
    System.out.printf("stats report JSON: %d bytes; heartbeat JSON: %d bytes%n", statsBytes, heartbeatBytes);
  }
}
