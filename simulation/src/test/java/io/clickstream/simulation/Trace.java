package io.clickstream.simulation;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The schedule so far, compact: faults, commands and the protocol's decisions, one line each with the
 * simulated time. Keeps the last lines only; a failure prints them with the seed. Also folds every line
 * into a hash, so that a test can tell two runs of one seed apart.
 */
final class Trace {
  private static final int KEEP = 400;
  private final SimScheduler scheduler;
  private final Deque<String> lines = new ArrayDeque<>();
  private long hash = 17;
  private long count;

  Trace(SimScheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** A fault or command: always kept. */
  void event(String what) {
    add(what);
  }

  /** A message fault: many of them, kept in the same ring. */
  void detail(String what) {
    add("  " + what);
  }

  private void add(String what) {
    long nanos = scheduler.nowNanos();
    String line = String.format(java.util.Locale.ROOT, "%9.3f %s", nanos / 1e9, what);
    hash = hash * 31 + line.hashCode();
    count++;
    lines.addLast(line);
    if (lines.size() > KEEP) {
      lines.removeFirst();
    }
  }

  long hash() {
    return hash;
  }

  String dump() {
    StringBuilder out = new StringBuilder();
    if (count > lines.size()) {
      out.append("  ... ").append(count - lines.size()).append(" earlier lines\n");
    }
    lines.forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }
}
