#!/usr/bin/env bash
# The hot-path micro-benchmarks (JMH, with the GC profiler): arm-and-wake latency of an await (fd
# ready already; fd made ready by another thread), submission batching on a real ring (1, 8, 64
# arms per io_uring_enter), CQ reaping, the JFR socket events' cost, and bytes allocated per
# operation; exits 1 when disabled JFR events allocate on the socket path. Writes
# DIR/summary.tsv (default benchmarks/target/micro) and JMH's log next to it.
# Needs benchmarks/target/benchmarks.jar: run benchmarks/run.sh --micro, which builds it first.
# Settings (environment): WARMUP=3 ITERATIONS=5 SECONDS_PER_ITERATION=1, INCLUDE=regex. (Not
# SECONDS: bash keeps the seconds since the shell started there, so an unset SECONDS reads 0.)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${1:-$HERE/target/micro}"
JAR="$HERE/target/benchmarks.jar"
[[ -f "$JAR" ]] || { echo "run-micro.sh: $JAR missing: run benchmarks/run.sh --micro" >&2; exit 1; }
. "$HERE/../scripts/lib.sh"
JAVA="$(loomring_require_java run-micro.sh)"
echo "== micro-benchmarks: about $(( 16 * (${WARMUP:-3} + ${ITERATIONS:-5}) * ${SECONDS_PER_ITERATION:-1} / 60 + 1 )) minutes; JMH log: $OUT/jmh.log"
"$JAVA" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djmh.ignoreLock=true -cp "$JAR" \
    io.loomring.bench.micro.MicroSuite out="$OUT" warmup="${WARMUP:-3}" iterations="${ITERATIONS:-5}" \
    seconds="${SECONDS_PER_ITERATION:-1}" ${INCLUDE:+include="$INCLUDE"}
