#!/usr/bin/env bash
# Memory at scale: one standalone worker with NUM_USERS=1,000,000 at 20,000 events/s, -Xmx1g, for
# MEM_SECONDS (180 by default). Samples RSS and jstat -gc every 10 s; GC log in the output directory;
# at the end GC.heap_info, then a full GC (GC.run) and GC.heap_info again for the live set.
#
# Usage: bench/memory.sh     (MEM_SECONDS=180 MEM_USERS=1000000 MEM_RATE=20000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RUN_SECONDS="${MEM_SECONDS:-180}"
USERS="${MEM_USERS:-1000000}"
RATE="${MEM_RATE:-20000}"

ensure_built
new_out_dir memory
machine_info | tee "$OUT/machine.txt"
start_broker
create_topic bench-memory 12

bg "$OUT/worker.log" env KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" TOPIC_NAME=bench-memory TOPIC_PARTITIONS=12 \
  NUM_USERS="$USERS" EVENTS_PER_SECOND="$RATE" STATS_LOG_SECONDS=10 WORKER_ID=bench-memory \
  "$JAVA" -Xmx1g "-Xlog:gc:file=$OUT/gc.log:uptime,level" -jar "$WORKER_JAR" --standalone
WORKER_PID=$LAST_PID
wait_for_line "$OUT/worker.log" "running (standalone)" 60 "$WORKER_PID" || die "worker did not start; see $OUT/worker.log"
start=$SECONDS
echo "elapsed_s rss_mb $(jstat -gc "$WORKER_PID" | head -1)" >"$OUT/samples.txt"
while (( SECONDS - start < RUN_SECONDS )); do
  sleep 10
  kill -0 "$WORKER_PID" 2>/dev/null || die "worker exited; see $OUT/worker.log"
  rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$WORKER_PID/status")
  echo "$((SECONDS - start)) $rss $(jstat -gc "$WORKER_PID" | tail -1)" >>"$OUT/samples.txt"
done
jcmd "$WORKER_PID" GC.heap_info >"$OUT/heap-before-full-gc.txt"
jcmd "$WORKER_PID" GC.run >/dev/null
jcmd "$WORKER_PID" GC.heap_info >"$OUT/heap-after-full-gc.txt"
uptime_s=$(jcmd "$WORKER_PID" VM.uptime | awk 'NR==2 {print $1}')
stop_pid "$WORKER_PID" 60

{
  echo "## Memory: NUM_USERS=$USERS at $RATE events/s, -Xmx1g, ${RUN_SECONDS}s"
  echo
  echo '```'
  cat "$OUT/machine.txt"
  echo '```'
  echo
  echo "Samples every 10 s (RSS in MB, then jstat -gc, sizes in KB, GCT in s):"
  echo '```'
  column -t "$OUT/samples.txt"
  echo '```'
  awk -v up="$uptime_s" 'NR > 1 {rss = $2 > rss ? $2 : rss; gct = $NF} END {
      printf "max RSS %d MB; GC time %.2f s of %.0f s JVM uptime = %.2f %%\n", rss, gct, up, 100 * gct / up }' \
    "$OUT/samples.txt"
  echo
  echo "Heap after each of the last young GCs (GC log):"
  echo '```'
  grep -E 'Pause Young' "$OUT/gc.log" | tail -5
  echo '```'
  echo "Live set after a full GC at the end (jcmd GC.run; GC.heap_info):"
  echo '```'
  grep -E 'Pause Full' "$OUT/gc.log" | tail -1
  head -3 "$OUT/heap-after-full-gc.txt"
  echo '```'
  echo "Worker's Events: lines:"
  echo '```'
  grep 'Events:' "$OUT/worker.log" | sed 's/.*Events: //' | cut -c1-120
  echo '```'
} | tee "$OUT/report.md"
