package io.clickstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the end-offset samples of one side-by-side run into rates: for each run of each variant, the
 * slope of the topic's end offsets between the first sample after warm-up and the last sample before
 * the run was stopped; then, round by round, the ratios C/B and C/A and their medians.
 *
 * <pre>java -cp clickstream-benchmarks.jar io.clickstream.bench.E2eReport SAMPLES RUNS WARMUP_SECONDS</pre>
 * SAMPLES: lines {@code epochMillis endOffsetSum} (OffsetSampler). RUNS: lines
 * {@code round variant startMillis stopMillis clientCpuSeconds brokerCpuSeconds}, the CPU seconds being
 * those used during the measured window. Prints Markdown tables: events/s, and events stored per
 * CPU-second of the producing JVM (what a producer costs, whatever else runs on the machine).
 */
public final class E2eReport {
  private E2eReport() {
  }

  record Sample(long millis, long offsets) {
  }

  public static void main(String[] args) throws IOException {
    List<Sample> samples = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[0].matches("\\d+") && f[1].matches("\\d+")) {
        samples.add(new Sample(Long.parseLong(f[0]), Long.parseLong(f[1])));
      }
    }
    long warmupMillis = Long.parseLong(args[2]) * 1000;
    Map<Integer, Map<String, double[]>> rounds = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4) {
        continue;
      }
      long from = Long.parseLong(f[2]) + warmupMillis;
      long to = Long.parseLong(f[3]);
      double rate = rate(samples, from, to);
      double events = rate * (to - from) / 1000.0;
      double clientCpu = f.length > 4 ? Double.parseDouble(f[4]) : Double.NaN;
      double brokerCpu = f.length > 5 ? Double.parseDouble(f[5]) : Double.NaN;
      rounds.computeIfAbsent(Integer.parseInt(f[0]), r -> new LinkedHashMap<>())
          .put(f[1], new double[] {rate, events / clientCpu, events / brokerCpu});
    }
    table("Acknowledged (stored) events/s", rounds, 0);
    table("Events per CPU-second of the producing JVM", rounds, 1);
    table("Events per CPU-second of the broker (same broker for all)", rounds, 2);
  }

  private static void table(String title, Map<Integer, Map<String, double[]>> rounds, int column) {
    List<Double> as = new ArrayList<>();
    List<Double> bs = new ArrayList<>();
    List<Double> cs = new ArrayList<>();
    List<Double> cb = new ArrayList<>();
    List<Double> ca = new ArrayList<>();
    List<Double> ds = new ArrayList<>();
    List<Double> db = new ArrayList<>();
    System.out.println();
    System.out.println("**" + title + "**");
    System.out.println();
    System.out.println("| round | A perf-test (null keys) | B keyed baseline | C worker | C/B | C/A "
        + "| D worker, RECORD_HEADERS=all | D/B |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
    double[] missing = {Double.NaN, Double.NaN, Double.NaN};
    rounds.forEach((round, r) -> {
      double a = r.getOrDefault("A", missing)[column];
      double b = r.getOrDefault("B", missing)[column];
      double c = r.getOrDefault("C", missing)[column];
      double d = r.getOrDefault("D", missing)[column];
      ds.add(d);
      db.add(d / b);
      as.add(a);
      bs.add(b);
      cs.add(c);
      cb.add(c / b);
      ca.add(c / a);
      System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %,.0f | %.3f | %.3f | %,.0f | %.3f |%n", round, a, b, c,
          c / b, c / a, d, d / b);
    });
    System.out.printf(Locale.ROOT, "| **median** | **%,.0f** | **%,.0f** | **%,.0f** | **%.3f** | **%.3f** | **%,.0f** "
        + "| **%.3f** |%n", median(as), median(bs), median(cs), median(cb), median(ca), median(ds), median(db));
    System.out.printf(Locale.ROOT, "%nRatio of the medians: C/B %.3f, C/A %.3f, B/A %.3f%n",
        median(cs) / median(bs), median(cs) / median(as), median(bs) / median(as));
  }

  /** Offsets per second between the first sample at or after {@code from} and the last at or before {@code to}. */
  static double rate(List<Sample> samples, long from, long to) {
    Sample first = null;
    Sample last = null;
    for (Sample s : samples) {
      if (first == null && s.millis() >= from) {
        first = s;
      }
      if (s.millis() <= to) {
        last = s;
      }
    }
    if (first == null || last == null || last.millis() <= first.millis()) {
      return Double.NaN;
    }
    return (last.offsets() - first.offsets()) * 1000.0 / (last.millis() - first.millis());
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().filter(v -> !v.isNaN()).sorted().toList();
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
