# shellcheck shell=bash
# Sourced by the bench/*.sh scripts: paths, process bookkeeping (only PIDs these scripts start are ever
# signalled), and the embedded broker.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORKER_JAR="$ROOT/worker/target/clickstream-worker.jar"
COORDINATOR_JAR="$ROOT/coordinator/target/clickstream-coordinator.jar"
BENCH_JAR="$ROOT/benchmarks/target/clickstream-benchmarks.jar"
PERF_TOOLS_CP_FILE="$ROOT/benchmarks/target/perf-tools-classpath.txt"
BROKER_CP_FILE="$ROOT/embedded-kafka/target/broker-classpath.txt"
BROKER_CLASSES="$ROOT/embedded-kafka/target/classes"
JAVA="${JAVA:-java}"
# A port pair of its own, so a benchmark never meets a broker that tests or ./clickstream started.
KAFKA_PORT="${BENCH_KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${BENCH_KAFKA_CONTROLLER_PORT:-19093}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

ensure_built() {
  if [[ ! -f "$WORKER_JAR" || ! -f "$BENCH_JAR" || ! -f "$PERF_TOOLS_CP_FILE" || ! -f "$BROKER_CP_FILE" \
        || ! -f "$COORDINATOR_JAR" ]]; then
    log "building (mvn install, tests skipped)..."
    (cd "$ROOT" && mvn -B -q install -DskipTests) || die "build failed"
  fi
}

# Output directory of this run: benchmarks/target/bench/<script>-<timestamp> (ignored by git).
new_out_dir() {
  OUT="${BENCH_OUT:-$ROOT/benchmarks/target/bench/$1-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$OUT/jars"
  log "output in $OUT"
  # Run copies: other builds may replace the jars in target/ while a benchmark runs.
  cp "$WORKER_JAR" "$COORDINATOR_JAR" "$BENCH_JAR" "$OUT/jars/"
  WORKER_JAR="$OUT/jars/$(basename "$WORKER_JAR")"
  BENCH_JAR="$OUT/jars/$(basename "$BENCH_JAR")"
  COORDINATOR_JAR="$OUT/jars/$(basename "$COORDINATOR_JAR")"
}

# Workers serve /metrics on METRICS_PORT (9100 by default); several on one host would collide.
export METRICS_PORT="${METRICS_PORT:-0}"

PIDS=()
TMP_DIRS=()
# bg LOGFILE command...: starts a process in the background and remembers its PID.
bg() {
  local logfile=$1; shift
  "$@" >"$logfile" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# stop_pid PID [TIMEOUT_S]: SIGTERM, wait; then a second SIGTERM (a draining worker then sends its
# held-back events at once, marked early, instead of losing them) and 20 s more; then SIGKILL.
stop_pid() {
  local pid=$1 timeout=${2:-30} deadline
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not stop in ${timeout}s; SIGTERM again"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
  fi
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not stop; killing"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}" 20; done
  for d in "${TMP_DIRS[@]}"; do rm -rf "$d"; done
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for_line() {
  local file=$1 pattern=$2 timeout=$3 pid=$4 deadline=$((SECONDS + $3))
  while (( SECONDS < deadline )); do
    grep -q -- "$pattern" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.3
  done
  return 1
}

# Starts the embedded single-node KRaft broker on a fresh data dir; sets BROKER_PID.
start_broker() {
  local data
  data="$(mktemp -d /tmp/clickstream-bench-kafka.XXXXXX)"
  TMP_DIRS+=("$data")
  if (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; then
    die "port $KAFKA_PORT is taken; set BENCH_KAFKA_PORT and BENCH_KAFKA_CONTROLLER_PORT"
  fi
  log "starting the embedded broker on $BOOTSTRAP (data in $data)"
  bg "$OUT/broker.log" "$JAVA" -Xmx1g -cp "$(cat "$BROKER_CP_FILE"):$BROKER_CLASSES" \
    io.clickstream.kafka.EmbeddedKafkaMain --data-dir "$data" --host 127.0.0.1 --port "$KAFKA_PORT" \
    --controller-port "$KAFKA_CONTROLLER_PORT" --parent-pid $$ \
    --prop log.retention.check.interval.ms=10000
  BROKER_PID=$LAST_PID
  wait_for_line "$OUT/broker.log" "EMBEDDED-KAFKA READY" 90 "$BROKER_PID" || die "broker did not start; see $OUT/broker.log"
}

# create_topic NAME [PARTITIONS]: with Kafka's own TopicCommand; old segments are deleted quickly so
# long runs do not fill the disk (end offsets are unaffected).
create_topic() {
  local topic=$1 partitions=${2:-12}
  "$JAVA" -cp "$(cat "$PERF_TOOLS_CP_FILE")" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --create --topic "$topic" --partitions "$partitions" --replication-factor 1 \
    --config retention.bytes=268435456 --config segment.bytes=67108864 >>"$OUT/topics.log" 2>&1 \
    || die "could not create topic $topic; see $OUT/topics.log"
}

machine_info() {
  echo "nproc: $(nproc)"
  echo "memory: $(free -h | awk '/^Mem:/ {print $2}') total"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "java: $("$JAVA" -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "kernel: $(uname -r)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# await_live_workers N HTTP_PORT COORDINATOR_PID: until the coordinator's /api/status counts N live workers
# (120 s at most; dies naming the logs if the coordinator exits first).
await_live_workers() {
  local want=$1 port=$2 coordinator=$3 deadline=$((SECONDS + 120))
  until [[ "$(curl -s --max-time 5 "http://127.0.0.1:$port/api/status" | grep -o '"liveWorkers":[0-9]*' \
              | cut -d: -f2)" == "$want" ]]; do
    (( SECONDS < deadline )) || die "the cluster did not reach $want live workers; see $OUT/*.log"
    kill -0 "$coordinator" 2>/dev/null || die "coordinator exited; see $OUT/coordinator.log"
    sleep 1
  done
}
