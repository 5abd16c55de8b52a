# Sourced by run.sh: the servers and the perf counter it starts, and their CPU, memory and
# syscall readings. Uses run.sh's settings and helpers (log, die, the time limits).

# ---------------------------------------------------------------- processes we start
SERVER_PID=""
SERVER_COUNT=0
PERF_PID=""
BASE_PID=""   # the HTTP baseline's server, kept up through a round (see "rounds" below)
BASE_PORT=""
declare -A SERVER_LABEL SERVER_LOG   # by PID, for the messages and thread dumps of stop_server
# On every way out (the end, a failed step, Ctrl-C, SIGTERM): end what this script started and
# still runs: servers, perf, and a load, check or build cut short. Its background jobs ignore
# SIGINT, so Ctrl-C alone would leave them running.
cleanup() {
    loomring_end_descendants 5
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

LOGS="$RESULTS/logs"
rm -rf "$LOGS" "$RESULTS/pingpong" "$RESULTS/http.tsv" "$RESULTS/resp.tsv"
mkdir -p "$LOGS"
NOTES=()

# start_server LABEL COMMAND...: runs it, waits for its "listening on HOST:PORT" line (or redis's
# ready line), sets SERVER_PID and SERVER_PORT. Returns 1 if it did not come up within START_LIMIT
# seconds (then its threads are dumped into its log) or exited first.
start_server() {
    local label="$1"; shift
    SERVER_COUNT=$((SERVER_COUNT + 1))
    local out="$LOGS/server-$SERVER_COUNT-${label// /_}.log"
    local deadline=$((SECONDS + START_LIMIT))
    : > "$out"
    "$@" > "$out" 2>&1 &
    SERVER_PID=$!
    SERVER_LABEL[$SERVER_PID]="$label"
    SERVER_LOG[$SERVER_PID]="$out"
    while (( SECONDS < deadline )) && loomring_running "$SERVER_PID"; do
        if grep -q ' listening on ' "$out"; then
            SERVER_PORT="$(sed -n 's/.* listening on .*:\([0-9]*\) (.*/\1/p' "$out" | tail -1)"
            return 0
        fi
        if grep -qi 'ready to accept connections' "$out"; then
            return 0
        fi
        sleep 0.1
    done
    if loomring_running "$SERVER_PID"; then
        echo "run.sh: $label did not start: no 'listening on' line within $START_LIMIT s (its threads are in $out); its output:" >&2
        tail -5 "$out" >&2
        loomring_thread_dump "$SERVER_PID" >> "$out"
    else
        echo "run.sh: $label did not start: it exited before listening; its output:" >&2
        tail -5 "$out" >&2
    fi
    stop_server "$SERVER_PID"
    SERVER_PID=""
    return 1
}

# stop_server PID: SIGTERM; a server still running STOP_LIMIT seconds later has its threads dumped
# into its log and gets SIGKILL.
stop_server() {
    local pid="$1"
    [[ -n "$pid" ]] || return 0
    if ! loomring_end --dump "$STOP_LIMIT" "$pid" >> "${SERVER_LOG[$pid]}"; then
        echo "run.sh: ${SERVER_LABEL[$pid]} did not exit within $STOP_LIMIT s of SIGTERM; killed (its threads are in ${SERVER_LOG[$pid]})" >&2
    fi
    wait "$pid" 2> /dev/null || true
}

# Server CPU time in microseconds (utime + stime of all its threads), and its RSS in MB.
cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) * 1000000 / hz }' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

HAVE_PERF=0
if command -v perf > /dev/null && perf stat -e raw_syscalls:sys_enter -- true > /dev/null 2>&1; then
    HAVE_PERF=1
else
    NOTES+=("syscalls per request not measured: perf with the raw_syscalls tracepoints is unavailable here")
fi
# perf_start PID FILE / perf_stop: counts the server's syscalls over the measured interval.
perf_start() {
    PERF_FILE="$2"
    if [[ "$HAVE_PERF" == 1 ]]; then
        perf stat -x, -e raw_syscalls:sys_enter -p "$1" -o "$PERF_FILE" > /dev/null 2>&1 &
        PERF_PID=$!
        sleep 0.3   # attached before the load starts; an idle server makes almost no syscalls
    fi
}
perf_stop() {   # sets SYSCALLS to the count, or NA (not in a subshell: it waits for perf)
    SYSCALLS=NA
    if [[ -n "$PERF_PID" ]]; then
        kill -INT "$PERF_PID" 2> /dev/null || true
        # perf writes its count and exits at once; one that does not within 10 s is ended.
        loomring_wait "$PERF_PID" 10 > /dev/null 2>&1 || loomring_end 5 "$PERF_PID" || true
        wait "$PERF_PID" 2> /dev/null || true
        PERF_PID=""
        SYSCALLS="$(awk -F, '$3 ~ /raw_syscalls:sys_enter/ && $1 ~ /^[0-9]+$/ { print $1; found = 1 }
                             END { if (!found) print "NA" }' "$PERF_FILE")"
    fi
}
per() { awk -v a="$1" -v b="$2" -v s="${3:-1}" 'BEGIN { if (a == "NA" || b + 0 == 0) print "NA"; else printf "%.3f", a * s / b }'; }
