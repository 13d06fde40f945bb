#!/usr/bin/env bash
# Repeats the headline figures with 3 forks each, back to back, so engine and order-book throughput are
# measured under the same machine load (their ratio is steadier than either figure on a shared box), and
# once more with Agrona bounds checks off. Outputs go to ${OUT:-/tmp/tickwire-bench}/repeat-*.{txt,json}.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/tickwire-bench}
JAR=perf/target/benchmarks.jar
RUN=${RUN:-1}
mkdir -p "$OUT"
COMMON=(-f 3 -wi 3 -i 5 -w 2 -r 2 -prof gc)

uptime | tee "$OUT/repeat-$RUN-uptime.txt"
java -jar "$JAR" 'io\.tickwire\.perf\.(engine\.EngineApplyBenchmark|book\.MixedStreamBenchmark)\.' -bm thrpt "${COMMON[@]}" \
  -rf json -rff "$OUT/repeat-$RUN-engine.json" > "$OUT/repeat-$RUN-engine.txt" 2>&1
java -jar "$JAR" 'io\.tickwire\.perf\.codec\.SbeCodecBenchmark\.(tradeRoundTrip|bookLevelRoundTrip|bothRoundTrip)' "${COMMON[@]}" \
  -rf json -rff "$OUT/repeat-$RUN-codec.json" > "$OUT/repeat-$RUN-codec.txt" 2>&1
# Same, Agrona bounds checks off (-jvmArgsAppend on the command line replaces the @Fork list: repeat it).
java -jar "$JAR" 'io\.tickwire\.perf\.(engine\.EngineApplyBenchmark|book\.MixedStreamBenchmark|codec\.SbeCodecBenchmark\.bothRoundTrip)' \
  -bm thrpt -bm avgt "${COMMON[@]}" \
  -jvmArgsAppend "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -Xms1g -Xmx1g -Dagrona.disable.bounds.checks=true" \
  -rf json -rff "$OUT/repeat-$RUN-nobounds.json" > "$OUT/repeat-$RUN-nobounds.txt" 2>&1
java -jar "$JAR" 'io\.tickwire\.perf\.journal\.JournalAppendBenchmark\.append' -p dir=tmpdir,/dev/shm "${COMMON[@]}" \
  -rf json -rff "$OUT/repeat-$RUN-append.json" > "$OUT/repeat-$RUN-append.txt" 2>&1
uptime | tee -a "$OUT/repeat-$RUN-uptime.txt"
