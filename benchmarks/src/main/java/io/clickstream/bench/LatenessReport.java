package io.clickstream.bench;

import io.clickstream.worker.simulation.LateDelay;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;

/**
 * Reads a topic and prints the late events' delays as a histogram next to the chosen distribution:
 * planned (the clickstream.late-delay-ms header) and observed (processing_time - event_time), with the
 * Kolmogorov-Smirnov distance of the planned delays from the distribution.
 *
 * <pre>java -cp clickstream-benchmarks.jar io.clickstream.bench.LatenessReport BOOTSTRAP TOPIC SPEC MAX_LATE_SECONDS [BINS]</pre>
 */
public final class LatenessReport {
  private static final Pattern TIMES = Pattern.compile("\"event_time\":(\\d+),\"processing_time\":(\\d+)");

  private LatenessReport() {
  }

  public static void main(String[] args) {
    if (args.length < 4) {
      System.err.println("usage: LatenessReport BOOTSTRAP TOPIC LATE_DISTRIBUTION MAX_LATE_SECONDS [BINS=12]");
      System.exit(2);
    }
    LateDelay distribution = LateDelay.parse(args[2], Integer.parseInt(args[3]));
    int bins = args.length > 4 ? Integer.parseInt(args[4]) : 12;
    long maxMillis = Integer.parseInt(args[3]) * 1000L;
    List<Long> planned = new ArrayList<>();
    List<Long> observed = new ArrayList<>();
    long[] records = new long[1];
    OffsetSampler.readAll(args[0], args[1], r -> {
      records[0]++;
      Header header = r.headers().lastHeader("clickstream.late-delay-ms");
      if (header == null) {
        return;
      }
      planned.add(Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII)));
      Matcher m = TIMES.matcher(new String(r.value(), StandardCharsets.UTF_8));
      if (m.find()) {
        observed.add(Long.parseLong(m.group(2)) - Long.parseLong(m.group(1)));
      }
    });
    long total = records[0];
    System.out.printf("%d records, %d late (%.2f %%), distribution %s%n%n", total, planned.size(),
        100.0 * planned.size() / Math.max(1, total), distribution.describe());
    System.out.println("| delay (s) | planned | observed | expected |");
    System.out.println("|---|---|---|---|");
    long width = Math.max(1, maxMillis / bins);
    for (int b = 0; b < bins; b++) {
      long lo = b * width;
      long hi = b == bins - 1 ? Long.MAX_VALUE : lo + width;
      // Delays are whole milliseconds: P(lo <= d < hi) = F(hi - 1) - F(lo - 1).
      double expected = ((hi == Long.MAX_VALUE ? 1.0 : distribution.cdf(hi - 1)) - distribution.cdf(lo - 1))
          * planned.size();
      System.out.printf("| %5.1f-%-5s | %d | %d | %.0f |%n", lo / 1000.0,
          hi == Long.MAX_VALUE ? "max" : String.format("%.1f", hi / 1000.0), count(planned, lo, hi),
          count(observed, lo, hi), expected);
    }
    Collections.sort(planned);
    // Per distinct value (delays are whole ms, and the cap is an atom): the empirical CDF just before x
    // against F(x - 1 ms), and just after all ties at x against F(x).
    double ks = 0;
    int n = planned.size();
    for (int i = 0; i < n; ) {
      long x = planned.get(i);
      int j = i;
      while (j < n && planned.get(j) == x) {
        j++;
      }
      ks = Math.max(ks, Math.max(Math.abs(distribution.cdf(x - 1) - (double) i / n),
          Math.abs(distribution.cdf(x) - (double) j / n)));
      i = j;
    }
    System.out.printf("%nKolmogorov-Smirnov distance of the planned delays: %.4f (critical value at 1 %%: %.4f)%n",
        ks, 1.63 / Math.sqrt(Math.max(1, planned.size())));
    if (!planned.isEmpty()) {
      System.out.printf("planned p50 %.1f s, p90 %.1f s, p99 %.1f s, max %.1f s%n", planned.get(planned.size() / 2) / 1000.0,
          planned.get(planned.size() * 9 / 10) / 1000.0, planned.get(planned.size() * 99 / 100) / 1000.0,
          planned.get(planned.size() - 1) / 1000.0);
    }
  }

  private static long count(List<Long> values, long lo, long hi) {
    return values.stream().filter(v -> v >= lo && v < hi).count();
  }
}
