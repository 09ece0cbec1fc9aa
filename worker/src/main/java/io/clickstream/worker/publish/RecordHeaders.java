package io.clickstream.worker.publish;

/**
 * Which record headers to stamp (RECORD_HEADERS). Measured at full speed (docs/BENCHMARKS.md), headers on
 * every record cost about a quarter of a worker's throughput in kafka-clients 3.7, so the default stamps
 * only the late events, which need it most.
 */
public enum RecordHeaders {
  /** clickstream.worker and clickstream.epoch on every record, plus the late ones' headers. */
  ALL,
  /** clickstream.late-delay-ms on late events only (and clickstream.sent-early-ms on those sent early). */
  LATE,
  NONE
}
