#!/usr/bin/env bash
# Generation microbenchmark (JMH): simulate + encode + key, one thread, no Kafka; with -prof gc for the
# bytes allocated per event (gc.alloc.rate.norm). Extra arguments go to JMH (e.g. -p users=100).
# Usage: bench/jmh.sh [JMH options]      Output: benchmarks/target/bench/jmh-<timestamp>/{jmh.txt,jmh.json}
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/benchmarks/target/clickstream-benchmarks.jar"
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -B -q install -DskipTests)
OUT="${BENCH_OUT:-$ROOT/benchmarks/target/bench/jmh-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
java -jar "$JAR" GenerationBenchmark -t 1 -prof gc -rf json -rff "$OUT/jmh.json" "$@" | tee "$OUT/jmh.txt"
echo "results in $OUT"
