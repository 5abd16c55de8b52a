#!/usr/bin/env bash
# Ping-pong benchmark: Loomring (io_uring, epoll) against the JDK's Pipe channels, all on virtual
# threads. Builds the library and the benchmarks, runs JMH in interleaved rounds, counts syscalls
# per round trip with perf, and prints one summary table.
#
# Settings (environment, all optional):
#   ROUNDS=6 WARMUP=3 ITERATIONS=5 SECONDS_PER_ITERATION=1   JMH rounds (one fork per variant each)
#   VARIANTS=IO_URING_CARRIED,EPOLL_CARRIED,IO_URING,EPOLL,JDK,JDK_SPLIT                     variants to run (unavailable ones are skipped)
#   PROBE_ROUND_TRIPS=100000 PROBE_WARMUP=50000               fixed-count run that perf attaches to
#   SKIP_BUILD=1                                              reuse target/benchmarks.jar (or BENCH_JAR)
#   OUT=target/pingpong                                       logs and TSV files
# The defaults take about five to six minutes on a two-core machine.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ROUNDS="${ROUNDS:-6}"
WARMUP="${WARMUP:-3}"
ITERATIONS="${ITERATIONS:-5}"
SECONDS_PER_ITERATION="${SECONDS_PER_ITERATION:-1}"
VARIANTS="${VARIANTS:-IO_URING_CARRIED,EPOLL_CARRIED,IO_URING,EPOLL,JDK,JDK_SPLIT}"
PROBE_ROUND_TRIPS="${PROBE_ROUND_TRIPS:-100000}"
PROBE_WARMUP="${PROBE_WARMUP:-50000}"
OUT="${OUT:-$HERE/target/pingpong}"
JAR="${BENCH_JAR:-$HERE/target/benchmarks.jar}"   # BENCH_JAR: the benchmarks jar of another build

die() { echo "run-pingpong: $*" >&2; exit 1; }

# A JDK >= 25 to run the benchmarks with (Maven finds its own through the toolchains plugin).
. "$ROOT/scripts/lib.sh"
JAVA="$(loomring_require_java run-pingpong.sh)"
# JMH 1.37 uses sun.misc.Unsafe in the host JVM; allow it quietly.
# Other JMH runs on a shared machine hold /tmp/jmh.lock; their load is noise like any other.
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Djmh.ignoreLock=true)

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building (library install, then benchmarks)"
    # Maven 3.8 prints colour resets even in batch mode; strip them (pipefail keeps its status).
    (cd "$ROOT" && mvn -q -B -ntp install -DskipTests 2>&1 | loomring_strip_colour)
    (cd "$HERE" && mvn -q -B -ntp package 2>&1 | loomring_strip_colour)
fi
[[ -f "$JAR" ]] || die "$JAR missing (build failed?)"
mkdir -p "$OUT"

echo "== Loomring $(git -C "$ROOT" describe --always --dirty 2> /dev/null || echo '(not a git checkout)'), $("$JAVA" -version 2>&1 | head -1), $(nproc) CPUs, kernel $(uname -r)"
echo "== JMH: $ROUNDS rounds x (${WARMUP} warm-up + ${ITERATIONS} measured) x ${SECONDS_PER_ITERATION} s per variant ($(date -u +%H:%M:%S) UTC, load: $(cut -d' ' -f1-3 /proc/loadavg))"
"$JAVA" "${JAVA_OPTS[@]}" -cp "$JAR" io.loomring.bench.PingPongSuite \
    rounds="$ROUNDS" warmup="$WARMUP" iterations="$ITERATIONS" seconds="$SECONDS_PER_ITERATION" \
    variants="$VARIANTS" out="$OUT"
RAN="$(awk -F'\t' 'NR > 1 {print $1}' "$OUT/latency.tsv")"

# ---------------------------------------------------------------- syscalls per round trip
EVENTS=(task-clock context-switches raw_syscalls:sys_enter syscalls:sys_enter_read syscalls:sys_enter_write
        syscalls:sys_enter_io_uring_enter syscalls:sys_enter_epoll_wait syscalls:sys_enter_epoll_pwait
        syscalls:sys_enter_epoll_ctl syscalls:sys_enter_futex)

have_perf() { command -v perf > /dev/null && perf stat -e raw_syscalls:sys_enter -- true > /dev/null 2>&1; }
if ! have_perf && [[ "$(id -u)" == 0 ]] && command -v apt-get > /dev/null; then
    echo "== installing perf (Debian package linux-perf)"
    apt-get install -y -q linux-perf > /dev/null 2>&1 || true
fi

# Runs the probe for one variant with perf attached; writes "<event> <count>" lines to $2.
probe() {
    local variant="$1" counts="$2" dir fifo pid perf_pid
    dir="$(mktemp -d)"
    fifo="$dir/go"
    mkfifo "$fifo"
    "$JAVA" "${JAVA_OPTS[@]}" -Xms256m -Xmx256m -cp "$JAR" io.loomring.bench.SyscallProbe \
        "$variant" "$PROBE_ROUND_TRIPS" "$PROBE_WARMUP" < "$fifo" > "$dir/out" 2>&1 &
    pid=$!
    exec 3> "$fifo"
    for _ in $(seq 600); do
        grep -q '^READY' "$dir/out" 2> /dev/null && break
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    if ! grep -q '^READY' "$dir/out"; then
        exec 3>&-
        kill "$pid" 2> /dev/null || true
        cat "$dir/out" >&2
        rm -rf "$dir"
        return 1
    fi
    # perf counts the threads that exist when it attaches: the warm-up has started them all.
    perf stat -x, -o "$dir/perf" -e "$(IFS=,; echo "${EVENTS[*]}")" -p "$pid" &
    perf_pid=$!
    sleep 1
    echo go >&3
    exec 3>&-
    wait "$pid" || { cat "$dir/out" >&2; rm -rf "$dir"; return 1; }
    wait "$perf_pid" || true
    grep '^DONE' "$dir/out" > "$counts.done"
    awk -F, '$1 ~ /^[0-9.]+$/ {print $3, $1}' "$dir/perf" > "$counts"
    rm -rf "$dir"
}

SYSCALLS="$OUT/syscalls.tsv"
printf 'variant\ttotal\tread\twrite\tio_uring_enter\tepoll_wait\tepoll_ctl\tfutex\tcontext_switches\tcpu_us\n' > "$SYSCALLS"
if have_perf; then
    echo "== syscalls: $PROBE_ROUND_TRIPS round trips per variant, perf stat attached"
    for v in $RAN; do
        if probe "$v" "$OUT/perf-$v.txt"; then
            sed 's/^DONE /  /' "$OUT/perf-$v.txt.done"
            awk -v v="$v" -v n="$PROBE_ROUND_TRIPS" '
                { c[$1] = $2 }
                END {
                    ew = c["syscalls:sys_enter_epoll_wait"] + c["syscalls:sys_enter_epoll_pwait"]
                    printf "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\n", v,
                        c["raw_syscalls:sys_enter"] / n, c["syscalls:sys_enter_read"] / n,
                        c["syscalls:sys_enter_write"] / n, c["syscalls:sys_enter_io_uring_enter"] / n,
                        ew / n, c["syscalls:sys_enter_epoll_ctl"] / n, c["syscalls:sys_enter_futex"] / n,
                        c["context-switches"] / n, c["task-clock"] * 1000 / n
                }' "$OUT/perf-$v.txt" >> "$SYSCALLS"
        else
            echo "  $v: syscall probe failed" >&2
        fi
    done
else
    echo "== syscalls: skipped (perf with raw_syscalls tracepoints is not available)"
fi

# ---------------------------------------------------------------- summary
echo
echo "== summary ($(date -u +%H:%M:%S) UTC): us per round trip, median of all measured iterations;"
echo "   ratio = variant / JDK (both JDK read ends on one sub-poller), median of per-round ratios;"
echo "   per round trip over the whole process in a fixed-count run under perf stat: syscalls (sys, then"
echo "   by name), context switches (cs) and CPU time (cpu_us, all threads)"
awk -F'\t' '
    FNR == 1 { next }
    NR == FNR { lat[$1] = $0; order[++n] = $1; next }
    { sys[$1] = $0 }
    END {
        printf "%-9s %8s %16s %6s %13s | %6s %5s %5s %8s %6s %6s %5s %5s %6s\n", "variant", "us/rt", "round spread",
            "ratio", "ratio spread", "sys", "read", "write", "uring_en", "ep_wt", "ep_ctl", "futex", "cs", "cpu_us"
        for (i = 1; i <= n; i++) {
            split(lat[order[i]], l, "\t")
            line = sprintf("%-9s %8.2f %7.2f..%-7.2f %6.2f %5.2f..%-6.2f |", l[1], l[2], l[3], l[4], l[5], l[6], l[7])
            if (order[i] in sys) {
                split(sys[order[i]], s, "\t")
                line = line sprintf(" %6.2f %5.2f %5.2f %8.2f %6.2f %6.2f %5.2f %5.2f %6.1f", s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10])
            } else {
                line = line "   (no syscall count)"
            }
            print line
        }
    }' "$OUT/latency.tsv" "$SYSCALLS"
echo
echo "results: $OUT (latency.tsv, syscalls.tsv, JMH logs per fork)"
