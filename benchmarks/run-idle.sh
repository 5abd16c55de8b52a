#!/usr/bin/env bash
# Memory of idle keep-alive connections: what N connections that sent one request and then wait
# cost a server, in RSS. For each configuration below, in interleaved rounds: starts the server,
# reads its RSS (VmRSS of /proc/PID/status), opens N connections with one GET / each and keeps them
# open and idle (io.loomring.bench.load.IdleClients, a JVM of its own), reads the RSS again SETTLE
# seconds after they are all ready, then once more after a full GC (jcmd PID GC.run, where jcmd is
# there), and stops both. Prints per configuration and round: RSS before, with N idle, and after the
# GC; MB per 1000 connections (the growth over "before"); and each row's idle RSS as a ratio of the
# "io_uring carriers" row of the same round. With ROUNDS > 1, the medians too.
#
#   benchmarks/run-idle.sh              builds (as run.sh does), then 2 rounds of 10,000 connections
#   benchmarks/run-idle.sh --no-build   reuses the jars already built
#
# Settings (environment, all optional): N (connections, 10000), ROUNDS (2), SETTLE (seconds between
# "ready" and the reading, 5), SERVER_HEAP (the servers' heap flags, "-Xmx1g" as in run.sh; e.g.
# "-Xmx1g -Xms1g" for a heap committed from the start), WITH_SHARED=1 (also the "io_uring shared"
# mode with and without multishot receives), CLIENT_OPTS (JVM flags of the client), RESULTS
# (benchmarks/target/idle-results: idle.tsv and the logs).
# The servers close a connection that waits 60 s for its next request (HttpHandler's idle timeout):
# everything is read well within that, and a connection closed earlier fails the run.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"

BUILD=1
for arg in "$@"; do
    case "$arg" in
        --no-build) BUILD=0 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-idle.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
    esac
done

N="${N:-10000}"
ROUNDS="${ROUNDS:-2}"
SETTLE="${SETTLE:-5}"
SERVER_HEAP="${SERVER_HEAP:--Xmx1g}"
RESULTS="${RESULTS:-$HERE/target/idle-results}"
BENCH_JAR="$HERE/target/benchmarks.jar"
EXAMPLES_JAR="$ROOT/examples/target/loomring-examples.jar"

. "$ROOT/scripts/lib.sh"
log() { echo "== $*"; }
die() { echo "run-idle.sh: $*" >&2; exit 1; }
JAVA="$(loomring_require_java run-idle.sh)"
# run.sh's server flags, its -Xmx1g replaced by SERVER_HEAP.
# shellcheck disable=SC2206 # SERVER_HEAP is a word list on purpose
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow $SERVER_HEAP)

# ---------------------------------------------------------------- configurations
# "label|server command". The first is the reference of the ratios.
REFERENCE="io_uring carriers"
CONFIGS=(
    "$REFERENCE|$JAVA ${JAVA_OPTS[*]} -jar $EXAMPLES_JAR http --port 0 --backend io_uring --mode carriers"
    "io_uring carriers (multishot)|$JAVA ${JAVA_OPTS[*]} -Dloomring.multishotReceive=true -jar $EXAMPLES_JAR http --port 0 --backend io_uring --mode carriers"
)
if [[ "${WITH_SHARED:-0}" == 1 ]]; then
    CONFIGS+=(
        "io_uring shared|$JAVA ${JAVA_OPTS[*]} -jar $EXAMPLES_JAR http --port 0 --backend io_uring --mode shared"
        "io_uring shared (multishot)|$JAVA ${JAVA_OPTS[*]} -Dloomring.multishotReceive=true -jar $EXAMPLES_JAR http --port 0 --backend io_uring --mode shared"
    )
fi
CONFIGS+=("JDK sockets|$JAVA ${JAVA_OPTS[*]} -cp $BENCH_JAR io.loomring.bench.servers.JdkServer http --port 0")

# ---------------------------------------------------------------- time limits (seconds)
BUILD_LIMIT="${BUILD_LIMIT:-900}"   # one mvn build
START_LIMIT=60                      # a server's "listening on" line
STOP_LIMIT=15                       # a server's exit after SIGTERM (then thread dump and SIGKILL)
READY_LIMIT="${READY_LIMIT:-40}"    # all N connections opened and answered (IdleClients -t)
CLIENT_START=30                     # on top of READY_LIMIT: the client's JVM start on a busy machine
GC_LIMIT=60                         # jcmd GC.run
(( SETTLE + READY_LIMIT < 55 )) || die "SETTLE + READY_LIMIT must stay below 55 s: the servers close connections idle for 60 s"

# Every connection is a file descriptor, on both sides (client and server each need N and a few).
ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
[[ "$(ulimit -n)" == unlimited ]] || (( N + 200 <= $(ulimit -n) )) || die "N=$N connections need more file descriptors than ulimit -n ($(ulimit -n)) allows"

# ---------------------------------------------------------------- build
BUILD_DUMPS="$HERE/target/build-threads.log"
build() {   # build WHAT DIR MAVEN_ARGS...: one quiet Maven build, within BUILD_LIMIT
    local what="$1" dir="$2" status=0
    shift 2
    (cd "$dir" && loomring_timeout --dumps "$BUILD_DUMPS" "$BUILD_LIMIT" mvn -q -B -ntp "$@") 2>&1 \
        | loomring_strip_colour || status=$?
    (( status != 124 )) || echo "run-idle.sh: building $what did not finish within $BUILD_LIMIT s; Maven's threads are in $BUILD_DUMPS" >&2
    return "$status"
}
if [[ "$BUILD" == 1 ]]; then
    mkdir -p "$HERE/target"
    log "building: library, examples, benchmarks"
    build "the library" "$ROOT" install -DskipTests || die "building the library failed"
    build "the examples" "$ROOT/examples" install -DskipTests || die "building the examples failed"
    build "the benchmarks" "$HERE" package -DskipTests \
        || build "the benchmarks without Netty" "$HERE" package -DskipTests -DskipNetty \
        || die "building the benchmarks failed"
fi
[[ -f "$BENCH_JAR" ]] || die "$BENCH_JAR missing (build failed?)"
[[ -f "$EXAMPLES_JAR" ]] || die "$EXAMPLES_JAR missing (build failed?)"
mkdir -p "$RESULTS"

# start_server, stop_server, and an EXIT trap that ends every process started here.
. "$HERE/lib/processes.sh"

JCMD="$(dirname "$JAVA")/jcmd"
[[ -x "$JCMD" ]] || JCMD="$(command -v jcmd || true)"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

CLIENT_PID=""
# stop_client: closes the client's standard input (it exits 0 then) and waits for it.
stop_client() {
    [[ -n "$CLIENT_PID" ]] || return 0
    exec 3>&-
    loomring_wait "$CLIENT_PID" 15 > /dev/null 2>&1 || loomring_end 5 "$CLIENT_PID" || true
    wait "$CLIENT_PID" 2> /dev/null || true
    CLIENT_PID=""
}

# measure ROUND LABEL: the server is up (SERVER_PID, SERVER_PORT); appends a line to TSV, or
# returns 1 with a message.
measure() {
    local round="$1" label="$2" out fifo before idle gc="NA" heap="NA NA" deadline
    out="$LOGS/client-r$round-${label// /_}.log"
    sleep 1   # the server's start-up settles (its JIT threads, the first GC)
    before="$(rss_kb "$SERVER_PID")"
    fifo="$(mktemp -u "${TMPDIR:-/tmp}/run-idle.XXXXXX")"
    mkfifo "$fifo"
    # shellcheck disable=SC2086 # CLIENT_OPTS is a word list on purpose
    "$JAVA" ${CLIENT_OPTS:-} -cp "$BENCH_JAR" io.loomring.bench.load.IdleClients -c "$N" -t "$READY_LIMIT" \
        "127.0.0.1:$SERVER_PORT" < "$fifo" > "$out" 2>&1 &
    CLIENT_PID=$!
    exec 3> "$fifo"   # the client's standard input: open until stop_client
    rm -f "$fifo"
    deadline=$((SECONDS + READY_LIMIT + CLIENT_START))
    until grep -q "^ready $N\$" "$out"; do
        if ! loomring_running "$CLIENT_PID"; then
            echo "run-idle.sh: $label: the client failed:" >&2; tail -5 "$out" >&2
            stop_client; return 1
        fi
        if (( SECONDS >= deadline )); then
            echo "run-idle.sh: $label: the client was not ready within $((READY_LIMIT + CLIENT_START)) s (threads in $out)" >&2
            loomring_thread_dump "$CLIENT_PID" "$SERVER_PID" >> "$out"
            stop_client; return 1
        fi
        sleep 0.2
    done
    sleep "$SETTLE"
    idle="$(rss_kb "$SERVER_PID")"
    if [[ -n "$JCMD" ]]; then
        if timeout "$GC_LIMIT" "$JCMD" "$SERVER_PID" GC.run >> "$out" 2>&1; then
            sleep 1
            gc="$(rss_kb "$SERVER_PID")"
            # The heap's share: used (live after that GC) and committed, in kB ("NA NA" if unread).
            heap="$(timeout "$GC_LIMIT" "$JCMD" "$SERVER_PID" GC.heap_info 2>> "$out" | tee -a "$out" | awk '
                /committed [0-9]+K, used [0-9]+K/ && !done { match($0, /committed [0-9]+K/); c = substr($0, RSTART + 10, RLENGTH - 11)
                    match($0, /used [0-9]+K/); u = substr($0, RSTART + 5, RLENGTH - 6); done = 1 }
                END { print (done ? u " " c : "NA NA") }')"
        else
            echo "run-idle.sh: $label: jcmd GC.run failed or took over $GC_LIMIT s (see $out)" >&2
        fi
    fi
    # Every connection must still be open: a client that lost one has exited 1 with the reason.
    if ! loomring_running "$CLIENT_PID"; then
        echo "run-idle.sh: $label: the client failed while idle:" >&2; tail -5 "$out" >&2
        stop_client; return 1
    fi
    stop_client
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$label" "$before" "$idle" "$gc" ${heap} >> "$TSV"
    awk -v b="$before" -v i="$idle" -v g="$gc" -v h="$heap" -v n="$N" 'BEGIN {
        printf "   RSS %.1f MB before, %.1f MB with %d idle (%.2f MB per 1000)", b / 1024, i / 1024, n, (i - b) / 1024 / n * 1000
        if (g != "NA") printf ", %.1f MB after a full GC", g / 1024
        split(h, f, " "); if (f[1] != "NA") printf " (heap: %.1f MB used, %.1f MB committed)", f[1] / 1024, f[2] / 1024
        print "" }'
}

# ---------------------------------------------------------------- rounds
log "Loomring $(git -C "$ROOT" describe --always --dirty 2> /dev/null || echo unknown), $("$JAVA" -version 2>&1 | head -1)," \
    "$(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
log "$ROUNDS round(s) of ${#CONFIGS[@]} servers, $N idle connections each, RSS read $SETTLE s after they are ready;" \
    "server flags ${JAVA_OPTS[*]}$([[ -z "$JCMD" ]] && echo "; no jcmd: no reading after a GC")"
TSV="$RESULTS/idle.tsv"
printf 'round\tconfig\trss_before_kb\trss_idle_kb\trss_after_gc_kb\theap_used_after_gc_kb\theap_committed_after_gc_kb\n' > "$TSV"
FAILED=()
for ((round = 1; round <= ROUNDS; round++)); do
    n=${#CONFIGS[@]}
    for ((k = 0; k < n; k++)); do
        entry="${CONFIGS[$(((k + round - 1) % n))]}"   # rotated, as run.sh: no configuration always first
        label="${entry%%|*}"
        echo "[round $round/$ROUNDS] $label"
        # shellcheck disable=SC2086 # the command is a word list on purpose
        if ! start_server "$label" ${entry#*|}; then
            FAILED+=("$label (round $round)"); continue
        fi
        measure "$round" "$label" || FAILED+=("$label (round $round)")
        stop_server "$SERVER_PID"
        SERVER_PID=""
    done
done

# ---------------------------------------------------------------- table
echo
echo "== the server's RSS in MB: before, with $N idle connections ($SETTLE s after 'ready'), and after a full GC"
echo "   (jcmd GC.run); MB/1k: the growth over 'before' per 1000 connections; heap: used and committed after"
echo "   that GC; x ref: the RSS as a ratio of the '$REFERENCE' row's in the same round"
awk -F'\t' -v n="$N" -v ref="$REFERENCE" -v rounds="$ROUNDS" '
    function mb(kb) { return kb == "NA" || kb == "" ? "NA" : sprintf("%.1f", kb / 1024) }
    function per(kb, b) { return kb == "NA" || kb == "" ? "NA" : sprintf("%.2f", (kb - b) / 1024 / n * 1000) }
    function ratio(a, b) { return (a == "NA" || b == "" || b == "NA") ? "NA" : sprintf("%.2f", a / b) }
    function fix(x) { return x == "NA" ? x : sprintf("%.2f", x) }
    function median(list,    v, k, i, j, t) {
        k = split(list, v, " ")
        for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
        return k == 0 ? "NA" : (k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2)
    }
    function add(list, x) { return x == "NA" || x == "" ? list : list " " x }
    NR == 1 { next }
    { row[$1, $2] = $0; if ($2 == ref) { refIdle[$1] = $4; refGc[$1] = $5 }
      if (!($2 in seen)) { seen[$2] = 1; order[++configs] = $2 }   # round 1 runs them in CONFIGS order
      if ($1 > last) last = $1 }
    END {
        fmt = "%-5s %-29s %7s %7s %8s %6s %8s %9s %8s %6s %8s\n"
        printf fmt, "round", "config", "before", "idle", "after GC", "MB/1k", "MB/1k GC", "heap used", "heap cmt", "x ref", "x ref GC"
        for (r = 1; r <= last; r++) for (c = 1; c <= configs; c++) {
            if (!((r, order[c]) in row)) continue
            split(row[r, order[c]], f, "\t")
            printf fmt, f[1], f[2], mb(f[3]), mb(f[4]), mb(f[5]), per(f[4], f[3]), per(f[5], f[3]), mb(f[6]), mb(f[7]),
                ratio(f[4], refIdle[f[1]]), ratio(f[5], refGc[f[1]])
            key = f[2]
            b[key] = add(b[key], f[3]); d[key] = add(d[key], f[4]); g[key] = add(g[key], f[5])
            hu[key] = add(hu[key], f[6]); hc[key] = add(hc[key], f[7])
            pi[key] = add(pi[key], f[4] - f[3]); if (f[5] != "NA") pg[key] = add(pg[key], f[5] - f[3])
            ri[key] = add(ri[key], ratio(f[4], refIdle[f[1]])); rg[key] = add(rg[key], ratio(f[5], refGc[f[1]]))
        }
        if (rounds > 1) {
            print ""
            for (c = 1; c <= configs; c++) {
                key = order[c]
                printf fmt, "med.", key, mb(median(b[key])), mb(median(d[key])), mb(median(g[key])),
                    per(median(pi[key]), 0), per(median(pg[key]), 0), mb(median(hu[key])), mb(median(hc[key])),
                    fix(median(ri[key])), fix(median(rg[key]))
            }
        }
    }' "$TSV"
echo
echo "raw figures (kB): $TSV; client and server logs: $LOGS"
(( ${#FAILED[@]} == 0 )) || die "did not run: ${FAILED[*]}"
