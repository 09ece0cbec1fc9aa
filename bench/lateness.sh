#!/usr/bin/env bash
# The delays of late events against the chosen distribution: one standalone worker with a large late
# share runs for a while, then LatenessReport reads the topic and prints planned (header) and observed
# (processing_time - event_time) delays per bin next to the expected counts, with a KS distance.
#
# Usage: bench/lateness.sh   (LATE_DISTRIBUTION=pareto:5,1.5 MAX_LATE_SECONDS=60 RATE=2000 LATE_PCT=20
#                              RUN_SECONDS=90 by default)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DISTRIBUTION="${LATE_DISTRIBUTION:-pareto:5,1.5}"
MAX_LATE="${MAX_LATE_SECONDS:-60}"
RATE="${RATE:-2000}"
LATE_PCT="${LATE_PCT:-20}"
RUN_SECONDS="${RUN_SECONDS:-90}"

ensure_built
new_out_dir lateness
machine_info | tee "$OUT/machine.txt"
start_broker
topic="bench-lateness"
create_topic "$topic" 12
bg "$OUT/worker.log" env KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" TOPIC_NAME="$topic" EVENTS_PER_SECOND="$RATE" \
  LATE_DATA_PERCENTAGE="$LATE_PCT" LATE_DISTRIBUTION="$DISTRIBUTION" MAX_LATE_SECONDS="$MAX_LATE" \
  WORKER_ID=bench-lateness "$JAVA" -Xmx512m -jar "$WORKER_JAR" --standalone
worker=$LAST_PID
log "worker running for ${RUN_SECONDS}s with LATE_DISTRIBUTION=$DISTRIBUTION"
sleep "$RUN_SECONDS"
# A graceful stop sends what is still held back early: those events show as observed < planned.
stop_pid "$worker" 60
{
  echo "## Late delays: LATE_DISTRIBUTION=$DISTRIBUTION, MAX_LATE_SECONDS=$MAX_LATE, ${RUN_SECONDS}s at $RATE/s"
  echo
  "$JAVA" -cp "$BENCH_JAR" io.clickstream.bench.LatenessReport "$BOOTSTRAP" "$topic" "$DISTRIBUTION" "$MAX_LATE"
} | tee "$OUT/report.md"
