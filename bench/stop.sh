#!/usr/bin/env bash
# The stream's contract through a stop, read back from the topic: one standalone worker runs for a while,
# gets SIGTERM, drains its held-back late events at their due times and exits; StreamContractReport then
# counts per-user ties and inversions in event time, the lateness bands (2..10 s must stay empty) and what
# arrived after the SIGTERM.
#
# Usage: bench/stop.sh   (RATE=10000 USERS=1000 RUN_SECONDS=600 LATE_PCT=5 MAX_LATE_SECONDS=120 by default)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RATE="${RATE:-10000}"
USERS="${USERS:-1000}"
RUN_SECONDS="${RUN_SECONDS:-600}"
LATE_PCT="${LATE_PCT:-5}"
MAX_LATE="${MAX_LATE_SECONDS:-120}"

ensure_built
new_out_dir stop
machine_info | tee "$OUT/machine.txt"
start_broker
topic="bench-stop"
create_topic "$topic" 12
bg "$OUT/worker.log" env KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" TOPIC_NAME="$topic" EVENTS_PER_SECOND="$RATE" \
  NUM_USERS="$USERS" LATE_DATA_PERCENTAGE="$LATE_PCT" MAX_LATE_SECONDS="$MAX_LATE" SEED=7 \
  WORKER_ID=bench-stop "$JAVA" -Xmx512m -jar "$WORKER_JAR" --standalone
worker=$LAST_PID
log "worker running for ${RUN_SECONDS}s at $RATE/s over $USERS users"
sleep "$RUN_SECONDS"
stop_ms=$(date +%s%3N)
stop_pid "$worker" $((MAX_LATE + 60))
exit_ms=$(date +%s%3N)
{
  echo "## Through a stop: ${RUN_SECONDS}s at $RATE/s, $USERS users, $LATE_PCT % late up to ${MAX_LATE}s, SIGTERM, drain"
  echo
  grep -o 'Stopping: .*' "$OUT/worker.log" || true
  grep -o 'Final totals: .*' "$OUT/worker.log" || true
  echo "SIGTERM to exit: $(( (exit_ms - stop_ms) / 1000 )) s"
  echo
  "$JAVA" -cp "$BENCH_JAR" io.clickstream.bench.StreamContractReport "$BOOTSTRAP" "$topic" "$stop_ms"
} | tee "$OUT/report.md"
