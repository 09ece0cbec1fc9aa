#!/usr/bin/env bash
# End-to-end throughput, side by side against one local broker, alternating A B C for several rounds:
#   A  Kafka's kafka-producer-perf-test (ProducerPerformance, kafka-tools 4.1.1), payload file of the
#      project's own events, null keys;
#   B  a minimal keyed loop over the plain KafkaProducer 3.7.1 with pre-generated events (the limit);
#   C  one standalone worker at a rate far above its capacity (2,000,000 events/s), no late events, over
#      100,000 users (E2E_USERS): a user acts at most once per millisecond and pays for seconds
#      (PAYMENT_SECONDS), so the default 100 users cap a worker near 1,000 events/s by the model itself.
# All three use the worker's producer settings (acks=all, idempotence, lz4, linger.ms=5, batch 64 KiB)
# and are measured the same way: the slope of the topic's end offsets after a warm-up, and the events
# stored per CPU-second of the producing JVM over the same window (robust to other load on the machine).
#
# Usage: bench/e2e.sh            (ROUNDS=3 SECONDS_PER_RUN=30 WARMUP_SECONDS=10 by default)
# Output: benchmarks/target/bench/e2e-<timestamp>/{report.md,runs.txt,offsets.txt,<round><variant>.log}
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ROUNDS="${ROUNDS:-3}"
RUN_SECONDS="${SECONDS_PER_RUN:-30}"
WARMUP="${WARMUP_SECONDS:-10}"
VARIANTS="${VARIANTS:-A B C}"
E2E_USERS="${E2E_USERS:-100000}"
JVM_OPTS="${BENCH_JVM_OPTS:--Xmx512m}"
C_EXTRA_OPTS="${C_JAVA_OPTS:-}"
TOPIC=bench-e2e
PRODUCER_PROPS=(acks=all enable.idempotence=true compression.type=lz4 linger.ms=5 batch.size=65536)

ensure_built
new_out_dir e2e
machine_info | tee "$OUT/machine.txt"
start_broker
create_topic "$TOPIC" 12
"$JAVA" -cp "$BENCH_JAR" io.clickstream.bench.PayloadFile "$OUT/payload.txt" 50000 100 | tee -a "$OUT/machine.txt"

bg "$OUT/offsets.txt" "$JAVA" -Xmx128m -cp "$BENCH_JAR" io.clickstream.bench.OffsetSampler "$BOOTSTRAP" "$TOPIC" 1000
SAMPLER_PID=$LAST_PID
: >"$OUT/runs.txt"

# CPU seconds (user + system) a process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

start_variant() {
  local variant=$1 logfile=$2
  case "$variant" in
    A) bg "$logfile" "$JAVA" $JVM_OPTS -cp "$(cat "$PERF_TOOLS_CP_FILE")" org.apache.kafka.tools.ProducerPerformance \
         --topic "$TOPIC" --num-records 2000000000 --throughput -1 --payload-file "$OUT/payload.txt" \
         --producer-props bootstrap.servers="$BOOTSTRAP" "${PRODUCER_PROPS[@]}" ;;
    B) bg "$logfile" "$JAVA" $JVM_OPTS -cp "$BENCH_JAR" io.clickstream.bench.KeyedBaseline "$BOOTSTRAP" "$TOPIC" \
         $((RUN_SECONDS + 60)) ;;
    C|D) bg "$logfile" env KAFKA_BOOTSTRAP_SERVERS="$BOOTSTRAP" TOPIC_NAME="$TOPIC" TOPIC_PARTITIONS=12 NUM_USERS="$E2E_USERS" \
         EVENTS_PER_SECOND=2000000 MAX_EVENTS_PER_SECOND=2000000 LATE_DATA_PERCENTAGE=0 STATS_LOG_SECONDS=5 \
         RECORD_HEADERS="$([[ $variant == D ]] && echo all || echo "${RECORD_HEADERS:-late}")" \
         WORKER_ID=bench-c "$JAVA" $JVM_OPTS $C_EXTRA_OPTS -jar "$WORKER_JAR" --standalone ;;
    *) die "unknown variant $variant" ;;
  esac
}

for ((round = 1; round <= ROUNDS; round++)); do
  for variant in $VARIANTS; do
    logfile="$OUT/$round$variant.log"
    start=$(date +%s%3N)
    start_variant "$variant" "$logfile"
    pid=$LAST_PID
    sleep "$WARMUP"
    kill -0 "$pid" 2>/dev/null || die "variant $variant exited early; see $logfile"
    c0=$(cpu_seconds "$pid"); b0=$(cpu_seconds "$BROKER_PID")
    sleep $((RUN_SECONDS - WARMUP))
    stop=$(date +%s%3N)
    kill -0 "$pid" 2>/dev/null || die "variant $variant exited early; see $logfile"
    c1=$(cpu_seconds "$pid"); b1=$(cpu_seconds "$BROKER_PID")
    stop_pid "$pid" 60
    echo "$round $variant $start $stop $(awk -v a="$c0" -v b="$c1" -v c="$b0" -v d="$b1" 'BEGIN {print b - a, d - c}')" \
      >>"$OUT/runs.txt"
    log "round $round $variant done (load $(cut -d' ' -f1-3 /proc/loadavg))"
    sleep 2
  done
done
stop_pid "$SAMPLER_PID" 10
shopt -s nullglob

{
  echo "## End-to-end, side by side ($ROUNDS rounds of ${RUN_SECONDS}s, first ${WARMUP}s of each discarded)"
  echo
  echo '```'
  cat "$OUT/machine.txt"
  echo '```'
  echo
  "$JAVA" -cp "$BENCH_JAR" io.clickstream.bench.E2eReport "$OUT/offsets.txt" "$OUT/runs.txt" "$WARMUP"
  echo
  echo "Worker's own Events: lines (C, acknowledged events/s per 5 s):"
  echo '```'
  for f in "$OUT"/*C.log; do
    echo "$(basename "$f"): $(grep -o '[0-9,.]*/s acked' "$f" | tr '\n' ' ')"
  done
  echo '```'
  echo "ProducerPerformance's own lines (A):"
  echo '```'
  for f in "$OUT"/*A.log; do
    echo "$(basename "$f"): $(grep -o 'records sent, [0-9.]* records/sec' "$f" | awk '{print $3}' | tr '\n' ' ')"
  done
  echo '```'
} | tee "$OUT/report.md"
