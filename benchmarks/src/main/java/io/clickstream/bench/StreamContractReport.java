package io.clickstream.bench;

import io.clickstream.protocol.EventTypes;
import io.clickstream.protocol.UserIds;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a topic back and checks the stream's contract as a consumer sees it: per user, ties and inversions
 * in event time (a PURCHASE not right after its CHECKOUT, on-time events arriving out of event-time order);
 * the lateness bands (nothing may land 2..10 s late); events sent early; and, given the moment of a
 * SIGTERM, what arrived after it and for how long.
 *
 * <pre>java -cp clickstream-benchmarks.jar io.clickstream.bench.StreamContractReport BOOTSTRAP TOPIC [SIGTERM_EPOCH_MS]</pre>
 */
public final class StreamContractReport {
  private static final Pattern FIELDS = Pattern.compile("\"user_id\":\"" + Pattern.quote(UserIds.PREFIX)
      + "(\\d+)\".*\"event_type\":\"([A-Z_]+)\""
      + ".*\"event_time\":(\\d+),\"processing_time\":(\\d+)");
  private static final List<String> TYPES = EventTypes.NAMES;
  private static final long[] BAND_EDGES = {0, 1_000, 2_000, 10_000};

  private StreamContractReport() {
  }

  /** One user's events, packed as event time << 3 | type, growing as needed. */
  private static final class UserEvents {
    long[] packed = new long[64];
    int size;
    long lastOnTime = Long.MIN_VALUE;

    void add(long eventTime, int type) {
      if (size == packed.length) {
        packed = Arrays.copyOf(packed, size * 2);
      }
      packed[size++] = eventTime << 3 | type;
    }
  }

  /** What one pass over the topic counts. */
  private static final class Tally {
    final Map<Integer, UserEvents> users = new HashMap<>();
    final long stopAt;
    final long[] lateBands = new long[BAND_EDGES.length + 1];
    final long[] onTimeBands = new long[BAND_EDGES.length + 1];
    long total;
    long late;
    long sentEarly;
    long onTimeInversions;
    long afterStop;
    long lateAfterStop;
    long lastArrival = Long.MIN_VALUE;

    Tally(long stopAt) {
      this.stopAt = stopAt;
    }

    void add(ConsumerRecord<byte[], byte[]> r) {
      Matcher m = FIELDS.matcher(new String(r.value(), StandardCharsets.UTF_8));
      if (!m.find()) {
        throw new IllegalStateException("not a clickstream event: " + new String(r.value(), StandardCharsets.UTF_8));
      }
      total++;
      long eventTime = Long.parseLong(m.group(3));
      long processing = Long.parseLong(m.group(4));
      boolean isLate = r.headers().lastHeader("clickstream.late-delay-ms") != null;
      sentEarly += r.headers().lastHeader("clickstream.sent-early-ms") != null ? 1 : 0;
      UserEvents events = users.computeIfAbsent(Integer.parseInt(m.group(1)), u -> new UserEvents());
      events.add(eventTime, TYPES.indexOf(m.group(2)));
      if (isLate) {
        late++;
        lateBands[band(processing - eventTime)]++;
      } else {
        onTimeBands[band(processing - eventTime)]++;
        // A user's on-time events share a partition and must arrive strictly in event-time order.
        if (eventTime <= events.lastOnTime) {
          onTimeInversions++;
        }
        events.lastOnTime = eventTime;
      }
      if (processing >= stopAt) {
        afterStop++;
        lateAfterStop += isLate ? 1 : 0;
      }
      lastArrival = Math.max(lastArrival, processing);
    }
  }

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: StreamContractReport BOOTSTRAP TOPIC [SIGTERM_EPOCH_MS]");
      System.exit(2);
    }
    long stopAt = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
    Tally t = new Tally(stopAt);
    OffsetSampler.readAll(args[0], args[1], t::add);
    Map<Integer, UserEvents> users = t.users;
    long ties = 0;
    long purchaseInversions = 0;
    long purchases = 0;
    for (UserEvents events : users.values()) {
      long[] sorted = Arrays.copyOf(events.packed, events.size);
      Arrays.sort(sorted);
      for (int i = 0; i < sorted.length; i++) {
        if (i > 0 && sorted[i] >>> 3 == sorted[i - 1] >>> 3) {
          ties++;
        }
        if ((sorted[i] & 7) == TYPES.indexOf("PURCHASE")) {
          purchases++;
          if (i == 0 || (sorted[i - 1] & 7) != TYPES.indexOf("CHECKOUT") || sorted[i - 1] >>> 3 >= sorted[i] >>> 3) {
            purchaseInversions++;
          }
        }
      }
    }
    System.out.printf("%,d events of %,d users, %,d late (%.2f %%), %,d sent early%n", t.total, users.size(), t.late,
        100.0 * t.late / Math.max(1, t.total), t.sentEarly);
    System.out.printf("per user: %,d ties in event time, %,d on-time events out of event-time order, "
        + "%,d of %,d PURCHASEs not strictly after their CHECKOUT%n", ties, t.onTimeInversions, purchaseInversions, purchases);
    System.out.println("| processing - event time | on-time events | late events |");
    System.out.println("|---|---|---|");
    String[] names = {"< 0", "0..1 s", "1..2 s", "2..10 s", ">= 10 s"};
    for (int b = 0; b < names.length; b++) {
      System.out.printf("| %s | %,d | %,d |%n", names[b], t.onTimeBands[b], t.lateBands[b]);
    }
    if (stopAt != Long.MAX_VALUE) {
      System.out.printf("after SIGTERM: %,d events (%,d late) arrived, the last %.1f s after it%n", t.afterStop,
          t.lateAfterStop, (t.lastArrival - stopAt) / 1000.0);
    }
  }

  private static int band(long lateness) {
    int b = 0;
    while (b < BAND_EDGES.length && lateness >= BAND_EDGES[b]) {
      b++;
    }
    return b;
  }
}
