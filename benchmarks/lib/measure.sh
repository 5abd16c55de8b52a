# Sourced by run.sh: warming a stack up and measuring it at one level, for HTTP and RESP. Uses
# run.sh's settings and helpers (log, die, the time limits).

warm_up() {   # warm_up LABEL PID PORT CONNECTIONS LOGFILE PATH: sets WARMED to the seconds it took
    local label="$1" pid="$2" port="$3" c="$4" out="$5" path="$6" prev=0 rps chunk=2
    WARMED=0
    while :; do
        (( WARMUP_MAX - WARMED < chunk )) && chunk=$((WARMUP_MAX - WARMED))
        (( chunk < 1 )) && chunk=1
        http_load "$label" "$pid" "$port" "$c" "$chunk" "$out" "$path"
        WARMED=$((WARMED + chunk))
        rps="$(parse_wrk "$out" | awk '{ print $2 }')"
        (( WARMED >= WARMUP_MAX )) && break
        if (( WARMED >= WARMUP )) && awk -v a="$rps" -v b="$prev" 'BEGIN { exit !(b > 0 && a < b * 1.1) }'; then
            break
        fi
        prev="$rps"
    done
}

# measure_level ROUND LABEL LEVEL PAIR PID PORT: warms up and measures one server at one level and
# appends its row to http.tsv; PAIR numbers the stack's measurement and the baseline's next to it.
# A level is a connection count, on GET /, or "COUNT PATH" (lib/big.sh's "256 /big").
measure_level() {
    local round="$1" label="$2" level="$3" pair="$4" pid="$5" port="$6" out cpu0 cpu1 sys
    local c="${level%% *}" path=/ slug
    [[ "$level" == *" "* ]] && path="${level#* }"
    slug="${path//\//-}"
    # Copies, which big_timing (lib/big.sh) may shorten for this level alone.
    local WARMUP="$WARMUP" WARMUP_MAX="$WARMUP_MAX" DURATION="$DURATION"
    big_timing "$path"
    progress "round $round/$ROUNDS · $label · http c=$level"
    out="$LOGS/http-r$round-${label// /_}-c$c${slug%-}-p$pair.txt"
    warm_up "$label" "$pid" "$port" "$c" "$out.warmup" "$path"
    cpu0="$(cpu_us "$pid")"
    perf_start "$pid" "$out.perf"
    http_load "$label" "$pid" "$port" "$c" "$DURATION" "$out" "$path"
    perf_stop
    sys="$SYSCALLS"
    cpu1="$(cpu_us "$pid")"
    read -r req rps p50 p99 err to <<< "$(parse_wrk "$out")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$label" "$level" "$rps" "$p50" "$p99" "$req" "$err" \
        "$(per "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" "$req")" "$(per "$sys" "$req")" \
        "$(rss_mb "$pid")" "$WARMED" "$to" "$pair" >> "$RESULTS/http.tsv"
    printf '        %s req/s, p50 %s us, p99 %s us, errors %s, timeouts %s (after %s s of warm-up)\n' \
        "$rps" "$p50" "$p99" "$err" "$to" "$WARMED"
}

# measure_http ROUND LABEL: every level of the stack whose server runs now, each next to the
# baseline's measurement at the same level (the stack first in odd rounds, the baseline first in
# even ones) when the baseline's server is up.
PAIR=0
measure_http() {
    local round="$1" label="$2" c
    for c in "${LEVEL_LIST[@]}"; do
        PAIR=$((PAIR + 1))
        if [[ -z "$BASE_PID" ]]; then
            measure_level "$round" "$label" "$c" NA "$SERVER_PID" "$SERVER_PORT"
        elif (( round % 2 == 1 )); then
            measure_level "$round" "$label" "$c" "$PAIR" "$SERVER_PID" "$SERVER_PORT"
            measure_level "$round" "$JDK_LABEL" "$c" "$PAIR" "$BASE_PID" "$BASE_PORT"
        else
            measure_level "$round" "$JDK_LABEL" "$c" "$PAIR" "$BASE_PID" "$BASE_PORT"
            measure_level "$round" "$label" "$c" "$PAIR" "$SERVER_PID" "$SERVER_PORT"
        fi
    done
}

# resp_load LABEL TESTS REQUESTS OUTFILE ARGS...: one redis-benchmark run on the server now up. One
# that does not end within RESP_LIMIT stops the run, naming the stack, with the server's threads in
# OUTFILE; other failures show in its output (and in the missing figures).
resp_load() {
    local label="$1" tests="$2" n="$3" out="$4" status=0
    shift 4
    loomring_timeout --also "$SERVER_PID" "$RESP_LIMIT" \
        redis-benchmark -p "$SERVER_PORT" -t "$tests" -P 16 -c 500 -n "$n" "$@" > "$out" 2>&1 || status=$?
    if (( status == 124 )); then
        die "RESP load on $label did not end: redis-benchmark -t $tests -c 500 -n $n was still running after" \
            "$RESP_LIMIT s (it needs a few seconds); thread dumps in $out"
    fi
}

measure_resp() {   # measure_resp ROUND LABEL
    local round="$1" label="$2" t out cpu0 cpu1 sys rows
    progress "round $round/$ROUNDS · $label · resp ${RESP_TESTS[*]}"
    resp_load "$label" "$(IFS=,; echo "${RESP_TESTS[*]}")" "$RESP_WARMUP_N" \
        "$LOGS/resp-r$round-${label// /_}.warmup" -q
    for t in "${RESP_TESTS[@]}"; do
        out="$LOGS/resp-r$round-${label// /_}-$t.csv"
        cpu0="$(cpu_us "$SERVER_PID")"
        perf_start "$SERVER_PID" "$out.perf"
        resp_load "$label" "$t" "$REDIS_N" "$out" --csv
        perf_stop
        sys="$SYSCALLS"
        cpu1="$(cpu_us "$SERVER_PID")"
        rows="$(grep -c '^"[A-Z_]*","[0-9.]*"' "$out" || true)"
        if [[ "$rows" == 0 ]]; then
            echo "run.sh: redis-benchmark -t $t against $label failed:" >&2
            tail -3 "$out" >&2
            continue
        fi
        local n=$((REDIS_N * rows))
        local cpu_req sys_req
        cpu_req="$(per "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" "$n")"
        sys_req="$(per "$sys" "$n")"
        awk -F'"' -v r="$round" -v l="$label" -v n="$REDIS_N" -v cpu="$cpu_req" -v sc="$sys_req" -v rss="$(rss_mb "$SERVER_PID")" '
            $2 ~ /^[A-Z_]+$/ && $4 ~ /^[0-9.]+$/ && $2 != "test" {
                printf "%s\t%s\t%s\t%s\t%.0f\t%.0f\t%s\t0\t%s\t%s\t%s\n", r, l, $2, $4, $10 * 1000, $14 * 1000, n, cpu, sc, rss
            }' "$out" >> "$RESULTS/resp.tsv"
    done
}

start_stack() {   # start_stack LABEL COMMAND: starts the server (redis-server for "redis")
    local label="$1" cmd="$2"
    if [[ "$cmd" == redis ]]; then
        command -v redis-server > /dev/null || { echo "run.sh: redis-server not installed" >&2; return 1; }
        SERVER_PORT="$(loomring_timeout "$CHECK_LIMIT" "$JAVA" -cp "$BENCH_JAR" io.loomring.bench.servers.FreePort)" \
            || { echo "run.sh: no free port for $label (FreePort failed or took over $CHECK_LIMIT s)" >&2; return 1; }
        start_server "$label" redis-server --port "$SERVER_PORT" --bind 127.0.0.1 --save '' --appendonly no \
            --protected-mode no --daemonize no --maxclients 10000
    else
        # shellcheck disable=SC2086 # the command is a word list on purpose
        start_server "$label" $cmd
    fi
}
