#!/usr/bin/env bash
# Rate accuracy of one standalone worker at several targets. For each target two workers run at the
# same time on topics of their own: one with the default 5 % late events (what users run; its
# acknowledged rate trails for the first 120 s by construction) and one with LATE_DATA_PERCENTAGE=0
# (acknowledged = generated, the pure pacing figure). Each window is one pair of consecutive
# Events: lines (STATS_LOG_SECONDS=10); see RateReport for the columns.
#
# Usage: bench/rate.sh     (TARGETS="100 1000 10000 50000" RATE_SECONDS=65 by default)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TARGETS="${TARGETS:-100 1000 10000 50000}"
RUN_SECONDS="${RATE_SECONDS:-65}"
JVM_OPTS="${BENCH_JVM_OPTS:--Xmx512m}"

ensure_built
new_out_dir rate
machine_info | tee "$OUT/machine.txt"
start_broker

for target in $TARGETS; do
  started=()
  for late in 5 0; do
    topic="bench-rate-$target-late$late"
    create_topic "$topic" 12
    bg "$OUT/worker-$target-late$late.log" env KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" TOPIC_NAME="$topic" \
      TOPIC_PARTITIONS=12 EVENTS_PER_SECOND="$target" LATE_DATA_PERCENTAGE="$late" STATS_LOG_SECONDS=10 \
      WORKER_ID="bench-rate-$late" "$JAVA" $JVM_OPTS -jar "$WORKER_JAR" --standalone
    started+=("$LAST_PID")
  done
  log "target $target/s: two workers running for ${RUN_SECONDS}s"
  sleep "$RUN_SECONDS"
  for pid in "${started[@]}"; do stop_pid "$pid" 60; done
done

{
  echo "## Rate accuracy (${RUN_SECONDS}s per target; windows between Events: lines, 10 s apart)"
  echo
  echo '```'
  cat "$OUT/machine.txt"
  echo '```'
  for target in $TARGETS; do
    for late in 0 5; do
      echo
      echo "### target $target events/s, LATE_DATA_PERCENTAGE=$late"
      echo
      "$JAVA" -cp "$BENCH_JAR" io.clickstream.bench.RateReport "$OUT/worker-$target-late$late.log" "$target" "$late"
    done
  done
} | tee "$OUT/report.md"
