#!/usr/bin/env bash
# The side-by-side harness: Loomring (every threading mode in LOOMRING_MODES below) against the JDK's
# own virtual-thread sockets, Netty 4.2 (io_uring and epoll) and, for RESP, redis-server, measured in
# interleaved rounds of one run on one machine; and real frameworks, Helidon 4 SE, Jetty 12.1 and
# Tomcat 11, each on the JDK's and on Loomring's SelectorProvider and under Loomring's launcher
# (lib/frameworks.sh). Builds what it needs first.
#
#   benchmarks/run.sh            full run: 3 rounds, HTTP at 64/256/1000 connections, RESP, ping-pong,
#                                files
#                                (about 33 minutes on 2 cores)
#   benchmarks/run.sh --quick    1 round, HTTP at 256 connections, RESP, a short ping-pong, files (about 6 min)
#   benchmarks/run.sh --smoke    a few seconds per stack: checks that every stack answers the same
#                                bytes and that every output is produced, and runs the file
#                                benchmark for a second per row (part of ./test.sh)
#   benchmarks/run.sh --demo     HTTP at 256 connections only, no tool installs; the load comes from
#                                wrk when present, else from the project's own load generator
#                                (what ./demo.sh runs)
#   benchmarks/run.sh --micro    the JMH micro-benchmarks of the hot paths (with -prof gc), into
#                                benchmarks/target/micro/summary.tsv
#   --no-build                   reuse the jars already built
#
# Outputs in benchmarks/target/results/: results.json (machine, kernel, JDK, commit, every figure of
# every round), chart.png, table.txt, table.md, and the raw http.tsv / resp.tsv / logs.
# Every step has a time limit (see "time limits" below): a build, server start, check or load that
# outlives its limit stops the run with a message naming it, and the JVMs involved have their
# threads dumped into that step's log first. A stack that did not run makes the exit status 1.
# Settings (environment, all optional): ROUNDS, LEVELS ("64 256 1000"), WARMUP and DURATION (seconds
# per level; WARMUP_MAX bounds the adaptive warm-up), REDIS_N (requests per redis-benchmark test) and
# RESP_WARMUP_N (warm-up requests per test before them), THREADS (Netty event loops; default: the CPU
# count, which is what Loomring's carriers use), WRK_THREADS (2), RESULTS (output directory),
# LOADGEN=project (HTTP load from the project's own generator even where wrk is installed),
# BEFORE_JAR (an examples jar of an earlier build: each Loomring mode also runs from it, as a row
# "... (before)" in the same rounds), JFR_ROWS=1 (each Loomring mode also runs under a flight
# recording with the JDK's default settings, row "... (JFR)", and from BEFORE_JAR too when it is
# set: what Loomring's JFR events cost), STACKS (a regular expression: only the stacks whose label
# matches, and no ping-pong, e.g. STACKS='Helidon|Jetty|Tomcat' for the framework rows alone),
# LEVER_ROWS (space-separated "name=JVM flags" entries, commas for spaces inside the flags: each
# Loomring mode also runs with those flags, row "... (name)", e.g.
# LEVER_ROWS='multishot=-Dloomring.multishotReceive=true': a switch against today's path, paired),
# BIG_ROWS=1 (every HTTP stack also on GET /big, a 64 KiB body, at BIG_CONNECTIONS (256)
# connections, row level "256 /big"; on by default in --smoke; lib/big.sh).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

# ------------------------------------------------------------------------------------------------
# Loomring's threading modes: the ONE list. Each entry is "label|arguments for the examples jar";
# every mode becomes its own row (and its own server) for both protocols. "{threads}" in the
# arguments becomes THREADS (the event-loop count Netty gets), e.g.
# "io_uring carriers|--backend io_uring --mode carriers --carriers {threads}".
LOOMRING_MODES=(
    "io_uring carriers|--backend io_uring --mode carriers"
    "io_uring shared|--backend io_uring --mode shared"
    "epoll carriers|--backend epoll --mode carriers"
    "epoll shared|--backend epoll --mode shared"
)
# ------------------------------------------------------------------------------------------------
JDK_LABEL="JDK sockets"
NETTY_URING_LABEL="Netty io_uring"
NETTY_EPOLL_LABEL="Netty epoll"
REDIS_LABEL="redis-server"

MODE=full
BUILD=1
for arg in "$@"; do
    case "$arg" in
        --quick) MODE=quick ;;
        --smoke) MODE=smoke ;;
        --demo) MODE=demo ;;
        --micro) MODE=micro ;;
        --no-build) BUILD=0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
    esac
done

# Warm-up per level: 2-second loads until req/s rises by less than 10 % from one to the next, at
# least WARMUP and at most WARMUP_MAX seconds (JIT compilers on a busy machine can take 15 s).
# RESP: a warm-up of RESP_WARMUP_N requests of every test first, then REDIS_N per test measured. At
# 0.5 to 1 million requests a second a test of 100,000 lasts a tenth of a second, and a server
# measured right after a short warm-up is measured while its JIT compiles (a Loomring server
# answered 450k/s cold and 1M/s warm, the JDK's 570k/s and 750k/s).
case "$MODE" in
    full)  d_rounds=3; d_levels="64 256 1000"; d_warmup=3; d_warmup_max=10; d_duration=6; d_redis_n=300000; d_resp_warmup=1000000 ;;
    quick) d_rounds=1; d_levels="256";         d_warmup=3; d_warmup_max=6;  d_duration=5; d_redis_n=100000; d_resp_warmup=400000 ;;
    smoke) d_rounds=1; d_levels="64";          d_warmup=2; d_warmup_max=2;  d_duration=2; d_redis_n=5000;   d_resp_warmup=2000 ;;
    demo)  d_rounds=1; d_levels="256";         d_warmup=3; d_warmup_max=6;  d_duration=5; d_redis_n=0;      d_resp_warmup=0 ;;
    micro) d_rounds=0; d_levels="";            d_warmup=0; d_warmup_max=0;  d_duration=0; d_redis_n=0;      d_resp_warmup=0 ;;
esac
ROUNDS="${ROUNDS:-$d_rounds}"
LEVELS="${LEVELS:-$d_levels}"
WARMUP="${WARMUP:-$d_warmup}"
WARMUP_MAX="${WARMUP_MAX:-$d_warmup_max}"
(( WARMUP_MAX < WARMUP )) && WARMUP_MAX="$WARMUP"
DURATION="${DURATION:-$d_duration}"
REDIS_N="${REDIS_N:-$d_redis_n}"
RESP_WARMUP_N="${RESP_WARMUP_N:-$d_resp_warmup}"
THREADS="${THREADS:-$(nproc)}"
WRK_THREADS="${WRK_THREADS:-2}"
RESULTS="${RESULTS:-$HERE/target/results}"
BENCH_JAR="$HERE/target/benchmarks.jar"
EXAMPLES_JAR="$ROOT/examples/target/loomring-examples.jar"
RESP_TESTS=(ping set get incr)

. "$ROOT/scripts/lib.sh"
log() { echo "== $*"; }
die() { echo "run.sh: $*" >&2; exit 1; }

# A JDK >= 25 (Maven finds its own through the toolchains plugin).
JAVA="$(loomring_require_java run.sh)"
# Every Java server runs with the same flags.
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx1g)

# ---------------------------------------------------------------- time limits (seconds)
# Every step that waits for another process has one, so that a hang (in a server, in the load
# generator, in the library under both) ends the run with a message instead of never ending.
BUILD_LIMIT="${BUILD_LIMIT:-900}"   # one mvn build: seconds when warm, minutes on a fresh machine that downloads plugins
NETTY_LIMIT="${NETTY_LIMIT:-600}"   # the benchmarks' build with Netty, which fetches its jars; then one without Netty
START_LIMIT=60       # a server's "listening on" line: its JVM starts in 1 to 3 s, 10 on a busy machine
STOP_LIMIT=15        # a server's exit after SIGTERM (then its threads are dumped and it gets SIGKILL)
CHECK_LIMIT=30       # the byte check of one server (Fetch gives up after its own 5 s connect and read timeouts)
LOAD_GRACE=10        # an HTTP load's end after its duration: the generator's own deadline (its reads time out after 5 s)
LOAD_SLACK=20        # then, before the load is stopped from outside: JVM start-up and exit on a busy machine
REPORT_LIMIT=120     # the report (tables, JSON, chart): a few seconds
# One redis-benchmark run: N requests take seconds at the usual 50,000 to 500,000 per second.
RESP_LIMIT=$((60 + (REDIS_N + 4 * RESP_WARMUP_N) / 1000))

# ---------------------------------------------------------------- tools
if [[ "$MODE" != demo && "$MODE" != micro ]]; then
    tools=(redis-benchmark:redis-tools redis-server:redis-server perf:linux-perf)
    [[ "${LOADGEN:-wrk}" == wrk ]] && tools+=(wrk:wrk)   # LOADGEN=project needs no wrk
    loomring_install "${tools[@]}" || echo "run.sh: going on without them" >&2
fi
# Every connection is a file descriptor, on both sides.
ulimit -n "$(ulimit -Hn)" 2> /dev/null || ulimit -n 65536 2> /dev/null || true

# ---------------------------------------------------------------- build
# build WHAT LIMIT DIR MAVEN_ARGS...: one quiet Maven build in DIR; returns its status, or 124 when
# it did not finish within LIMIT seconds (the threads of Maven's JVM then go to BUILD_DUMPS).
BUILD_DUMPS="$HERE/target/build-threads.log"
build() {
    local what="$1" limit="$2" dir="$3" status=0
    shift 3
    (cd "$dir" && loomring_timeout --dumps "$BUILD_DUMPS" "$limit" mvn -q -B -ntp "$@") 2>&1 \
        | loomring_strip_colour || status=$?
    if (( status == 124 )); then
        echo "run.sh: building $what (mvn $*) did not finish within $limit s; Maven's threads are in $BUILD_DUMPS" >&2
    fi
    return "$status"
}

NETTY_BUILT=1
if [[ "$BUILD" == 1 ]]; then
    mkdir -p "$HERE/target"
    rm -f "$BUILD_DUMPS"
    log "building: library, examples, benchmarks ($(date -u +%H:%M:%S) UTC)"
    build "the library" "$BUILD_LIMIT" "$ROOT" install -DskipTests || die "building the library failed"
    build "the examples" "$BUILD_LIMIT" "$ROOT/examples" install -DskipTests || die "building the examples failed"
    # The one build that fetches Netty's jars: where they cannot be fetched (in time), go without.
    if ! build "the benchmarks with Netty" "$NETTY_LIMIT" "$HERE" package; then
        echo "run.sh: building with Netty failed (are its jars reachable?); building without Netty" >&2
        build "the benchmarks without Netty" "$BUILD_LIMIT" "$HERE" package -DskipNetty \
            || die "building the benchmarks failed"
        NETTY_BUILT=0
    fi
fi
[[ -f "$BENCH_JAR" ]] || die "$BENCH_JAR missing (build failed?)"
[[ -f "$EXAMPLES_JAR" ]] || die "$EXAMPLES_JAR missing (build failed?)"
[[ -z "${BEFORE_JAR:-}" || -f "$BEFORE_JAR" ]] || die "BEFORE_JAR=$BEFORE_JAR: no such file"
mkdir -p "$RESULTS"

if [[ "$MODE" == micro ]]; then
    exec "$HERE/run-micro.sh" "$HERE/target/micro"
fi

. "$HERE/lib/processes.sh"

. "$HERE/lib/http-load.sh"
. "$HERE/lib/frameworks.sh"
. "$HERE/lib/big.sh"

# ---------------------------------------------------------------- stacks
# "label|command": the HTTP servers and the RESP servers; the examples jar serves Loomring's rows.
HTTP_STACKS=()
RESP_STACKS=()
for m in "${LOOMRING_MODES[@]}"; do
    mode_args="${m#*|}"
    mode_args="${mode_args//\{threads\}/$THREADS}"
    HTTP_STACKS+=("Loomring ${m%%|*}|$JAVA ${JAVA_OPTS[*]} -jar $EXAMPLES_JAR http --port 0 $mode_args")
    RESP_STACKS+=("Loomring ${m%%|*}|$JAVA ${JAVA_OPTS[*]} -jar $EXAMPLES_JAR resp --port 0 $mode_args")
    # An earlier build beside this one, in the same rounds: a change's effect as a paired ratio.
    if [[ -n "${BEFORE_JAR:-}" ]]; then
        HTTP_STACKS+=("Loomring ${m%%|*} (before)|$JAVA ${JAVA_OPTS[*]} -jar $BEFORE_JAR http --port 0 $mode_args")
        RESP_STACKS+=("Loomring ${m%%|*} (before)|$JAVA ${JAVA_OPTS[*]} -jar $BEFORE_JAR resp --port 0 $mode_args")
    fi
    # Under a flight recording with the JDK's default settings (Loomring's events at their
    # defaults, which default.jfc does not name: 20 ms thresholds), the recording kept in RESULTS.
    if [[ -n "${JFR_ROWS:-}" ]]; then
        slug="${m%%|*}"; slug="${slug// /-}"
        jfr="-XX:StartFlightRecording:settings=default,filename=$RESULTS/jfr-$slug.jfr"
        HTTP_STACKS+=("Loomring ${m%%|*} (JFR)|$JAVA ${JAVA_OPTS[*]} $jfr -jar $EXAMPLES_JAR http --port 0 $mode_args")
        if [[ -n "${BEFORE_JAR:-}" ]]; then
            jfr="-XX:StartFlightRecording:settings=default,filename=$RESULTS/jfr-$slug-before.jfr"
            HTTP_STACKS+=("Loomring ${m%%|*} (before, JFR)|$JAVA ${JAVA_OPTS[*]} $jfr -jar $BEFORE_JAR http --port 0 $mode_args")
        fi
    fi
    for lever in ${LEVER_ROWS:-}; do
        flags="${lever#*=}"; flags="${flags//,/ }"
        HTTP_STACKS+=("Loomring ${m%%|*} (${lever%%=*})|$JAVA ${JAVA_OPTS[*]} $flags -jar $EXAMPLES_JAR http --port 0 $mode_args")
        RESP_STACKS+=("Loomring ${m%%|*} (${lever%%=*})|$JAVA ${JAVA_OPTS[*]} $flags -jar $EXAMPLES_JAR resp --port 0 $mode_args")
    done
done
# The HTTP baseline is not in the rotation: its server stays up through a round and is measured
# next to every other stack (see "rounds" below).
HTTP_BASELINE="$JAVA ${JAVA_OPTS[*]} -cp $BENCH_JAR io.loomring.bench.servers.JdkServer http --port 0"
RESP_STACKS+=("$JDK_LABEL|$JAVA ${JAVA_OPTS[*]} -cp $BENCH_JAR io.loomring.bench.servers.JdkServer resp --port 0")
if [[ "$NETTY_BUILT" == 1 ]]; then
    for t in io_uring epoll; do
        label="$NETTY_URING_LABEL"; [[ "$t" == epoll ]] && label="$NETTY_EPOLL_LABEL"
        HTTP_STACKS+=("$label|$JAVA ${JAVA_OPTS[*]} -cp $BENCH_JAR io.loomring.bench.netty.NettyHttpServer http --port 0 --transport $t --threads $THREADS")
    done
else
    NOTES+=("Netty not measured: its jars did not resolve")
fi
frameworks_stacks
RESP_STACKS+=("$REDIS_LABEL|redis")
if [[ -n "${STACKS:-}" ]]; then
    keep_matching HTTP_STACKS
    keep_matching RESP_STACKS
fi
if [[ "$MODE" == demo || "$REDIS_N" == 0 ]]; then
    RESP_STACKS=()
elif ! command -v redis-benchmark > /dev/null; then
    RESP_STACKS=()
    NOTES+=("RESP not measured: redis-benchmark (Debian package redis-tools) is not installed")
fi

# ---------------------------------------------------------------- progress
read -ra LEVEL_LIST <<< "$LEVELS"
big_levels
PINGPONG=1
[[ "$MODE" == demo || -n "${STACKS:-}" ]] && PINGPONG=0
step_http=$(( (WARMUP + WARMUP_MAX) / 2 + DURATION + 2 ))
step_resp=$(( (REDIS_N * 7 + RESP_WARMUP_N * 4) / 150000 + 8 ))
case "$MODE" in full) pingpong_s=170 ;; quick) pingpong_s=40 ;; *) pingpong_s=25 ;; esac
(( PINGPONG == 0 )) && pingpong_s=0
# Its JMH forks and perf probes on a busy machine can take three times the estimate, not more.
PINGPONG_LIMIT=$((3 * pingpong_s + 120))
TOTAL_STEPS=$(( ROUNDS * (2 * ${#HTTP_STACKS[@]} * ${#LEVEL_LIST[@]} + ${#RESP_STACKS[@]}) ))
estimate_left=$(( ROUNDS * (${#HTTP_STACKS[@]} * (2 * ${#LEVEL_LIST[@]} * step_http + 2) + ${#RESP_STACKS[@]} * step_resp) + pingpong_s ))
STEP=0
START_TIME=$(date +%s)
progress() {   # progress "what": one line per step, with the time left estimated from the pace so far
    STEP=$((STEP + 1))
    local now left
    now=$(date +%s)
    if (( STEP > 1 )); then
        left=$(( (now - START_TIME) * (TOTAL_STEPS - STEP + 1) / (STEP - 1) + pingpong_s ))
    else
        left=$estimate_left
    fi
    printf '[%2d/%d] %-58s about %dm%02ds left\n' "$STEP" "$TOTAL_STEPS" "$1" $((left / 60)) $((left % 60))
}

# check_bytes PROTOCOL LABEL PID PORT: the server's answer to a fixed conversation must equal the
# first stack's.
check_bytes() {
    local file="$LOGS/answer-$1-${2// /_}.txt" ref="$LOGS/answer-$1.reference" status=0
    loomring_timeout --also "$3" "$CHECK_LIMIT" "$JAVA" -cp "$BENCH_JAR" io.loomring.bench.load.Fetch "$1" "$4" \
        > "$file" 2>&1 || status=$?
    if (( status == 124 )); then
        die "$2 did not answer the $1 check within $CHECK_LIMIT s (one connection, a fixed conversation" \
            "of a few requests); the threads of the server and of the client are in $file"
    fi
    (( status == 0 )) || { cat "$file" >&2; die "$2 did not answer the $1 check"; }
    if [[ ! -f "$ref" ]]; then
        cp "$file" "$ref"
        echo "$2" > "$ref.from"
    elif ! cmp -s "$ref" "$file"; then
        diff "$ref" "$file" >&2 || true
        die "$2 answers $1 with other bytes than $(cat "$ref.from") (diff above)"
    fi
}

# ---------------------------------------------------------------- machine
COMMIT="$(git -C "$ROOT" describe --always --dirty 2> /dev/null || echo unknown)"
CPU="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
MACHINE="$(nproc) CPUs ($CPU), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
JDK="$("$JAVA" -version 2>&1 | head -1)"
log "Loomring $COMMIT, $JDK, $MACHINE, Linux $(uname -r)"
log "$MODE run: $ROUNDS round(s); HTTP at ${LEVELS// /\/} connections$( (( BIG_ROWS )) && echo " and $BIG_PATH at $BIG_CONNECTIONS"), ${WARMUP}-${WARMUP_MAX} s warm-up + ${DURATION} s measured per level ($HTTP_LOAD); $((${#RESP_STACKS[@]})) RESP stack(s); $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"

COLUMNS_TSV=$'round\tstack\tlevel\trps\tp50_us\tp99_us\trequests\terrors\tcpu_us_per_req\tsyscalls_per_req\trss_mb'
echo "$COLUMNS_TSV"$'\twarmup_s\ttimeouts\tpair' > "$RESULTS/http.tsv"
(( ${#RESP_STACKS[@]} > 0 )) && echo "$COLUMNS_TSV" > "$RESULTS/resp.tsv"
FAILED_STACKS=()

. "$HERE/lib/measure.sh"


# ---------------------------------------------------------------- rounds (A B C ... A B C ..., rotated)
# HTTP: the baseline's server runs through the round, and each stack's measurement at a level is
# paired with one of the baseline's taken right before or after it. This machine's speed drifts
# between states for minutes at a time (the same server's req/s moving by a fifth), so a ratio of
# measurements taken seconds apart says more than one of measurements taken minutes apart.
for ((round = 1; round <= ROUNDS; round++)); do
    if start_stack "$JDK_LABEL" "$HTTP_BASELINE"; then
        BASE_PID="$SERVER_PID"
        BASE_PORT="$SERVER_PORT"
        SERVER_PID=""
        check_bytes http "$JDK_LABEL" "$BASE_PID" "$BASE_PORT"
        frameworks_check_baseline "$BASE_PID" "$BASE_PORT"
        big_check_baseline "$BASE_PID" "$BASE_PORT"
    else
        FAILED_STACKS+=("$JDK_LABEL (http)")
    fi
    n=${#HTTP_STACKS[@]}
    for ((k = 0; k < n; k++)); do
        entry="${HTTP_STACKS[$(((k + round - 1) % n))]}"
        label="${entry%%|*}"
        if ! start_stack "$label" "${entry#*|}"; then
            FAILED_STACKS+=("$label (http)")
            STEP=$((STEP + 2 * ${#LEVEL_LIST[@]}))
            continue
        fi
        check_bytes "${HTTP_CHECK[$label]:-http}" "$label" "$SERVER_PID" "$SERVER_PORT"
        big_check "$label" "$SERVER_PID" "$SERVER_PORT"
        measure_http "$round" "$label"
        stop_server "$SERVER_PID"
        SERVER_PID=""
    done
    stop_server "$BASE_PID"
    BASE_PID=""
    n=${#RESP_STACKS[@]}
    for ((k = 0; k < n; k++)); do
        entry="${RESP_STACKS[$(((k + round - 1) % n))]}"
        label="${entry%%|*}"
        if ! start_stack "$label" "${entry#*|}"; then
            FAILED_STACKS+=("$label (resp)")
            STEP=$((STEP + 1))
            continue
        fi
        check_bytes resp "$label" "$SERVER_PID" "$SERVER_PORT"
        measure_resp "$round" "$label"
        stop_server "$SERVER_PID"
        SERVER_PID=""
    done
done

# ---------------------------------------------------------------- ping-pong
if (( PINGPONG == 1 )); then
    printf '[  ping-pong] pipe ping-pong suite (JMH + perf)%*s about %dm%02ds left\n' 27 '' $((pingpong_s / 60)) $((pingpong_s % 60))
    case "$MODE" in
        full)  pp=(ROUNDS=3 WARMUP=2 ITERATIONS=3 PROBE_ROUND_TRIPS=50000 PROBE_WARMUP=20000 VARIANTS=IO_URING_CARRIED,EPOLL_CARRIED,IO_URING,EPOLL,JDK) ;;
        quick) pp=(ROUNDS=1 WARMUP=1 ITERATIONS=2 PROBE_ROUND_TRIPS=20000 PROBE_WARMUP=10000 VARIANTS=IO_URING_CARRIED,IO_URING,JDK) ;;
        *)     pp=(ROUNDS=1 WARMUP=1 ITERATIONS=1 PROBE_ROUND_TRIPS=3000 PROBE_WARMUP=2000 VARIANTS=IO_URING_CARRIED,JDK) ;;
    esac
    status=0
    loomring_timeout "$PINGPONG_LIMIT" env "${pp[@]}" SECONDS_PER_ITERATION=1 SKIP_BUILD=1 OUT="$RESULTS/pingpong" \
        "$HERE/run-pingpong.sh" > "$LOGS/pingpong.log" 2>&1 || status=$?
    if (( status == 124 )); then
        # Not fatal: the HTTP and RESP figures are in; the report comes out without ping-pong.
        echo "run.sh: the ping-pong suite did not finish within $PINGPONG_LIMIT s (it needs about $pingpong_s s);" \
            "the threads of its JVMs are in $LOGS/pingpong.log" >&2
        FAILED_STACKS+=("ping-pong (timed out)")
    elif (( status != 0 )); then
        tail -20 "$LOGS/pingpong.log" >&2
        FAILED_STACKS+=("ping-pong")
    fi
fi

# ---------------------------------------------------------------- files
# File I/O on virtual threads (run-files.sh): its own table, in $RESULTS/files; not in the chart.
if (( PINGPONG == 1 )); then
    case "$MODE" in
        full)  fr=(ROUNDS=3 SECONDS_PER_STACK=10) ;;
        quick) fr=(ROUNDS=1 SECONDS_PER_STACK=5) ;;
        *)     fr=(ROUNDS=1 SECONDS_PER_STACK=1 READERS=16 APPENDERS=4 FILE_MIB=64) ;;
    esac
    printf '[      files] file I/O: JDK FileChannel vs Loomring (%s)\n' "${fr[*]}"
    status=0
    loomring_timeout 1200 env "${fr[@]}" SKIP_BUILD=1 OUT="$RESULTS/files" "$HERE/run-files.sh" \
        > "$LOGS/files.log" 2>&1 || status=$?
    if (( status != 0 )); then
        tail -20 "$LOGS/files.log" >&2
        FAILED_STACKS+=("files")
    else
        sed -n '/^== ratios/,$p' "$LOGS/files.log"
    fi
fi

# ---------------------------------------------------------------- report
(( ${#FAILED_STACKS[@]} > 0 )) && NOTES+=("did not run: ${FAILED_STACKS[*]}")
NOTES+=("all stacks and the load generators share $(nproc) CPUs on one machine; other processes may have run too: figures are noisy")
{
    printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf 'mode\t%s\n' "$MODE"
    printf 'machine\t%s\n' "$MACHINE"
    printf 'kernel\t%s\n' "$(uname -r)"
    printf 'jdk\t%s\n' "$JDK"
    printf 'commit\t%s\n' "$COMMIT"
    printf 'rounds\t%s\n' "$ROUNDS"
    printf 'http_load\t%s\n' "$HTTP_LOAD, keep-alive, ${WARMUP}-${WARMUP_MAX} s warm-up + ${DURATION} s measured per level"
    printf 'resp_load\t%s\n' "redis-benchmark -t $(IFS=,; echo "${RESP_TESTS[*]}") -P 16 -c 500 -n $REDIS_N"
    printf 'threads\t%s\n' "$THREADS (Netty event loops; Loomring and the JDK use the default carrier count)"
    printf 'netty\t%s\n' "4.2.18.Final"
    printf 'loomring_modes\t%s\n' "$(printf '%s; ' "${LOOMRING_MODES[@]}" | sed 's/; $//')"
    printf 'notes\t%s\n' "$(printf '%s | ' "${NOTES[@]}" | sed 's/ | $//')"
    printf 'wall_seconds\t%s\n' "$(( $(date +%s) - START_TIME ))"
} > "$RESULTS/meta.tsv"
echo
status=0
loomring_timeout --dumps "$LOGS/report-threads.log" "$REPORT_LIMIT" "$JAVA" -cp "$BENCH_JAR" \
    io.loomring.bench.report.Report "$RESULTS" jdk="$JDK_LABEL" netty="$NETTY_URING_LABEL" redis="$REDIS_LABEL" \
    || status=$?
(( status != 124 )) || die "the report did not finish within $REPORT_LIMIT s; its threads are in $LOGS/report-threads.log"
(( status == 0 )) || die "the report failed (exit status $status)"
log "measured in $(( $(date +%s) - START_TIME )) s"

if [[ "$MODE" == smoke ]]; then
    # The harness itself must not rot: every stack ran without errors and every output is there.
    (( ${#FAILED_STACKS[@]} == 0 )) || die "smoke: did not run: ${FAILED_STACKS[*]}"
    for f in results.json chart.png table.md; do
        [[ -s "$RESULTS/$f" ]] || die "smoke: $RESULTS/$f was not written"
    done
    awk -F'\t' 'FNR > 1 && ($4 == "NA" || $4 + 0 <= 0 || $8 + 0 > 0) { bad = bad " " $2 "@" $3 } END { if (bad != "") { print "smoke: failed or erroneous measurements:" bad > "/dev/stderr"; exit 1 } }' \
        "$RESULTS/http.tsv" $([[ -f "$RESULTS/resp.tsv" ]] && echo "$RESULTS/resp.tsv")
    stacks_measured="$(awk -F'\t' 'NR > 1 { print $2 }' "$RESULTS/http.tsv" | sort -u | wc -l)"
    (( stacks_measured == ${#HTTP_STACKS[@]} + 1 )) || die "smoke: $stacks_measured of $((${#HTTP_STACKS[@]} + 1)) HTTP stacks measured"
    # Every measurement has its pair: one of the baseline's and one of another stack's per number.
    awk -F'\t' -v base="$JDK_LABEL" 'NR > 1 { n[$14]++; if ($2 == base) b[$14]++ }
        END { for (p in n) if (p == "NA" || n[p] != 2 || b[p] != 1) { print "smoke: pair " p " is not one baseline and one stack measurement" > "/dev/stderr"; exit 1 } }' \
        "$RESULTS/http.tsv" || die "smoke: unpaired HTTP measurements"
    big_smoke_check
    [[ "$HAVE_PERF" == 0 ]] || awk -F'\t' 'NR > 1 && $10 == "NA" { exit 1 }' "$RESULTS/http.tsv" || die "smoke: a syscall count is missing"
    log "smoke passed: $((${#HTTP_STACKS[@]} + 1)) HTTP and ${#RESP_STACKS[@]} RESP stacks answer the same bytes; outputs in $RESULTS"
fi

# In every mode a stack that did not run fails the run; the report above and the messages before it
# say which and why.
(( ${#FAILED_STACKS[@]} == 0 )) || die "did not run: ${FAILED_STACKS[*]}"
