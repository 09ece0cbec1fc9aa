#!/usr/bin/env bash
# Soak: a coordinator and 2 clustered workers at a high rate with the truth and watermarks on, for an
# hour by default. Every minute each JVM gets a full GC (jcmd GC.run) and the heap it left, from the JVM's
# own GC log ("Pause Full ... before->after"), is sampled: the live set. A leak shows as a live set that grows
# minute after minute; the report gives the series and each JVM's least-squares slope.
#
# Usage: bench/soak.sh   (SOAK_SECONDS=3600 SOAK_RATE=20000 SOAK_USERS=100000 SAMPLE_SECONDS=60)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RUN_SECONDS="${SOAK_SECONDS:-3600}"
RATE="${SOAK_RATE:-20000}"
USERS="${SOAK_USERS:-100000}"
SAMPLE="${SAMPLE_SECONDS:-60}"
HTTP_PORT="${BENCH_HTTP_PORT:-18089}"
CLUSTER_PORT="${BENCH_CLUSTER_PORT:-17801}"

ensure_built
new_out_dir soak
machine_info | tee "$OUT/machine.txt"
start_broker
create_topic bench-soak 12

export KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" TOPIC_NAME=bench-soak TOPIC_PARTITIONS=12 NUM_USERS="$USERS"
export EVENTS_PER_SECOND="$RATE" TRUTH=on WATERMARKS=on STATS_LOG_SECONDS=60 MAX_LATE_SECONDS=60
export CLUSTER_NAME="bench-soak-$$" CLUSTER_MEMBERS=127.0.0.1 CLUSTER_HOST=127.0.0.1
export CLUSTER_PORT CLUSTER_PORT_COUNT=5 HTTP_PORT HTTP_HOST=127.0.0.1
gc_log() { echo "-Xlog:gc:file=$OUT/gc-$1.log:uptime"; }
bg "$OUT/coordinator.log" "$JAVA" -Xmx256m "$(gc_log coordinator)" -jar "$COORDINATOR_JAR"
names=(coordinator)
pids=("$LAST_PID")
for i in 1 2; do
  bg "$OUT/worker-$i.log" env WORKER_ID="soak-worker-$i" "$JAVA" -Xmx512m "$(gc_log "worker-$i")" -jar "$WORKER_JAR"
  names+=("worker-$i")
  pids+=("$LAST_PID")
done

status() { curl -s --max-time 5 "http://127.0.0.1:$HTTP_PORT/api/status" || true; }
deadline=$((SECONDS + 180))
until [[ "$(status | grep -o '"liveWorkers":[0-9]*' | cut -d: -f2)" == "2" ]]; do
  (( SECONDS < deadline )) || die "the cluster did not form; see $OUT/*.log"
  sleep 1
done
log "cluster formed; soaking ${RUN_SECONDS}s at $RATE/s, sampling every ${SAMPLE}s"

# live_mb NAME PID: a full GC (jcmd waits for it), then the heap it left in MB, from its GC log line.
live_mb() {
  jcmd "$2" GC.run >/dev/null 2>&1 || { echo NA; return; }
  grep 'Pause Full' "$OUT/gc-$1.log" | tail -1 | sed -E 's/.*->([0-9]+)M\(.*/\1/'
}
echo "minute ${names[*]}" >"$OUT/samples.txt"
start=$SECONDS
minute=0
while (( SECONDS - start < RUN_SECONDS )); do
  sleep "$SAMPLE"
  minute=$((minute + 1))
  row="$minute"
  for i in "${!pids[@]}"; do
    kill -0 "${pids[i]}" 2>/dev/null || die "${names[i]} exited during the soak; see $OUT/*.log"
    row="$row $(live_mb "${names[i]}" "${pids[i]}")"
  done
  echo "$row" >>"$OUT/samples.txt"
done
status >"$OUT/status-end.json"

{
  echo "## Soak: coordinator + 2 workers, ${RUN_SECONDS}s at $RATE/s, $USERS users, truth and watermarks on"
  echo
  echo '```'
  cat "$OUT/machine.txt"
  echo '```'
  echo
  echo "Heap in use after a full GC (MB), every ${SAMPLE}s:"
  echo '```'
  column -t "$OUT/samples.txt"
  echo '```'
  # Least-squares slope per JVM over the second half (the first minutes include warm-up and JIT).
  awk 'NR == 1 { for (i = 2; i <= NF; i++) name[i] = $i; next }
       { rows[NR] = $0; n = NR }
       END {
         for (i = 2; i in name; i++) {
           sx = sy = sxx = sxy = m = 0
           for (r = int(n / 2) + 1; r <= n; r++) { split(rows[r], f, " "); if (f[i] == "NA") continue
             sx += f[1]; sy += f[i]; sxx += f[1] * f[1]; sxy += f[1] * f[i]; m++ }
           slope = (m > 1 && m * sxx - sx * sx != 0) ? (m * sxy - sx * sy) / (m * sxx - sx * sx) : 0
           printf "%s: live set slope over the second half %+.3f MB/minute (%d samples)\n", name[i], slope, m
         }
       }' "$OUT/samples.txt"
  echo "measured rate at the end: $(grep -o '"measuredRate":[0-9.]*' "$OUT/status-end.json" | head -1)"
  echo "totals at the end: $(grep -o '"totals":{[^}]*}' "$OUT/status-end.json" | head -1)"
} | tee "$OUT/report.md"
