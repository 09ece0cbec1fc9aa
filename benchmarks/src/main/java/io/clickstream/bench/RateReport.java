package io.clickstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rate accuracy of one standalone worker from its {@code Events:} lines (STATS_LOG_SECONDS=10): for
 * every window between two consecutive lines, the generated and the acknowledged rate against the
 * target, and the send-lag p99 the line reports.
 *
 * <p>With late events, the acknowledged rate trails by construction for the first MAX_LATE_SECONDS:
 * a share p of the events is held back 10-120 s (uniformly). The "model" column is the acknowledged
 * rate that alone predicts: R(1-p) on time, plus R p F(t) released, where F is the share of delays
 * shorter than t (t from the pacer's start, taken as the worker's "running" log line).
 *
 * <pre>java -cp clickstream-benchmarks.jar io.clickstream.bench.RateReport LOG TARGET LATE_PERCENT</pre>
 */
public final class RateReport {
  private static final Pattern TIME = Pattern.compile("^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) ");
  private static final Pattern EVENTS = Pattern.compile(
      "Events: ([\\d,]+) generated, .*?, ([\\d,]+) acked, ([\\d,]+) late .*send lag p99 ([\\d.]+) ms");
  private static final double MIN_LATE = 10;
  private static final double MAX_LATE = 120;

  private RateReport() {
  }

  record Line(double seconds, long generated, long acked, double lagP99) {
  }

  public static void main(String[] args) throws IOException {
    double target = Double.parseDouble(args[1]);
    double late = Double.parseDouble(args[2]) / 100.0;
    List<Line> lines = new ArrayList<>();
    double start = Double.NaN;
    for (String text : Files.readAllLines(Path.of(args[0]))) {
      Matcher t = TIME.matcher(text);
      if (!t.find()) {
        continue;
      }
      double seconds = Integer.parseInt(t.group(1)) * 3600 + Integer.parseInt(t.group(2)) * 60
          + Integer.parseInt(t.group(3)) + Integer.parseInt(t.group(4)) / 1000.0;
      if (Double.isNaN(start) && text.contains(" running (standalone)")) {
        start = seconds;
      }
      if (text.contains("ShutdownHook - Shutting down")) {
        break; // the last line is written after the held-back late events were sent early
      }
      Matcher m = EVENTS.matcher(text);
      if (m.find()) {
        lines.add(new Line(seconds, num(m.group(1)), num(m.group(2)), Double.parseDouble(m.group(4))));
      }
    }
    System.out.println("| window (s from start) | generated/s | gen. error | acked/s | acked error | model acked/s"
        + " | acked vs model | send lag p99 ms |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    double worstGen = 0;
    double worstAck = 0;
    double worstModel = 0;
    double worstLag = 0;
    for (int i = 1; i < lines.size(); i++) {
      Line a = lines.get(i - 1);
      Line b = lines.get(i);
      double dt = b.seconds() - a.seconds();
      double gen = (b.generated() - a.generated()) / dt;
      double ack = (b.acked() - a.acked()) / dt;
      double t1 = a.seconds() - start;
      double t2 = b.seconds() - start;
      double model = target * (1 - late) + target * late * (released(t2) - released(t1)) / dt;
      double genErr = gen / target - 1;
      double ackErr = ack / target - 1;
      double modelErr = ack / model - 1;
      worstGen = Math.max(worstGen, Math.abs(genErr));
      worstAck = Math.max(worstAck, Math.abs(ackErr));
      worstModel = Math.max(worstModel, Math.abs(modelErr));
      worstLag = Math.max(worstLag, b.lagP99());
      System.out.printf(Locale.ROOT, "| %.0f-%.0f | %,.1f | %+.2f %% | %,.1f | %+.2f %% | %,.1f | %+.2f %% | %.1f |%n",
          t1, t2, gen, 100 * genErr, ack, 100 * ackErr, model, 100 * modelErr, b.lagP99());
    }
    System.out.printf(Locale.ROOT, "%nSUMMARY target=%.0f late=%.0f%% worst |gen err| %.2f %%, worst |acked err| %.2f %%,"
        + " worst |acked vs model| %.2f %%, worst send lag p99 %.1f ms%n",
        target, late * 100, 100 * worstGen, 100 * worstAck, 100 * worstModel, worstLag);
  }

  /** Integral over [0, t] of the share of late delays shorter than s (uniform on [10, 120] s). */
  static double released(double t) {
    if (t <= MIN_LATE) {
      return 0;
    }
    if (t <= MAX_LATE) {
      return (t - MIN_LATE) * (t - MIN_LATE) / (2 * (MAX_LATE - MIN_LATE));
    }
    return (MAX_LATE - MIN_LATE) / 2 + (t - MAX_LATE);
  }

  private static long num(String s) {
    return Long.parseLong(s.replace(",", ""));
  }
}
