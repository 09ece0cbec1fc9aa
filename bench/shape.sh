#!/usr/bin/env bash
# A sine traffic shape end to end: a coordinator and two clustered workers follow PUT /api/rate with a
# sine (LATE_DATA_PERCENTAGE=0: late events would land in later windows, which is their point, not this
# figure's); the topic is read back and ShapeReport compares the events per 10-second window of event
# time with the sine's integral. This was TrafficShapeIT's ±2 % assertion; it is a timing figure, so it
# lives here, measured on a quiet machine.
#
# Usage: bench/shape.sh    (SHAPE_MIN=500 SHAPE_MAX=3000 SHAPE_PERIOD=60 SHAPE_DURATION=90 by default)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

MIN="${SHAPE_MIN:-500}"
MAX="${SHAPE_MAX:-3000}"
PERIOD="${SHAPE_PERIOD:-60}"
DURATION="${SHAPE_DURATION:-90}"
HTTP_PORT="${BENCH_HTTP_PORT:-18089}"
CLUSTER_PORT="${BENCH_CLUSTER_PORT:-17721}"

ensure_built
new_out_dir shape
machine_info | tee "$OUT/machine.txt"
start_broker
create_topic bench-shape 12

export KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" TOPIC_NAME=bench-shape TOPIC_PARTITIONS=12 NUM_USERS=600
export EVENTS_PER_SECOND="$MIN" LATE_DATA_PERCENTAGE=0
export CLUSTER_NAME="bench-shape-$$" CLUSTER_MEMBERS=127.0.0.1 CLUSTER_HOST=127.0.0.1
export CLUSTER_PORT CLUSTER_PORT_COUNT=5 HTTP_PORT HTTP_HOST=127.0.0.1
bg "$OUT/coordinator.log" "$JAVA" -Xmx256m -jar "$COORDINATOR_JAR"
COORD_PID=$LAST_PID
for i in 1 2; do
  bg "$OUT/worker-$i.log" env WORKER_ID="bench-shape-$i" "$JAVA" -Xmx256m -jar "$WORKER_JAR"
done

status() { curl -s --max-time 5 "http://127.0.0.1:$HTTP_PORT/api/status" || true; }
await_live_workers "2" "$HTTP_PORT" "$COORD_PID"
sleep 10
rebalances_before=$(status | grep -o '"rebalances":[0-9]*' | cut -d: -f2)
curl -s --max-time 5 -X PUT -H 'Content-Type: application/json' \
  -d "{\"shape\":\"sine\",\"min\":$MIN,\"max\":$MAX,\"periodSeconds\":$PERIOD,\"durationSeconds\":$DURATION}" \
  "http://127.0.0.1:$HTTP_PORT/api/rate" >"$OUT/shape-response.json"
start_ms=$(grep -o '"startMillis":[0-9]*' "$OUT/shape-response.json" | cut -d: -f2)
[[ -n "$start_ms" ]] || die "the shape was refused: $(cat "$OUT/shape-response.json")"
log "sine $MIN..$MAX/s, period ${PERIOD}s, for ${DURATION}s"
sleep $((DURATION + 5))
rebalances_after=$(status | grep -o '"rebalances":[0-9]*' | cut -d: -f2)
curl -s --max-time 5 -X POST "http://127.0.0.1:$HTTP_PORT/api/pause" >/dev/null
sleep 3

{
  echo "## Traffic shape: sine $MIN..$MAX/s, period ${PERIOD}s, ${DURATION}s, 2 workers"
  echo
  echo '```'
  cat "$OUT/machine.txt"
  echo '```'
  echo "rebalances while following the shape: $((rebalances_after - rebalances_before))"
  echo
  "$JAVA" -cp "$BENCH_JAR" io.clickstream.bench.ShapeReport "$BOOTSTRAP" bench-shape "$start_ms" "$MIN" "$MAX" \
    "$PERIOD" "$DURATION"
} | tee "$OUT/report.md"
