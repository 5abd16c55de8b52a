#!/usr/bin/env bash
# The hot-path micro-benchmarks (JMH, with the GC profiler): arm-and-wake latency of an await (fd
# ready already; fd made ready by another thread), submission batching on a real ring (1, 8, 64
# arms per io_uring_enter), CQ reaping, and bytes allocated per operation. Writes
# DIR/summary.tsv (default benchmarks/target/micro) and JMH's log next to it.
# Needs benchmarks/target/benchmarks.jar: run benchmarks/run.sh --micro, which builds it first.
# Settings (environment): WARMUP=3 ITERATIONS=5 SECONDS=1 (per iteration), INCLUDE=regex.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/target/micro}"
JAR="$HERE/target/benchmarks.jar"
[[ -f "$JAR" ]] || { echo "run-micro.sh: $JAR missing: run benchmarks/run.sh --micro" >&2; exit 1; }
JAVA="${LOOMRING_JAVA:-}"
if [[ -z "$JAVA" ]]; then
    for j in "${JAVA_HOME:-/nonexistent}/bin/java" /usr/lib/jvm/*/bin/java; do
        [[ -x "$j" ]] || continue
        v="$("$j" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
        if [[ "$v" =~ ^[0-9]+$ ]] && (( v >= 25 )); then JAVA="$j"; break; fi
    done
fi
[[ -n "$JAVA" ]] || { echo "run-micro.sh: no JDK >= 25 found" >&2; exit 1; }
echo "== micro-benchmarks: about $(( 16 * (${WARMUP:-3} + ${ITERATIONS:-5}) * ${SECONDS:-1} / 60 + 1 )) minutes; JMH log: $OUT/jmh.log"
"$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djmh.ignoreLock=true -cp "$JAR" \
    io.loomring.bench.micro.MicroSuite out="$OUT" warmup="${WARMUP:-3}" iterations="${ITERATIONS:-5}" \
    seconds="${SECONDS:-1}" ${INCLUDE:+include="$INCLUDE"}
