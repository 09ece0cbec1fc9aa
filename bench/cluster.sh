#!/usr/bin/env bash
# Cluster overhead: a coordinator with 4 clustered workers (1 Hz stats, the default) at a modest total
# rate; the coordinator's CPU from /proc/<pid>/stat (utime+stime) over a window, and its TCP traffic
# (event bus + Hazelcast) from the byte counters of its sockets (ss -tin) over the same window, next to
# the size of one stats report (BusMessageSize).
#
# Usage: bench/cluster.sh    (CLUSTER_WORKERS=4 CLUSTER_RATE=4000 WINDOW_SECONDS=60 SETTLE_SECONDS=60;
#        COORDINATOR_JAVA_OPTS="-Xmx256m -XX:StartFlightRecording=..." to profile the coordinator)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

WORKERS="${CLUSTER_WORKERS:-4}"
RATE="${CLUSTER_RATE:-4000}"
WINDOW="${WINDOW_SECONDS:-60}"
# Hazelcast keeps migrating partitions and the JIT keeps compiling for a while after the cluster forms.
SETTLE="${SETTLE_SECONDS:-60}"
HTTP_PORT="${BENCH_HTTP_PORT:-18088}"
CLUSTER_PORT="${BENCH_CLUSTER_PORT:-17701}"
COORD_OPTS="${COORDINATOR_JAVA_OPTS:--Xmx256m}"

ensure_built
new_out_dir cluster
machine_info | tee "$OUT/machine.txt"
start_broker
create_topic bench-cluster 12

export KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" TOPIC_NAME=bench-cluster TOPIC_PARTITIONS=12
export CLUSTER_NAME="bench-cluster-$$" CLUSTER_MEMBERS=127.0.0.1 CLUSTER_HOST=127.0.0.1
export CLUSTER_PORT CLUSTER_PORT_COUNT=$((WORKERS + 3)) HTTP_PORT HTTP_HOST=127.0.0.1 STATS_LOG_SECONDS=30
bg "$OUT/coordinator.log" "$JAVA" $COORD_OPTS -jar "$COORDINATOR_JAR"
COORD_PID=$LAST_PID
for ((i = 1; i <= WORKERS; i++)); do
  bg "$OUT/worker-$i.log" env WORKER_ID="bench-worker-$i" "$JAVA" -Xmx256m -jar "$WORKER_JAR"
done

status() { curl -s --max-time 5 "http://127.0.0.1:$HTTP_PORT/api/status" || true; }
await_live_workers "$WORKERS" "$HTTP_PORT" "$COORD_PID"
curl -s --max-time 5 -X PUT -H 'Content-Type: application/json' -d "{\"eventsPerSecond\":$RATE}" \
  "http://127.0.0.1:$HTTP_PORT/api/rate" >"$OUT/rate-response.json"
log "cluster formed with $WORKERS workers, rate $RATE/s; settling ${SETTLE}s"
sleep "$SETTLE"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Sum of bytes_sent and bytes_received over the TCP sockets of one process.
socket_bytes() {
  ss -tinpH 2>/dev/null | awk -v pid="pid=$1," '
    /users:\(\(/ { mine = index($0, pid) > 0; next }
    mine { for (i = 1; i <= NF; i++) {
             if ($i ~ /^bytes_sent:/) { split($i, a, ":"); s += a[2] }
             if ($i ~ /^bytes_received:/) { split($i, a, ":"); r += a[2] } } }
    END { printf "%d %d\n", s, r }'
}
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks "$COORD_PID"); read -r s0 r0 < <(socket_bytes "$COORD_PID"); n0=$(date +%s%N)
sleep "$WINDOW"
t1=$(cpu_ticks "$COORD_PID"); read -r s1 r1 < <(socket_bytes "$COORD_PID"); n1=$(date +%s%N)
status >"$OUT/status-end.json"
rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$COORD_PID/status")

{
  echo "## Cluster overhead: coordinator with $WORKERS workers, ${WINDOW}s window"
  echo
  echo '```'
  cat "$OUT/machine.txt"
  echo '```'
  awk -v t0="$t0" -v t1="$t1" -v hz="$hz" -v n0="$n0" -v n1="$n1" -v s0="$s0" -v s1="$s1" -v r0="$r0" -v r1="$r1" \
      -v rss="$rss" -v w="$WORKERS" 'BEGIN {
    secs = (n1 - n0) / 1e9
    printf "coordinator CPU: %.2f %% of one core (%d ticks at %d Hz over %.1f s); RSS %d MB\n",
      100 * (t1 - t0) / hz / secs, t1 - t0, hz, secs, rss
    printf "coordinator TCP traffic (event bus + Hazelcast, all its sockets): sent %.1f KB/s, received %.1f KB/s" \
      " (%.0f bytes/s received per worker)\n", (s1 - s0) / secs / 1024, (r1 - r0) / secs / 1024, (r1 - r0) / secs / w
  }'
  "$JAVA" -cp "$BENCH_JAR" io.clickstream.bench.BusMessageSize
  echo "measured rate at the end: $(grep -o '"measuredRate":[0-9.]*' "$OUT/status-end.json" | head -1)"
} | tee "$OUT/report.md"
