#!/usr/bin/env bash
# Summarises a JFR recording's execution samples: samples per thread, top frames overall, and the
# top frames of the generator thread. Usage: bench/jfr-summary.sh FILE.jfr [TOP=15]
set -euo pipefail
file=$1 top=${2:-15}
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
# One line per sample: thread<TAB>top frame<TAB>second frame.
jfr print --stack-depth 64 --events jdk.ExecutionSample "$file" | awk '
  /sampledThread = / { sub(/.*sampledThread = "/, ""); sub(/".*/, ""); thread = $0 }
  /stackTrace = \[/ { depth = 0; f1 = ""; f2 = ""; all = ""; next }
  depth >= 0 && /line:/ { frame = $0; sub(/^ +/, "", frame); sub(/ +line:.*/, "", frame); sub(/\(.*/, "", frame);
                          if (depth == 0) f1 = frame; else if (depth == 1) f2 = frame; all = all "|" frame; depth++ }
  /^\]|^  \]/ { if (f1 != "") print thread "\t" f1 "\t" f2 "\t" all "|"; depth = -1; f1 = "" }
' >"$tmp"
total=$(wc -l <"$tmp")
echo "execution samples: $total"
echo
echo "samples by thread:"
cut -f1 "$tmp" | sed 's/[0-9]\+$/N/' | sort | uniq -c | sort -rn | head -"$top" \
  | awk -v t="$total" '{n = $1; $1 = ""; printf "%6d %5.1f %% %s\n", n, 100 * n / t, $0}'
echo
echo "top frames, all threads:"
cut -f2 "$tmp" | sort | uniq -c | sort -rn | head -"$top" | awk -v t="$total" '{n = $1; $1 = ""; printf "%6d %5.1f %% %s\n", n, 100 * n / t, $0}'
echo
echo "top frames, generator thread:"
awk -F'\t' '$1 == "clickstream-generator" {print $2}' "$tmp" | sort | uniq -c | sort -rn | head -"$top" \
  | awk -v t="$total" '{n = $1; $1 = ""; printf "%6d %5.1f %% %s\n", n, 100 * n / t, $0}'
echo
echo "generator thread, inclusive (samples with the method anywhere on the stack, % of the thread's samples):"
gen=$(awk -F'\t' '$1 == "clickstream-generator"' "$tmp" | wc -l)
for m in PacedBatches.makeDue ClickSimulator.next EventOutlet.send RecordSink.send EventJsonEncoder.encode Ids.userKey \
         KafkaProducer.send KafkaProducer.doSend RecordAccumulator.append MemoryRecordsBuilder.append \
         KafkaLZ4BlockOutputStream WorkerStats. Recorder.recordValue LongAdder ProducerRecord. Arrays.asList; do
  n=$(awk -F'\t' -v m="$m" '$1 == "clickstream-generator" && index($4, m) > 0' "$tmp" | wc -l)
  awk -v n="$n" -v g="$gen" -v m="$m" 'BEGIN { if (g > 0) printf "%6d %5.1f %% %s\n", n, 100 * n / g, m }'
done
