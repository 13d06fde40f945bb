#!/usr/bin/env bash
# Runs every engine-side JMH benchmark and the 10M-event recovery measurement, as reported in BENCHMARKS.md.
# Build first: ./mvnw -B -q -pl perf -am package -DskipTests
# Outputs go to ${OUT:-/tmp/tickwire-bench}: jmh.txt, jmh.json, recovery.txt, recovery-cold.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/tickwire-bench}
JAR=perf/target/benchmarks.jar
mkdir -p "$OUT"

# The Tickwire JVM flags (Agrona + Chronicle, see the root pom's tickwire.jvm.flags and docs).
FLAGS="--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED \
--add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED \
--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true"

if [ "${SKIP_JMH:-0}" != 1 ]; then
  uptime | tee "$OUT/uptime-before.txt"
  # JVM flags of the forks are in each benchmark's @Fork(jvmArgsAppend).
  java -jar "$JAR" 'io\.tickwire\.perf\.(engine|journal|codec|book)\.' \
    -f 2 -wi 3 -i 5 -w 2 -r 2 -prof gc -p dir=tmpdir,/dev/shm \
    -rf json -rff "$OUT/jmh.json" 2>&1 | tee "$OUT/jmh.txt"
  uptime | tee "$OUT/uptime-after.txt"
fi

if [ "${SKIP_RECOVERY:-0}" != 1 ]; then
  # Write a 10M-event journal and time recovery 3 times in the same JVM; keep it for a cold-JVM run.
  # shellcheck disable=SC2086
  java $FLAGS -Xms2g -Xmx2g -cp "$JAR" io.tickwire.perf.RecoveryTime --events 10000000 --runs 3 --keep \
    2>&1 | grep -v '^SLF4J' | tee "$OUT/recovery.txt"
  DIR=$(sed -n 's/^kept //p' "$OUT/recovery.txt")
  # shellcheck disable=SC2086
  java $FLAGS -Xms2g -Xmx2g -cp "$JAR" io.tickwire.perf.RecoveryTime --recover-only "$DIR" --runs 1 \
    2>&1 | grep -v '^SLF4J' | tee "$OUT/recovery-cold.txt"
  rm -rf "$DIR"
  echo "deleted $DIR" | tee -a "$OUT/recovery-cold.txt"
fi
