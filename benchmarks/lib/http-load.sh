# Sourced by run.sh: the HTTP load generator (wrk, or the project's own) and the parsing of its
# output. Uses run.sh's settings and helpers (log, die, the time limits).

# ---------------------------------------------------------------- load generators
USE_WRK=0
[[ "${LOADGEN:-wrk}" == wrk ]] && command -v wrk > /dev/null && USE_WRK=1
if [[ "$USE_WRK" == 1 ]]; then
    HTTP_LOAD="wrk -t$WRK_THREADS"
    LOADER=wrk
else
    HTTP_LOAD="the project's load generator (Loomring client sockets)"
    LOADER="the project's load generator"
    NOTES+=("wrk not used: load from io.loomring.bench.load.LoadGenerator, one virtual thread per connection on Loomring's own client sockets")
fi
# http_load LABEL PID PORT CONNECTIONS SECONDS OUTFILE [PATH]: one load of SECONDS on stack LABEL's
# server (PID, PORT), GET PATH (/ unless given), its output in OUTFILE. Errors it counts go into
# the figures; a load that does not end in time stops the run, naming the stack and the connection
# count, with the threads of the server (and of the generator, when it had to be stopped from
# outside) in OUTFILE.
http_load() {
    local label="$1" pid="$2" port="$3" c="$4" d="$5" out="$6" path="${7:-/}" t="$WRK_THREADS" status=0
    local limit=$((d + LOAD_GRACE + LOAD_SLACK))
    (( t > c )) && t="$c"
    if [[ "$USE_WRK" == 1 ]]; then
        loomring_timeout --also "$pid" "$limit" \
            wrk -t"$t" -c"$c" -d"${d}s" --latency "http://127.0.0.1:$port$path" > "$out" 2>&1 || status=$?
    else
        loomring_timeout --also "$pid" "$limit" "$JAVA" "${JAVA_OPTS[@]}" -cp "$BENCH_JAR" \
            io.loomring.bench.load.LoadGenerator -c "$c" -d "$d" -g "$LOAD_GRACE" "http://127.0.0.1:$port$path" \
            > "$out" 2>&1 || status=$?
    fi
    if (( status == 124 )); then
        die "HTTP load on $label at $c connections ($path) did not end: $LOADER was to load it for $d s and end" \
            "within $LOAD_GRACE s more, but it still ran after $limit s; thread dumps in $out"
    fi
    if [[ "$USE_WRK" == 0 ]] && (( status == 3 )); then   # the generator's own deadline
        loomring_thread_dump "$pid" >> "$out"
        grep '^LoadGenerator:' "$out" | sed 's/^/  /' >&2
        die "HTTP load on $label at $c connections ($path) did not end: connections of $LOADER did not finish" \
            "within $LOAD_GRACE s after its $d s load (listed above); their stacks and the server's threads are in $out"
    fi
}
# Reads wrk's output: "requests rps p50_us p99_us errors timeouts" (errors: connect, read and write
# errors and non-2xx responses; timeouts, wrk's 2-second ones, are counted apart: on a busy machine
# they say more about the machine than about the server).
parse_wrk() {
    awk '
        function us(v) {
            if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1000000; return v
        }
        / requests in / { req = $1 }
        /^Requests\/sec:/ { rps = $2 }
        $1 == "50%" { p50 = us($2) }
        $1 == "99%" { p99 = us($2) }
        /Socket errors:/ { gsub(/[a-z,:]/, " "); err += $2 + $3 + $4; to += $5 }
        /Non-2xx or 3xx responses:/ { err += $NF }
        END { printf "%s %s %s %s %d %d\n", (req == "" ? "NA" : req), (rps == "" ? "NA" : rps), (p50 == "" ? "NA" : p50), (p99 == "" ? "NA" : p99), err, to }
    ' "$1"
}
