#!/usr/bin/env bash
# The framework rows against a database: Helidon 4 SE, Jetty 12.1 and Tomcat 11, each on the JDK's
# SelectorProvider, on Loomring's and under Loomring's launcher (the rows lib/frameworks.sh builds
# for run.sh), loaded on GET /db: a random row of a 100-row PostgreSQL table read with a prepared
# statement through a pool of 16 pgjdbc connections (io.loomring.bench.servers.WorldDb), so every
# request also waits for the database on its virtual thread (on Loomring's java.net sockets under
# the launcher). Starts a throwaway PostgreSQL (src/test/scripts/test-servers.sh) in
# benchmarks/target/pg, fills the table, then in interleaved rounds starts each row's server,
# checks one answer, warms it up (WARMUP s of wrk), measures it (wrk -t2 -c256 --latency) and
# stops it.
# Prints per row the medians over the rounds of req/s, p99 and the server's CPU per request, and
# per round each row's req/s as a ratio of its framework's JDK row in the same round.
#
# Needs benchmarks/target/benchmarks.jar (mvn -B -ntp package -DskipTests in benchmarks/), wrk and
# PostgreSQL (test-servers.sh installs it when missing, as root).
# Settings (environment, all optional): ROUNDS (3), DURATION (seconds measured, 10), WARMUP (seconds
# of load before, 3; the JIT of a framework under load takes 10-15 s here to settle), STACKS (a
# regular expression: only the rows whose label matches, e.g. STACKS='Jetty|Tomcat on JDK'),
# RESULTS (benchmarks/target/db-results: db.tsv and the logs).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
CONNECTIONS=256
RESULTS="${RESULTS:-$HERE/target/db-results}"
BENCH_JAR="$HERE/target/benchmarks.jar"
PG_DIR="$HERE/target/pg"
START_LIMIT=60   # a server's ready line (and the pool's 16 connections before it)
STOP_LIMIT=15    # a server's exit after SIGTERM

. "$ROOT/scripts/lib.sh"
log() { echo "== $*"; }
die() { echo "run-db.sh: $*" >&2; exit 1; }
JAVA="$(loomring_require_java run-db.sh)"
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx1g) # run.sh's
[[ -f "$BENCH_JAR" ]] || die "$BENCH_JAR missing: build it first (cd benchmarks && mvn -B -ntp package -DskipTests)"
command -v wrk > /dev/null || die "wrk is not installed (apt-get install wrk)"
ulimit -n "$(ulimit -Hn)" 2> /dev/null || true

# start_server, stop_server and cpu_us, and an EXIT trap that ends every process started here; the
# trap is extended below to stop PostgreSQL too.
. "$HERE/lib/processes.sh"
. "$HERE/lib/frameworks.sh"
WRK_THREADS=2
. "$HERE/lib/http-load.sh"   # parse_wrk

PG_PORT=""
# Stops the cluster and removes its files; harmless where none was started.
stop_pg() { bash "$ROOT/src/test/scripts/test-servers.sh" postgres stop "$PG_DIR" > /dev/null 2>&1 || true; }
trap 'cleanup; stop_pg' EXIT

# ---------------------------------------------------------------- PostgreSQL and its table
mkdir -p "$PG_DIR"
for attempt in 1 2 3; do   # a free port can be taken again before the server binds it
    port="$("$JAVA" -cp "$BENCH_JAR" io.loomring.bench.servers.FreePort)"
    status=0
    PG_BIN="$(bash "$ROOT/src/test/scripts/test-servers.sh" postgres start "$PG_DIR" "$port" 2> "$PG_DIR/start.log")" \
        || status=$?
    if (( status == 0 )); then PG_PORT="$port"; break; fi
    (( status != 77 )) || die "PostgreSQL is unavailable here: $(cat "$PG_DIR/start.log")"
    stop_pg
done
[[ -n "$PG_PORT" ]] || { cat "$PG_DIR/start.log" >&2; die "PostgreSQL did not start"; }
if [[ -x "$PG_BIN/psql" ]]; then
    # Warnings only: not the DROP's notice that a new cluster has no such table yet.
    PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c \
        "DROP TABLE IF EXISTS world; CREATE TABLE world (id int PRIMARY KEY, randomnumber int NOT NULL);
         INSERT INTO world SELECT g, g * 7 % 10000 FROM generate_series(1, 100) g;"
else
    "$JAVA" -cp "$BENCH_JAR" io.loomring.bench.servers.WorldDb create "$PG_PORT"
fi
log "PostgreSQL on 127.0.0.1:$PG_PORT, table world filled"

# ---------------------------------------------------------------- rows
HTTP_STACKS=()
NOTES=()            # only frameworks_stacks's: which rows this jar cannot run
frameworks_stacks   # "label|command", each command ending in "http --port 0"
[[ -z "${STACKS:-}" ]] || keep_matching HTTP_STACKS
(( ${#HTTP_STACKS[@]} > 0 )) || die "no row matches STACKS='${STACKS:-}'"
for n in "${NOTES[@]}"; do echo "note: $n"; done

# check_db PORT: one GET /db on a connection of its own must answer 200 and a row of the table
# (without curl, wrk's count of non-2xx answers is the only check).
check_db() {
    local answer id
    command -v curl > /dev/null || return 0
    answer="$(curl -s --max-time 10 -w ' %{http_code}' "http://127.0.0.1:$1/db")" || return 1
    [[ "$answer" =~ ^id=([0-9]+)\ randomnumber=([0-9]+)\ 200$ ]] || { echo "run-db.sh: GET /db answered '$answer'" >&2; return 1; }
    id="${BASH_REMATCH[1]}"
    (( BASH_REMATCH[2] == id * 7 % 10000 )) || { echo "run-db.sh: GET /db: wrong row '$answer'" >&2; return 1; }
}

# wrk_db PID PORT SECONDS OUTFILE: wrk on /db; a wrk that outlives its time by far stops the run.
wrk_db() {
    local status=0
    loomring_timeout --also "$1" $(($3 + 30)) wrk -t2 -c"$CONNECTIONS" -d"$3s" --latency \
        "http://127.0.0.1:$2/db" > "$4" 2>&1 || status=$?
    (( status != 124 )) || die "wrk on port $2 did not end within $(($3 + 30)) s; thread dumps in $4"
}

mkdir -p "$RESULTS"
TSV="$RESULTS/db.tsv"
printf 'round\trow\trps\tp99_us\trequests\terrors\ttimeouts\tcpu_us_per_req\n' > "$TSV"
log "$ROUNDS round(s) of ${#HTTP_STACKS[@]} row(s): wrk -t2 -c$CONNECTIONS, $WARMUP s warm-up + $DURATION s on /db"
for ((round = 1; round <= ROUNDS; round++)); do
    n=${#HTTP_STACKS[@]}
    for ((k = 0; k < n; k++)); do
        entry="${HTTP_STACKS[$(((k + round - 1) % n))]}"   # rotated, as run.sh: no row always first
        label="${entry%%|*}"
        echo "[round $round/$ROUNDS] $label"
        # shellcheck disable=SC2086 # the command is a word list on purpose
        start_server "$label" ${entry#*|} --pg-port "$PG_PORT" || { echo "  did not start (see $LOGS)"; continue; }
        if check_db "$SERVER_PORT"; then
            out="$LOGS/db-r$round-${label// /_}.txt"
            wrk_db "$SERVER_PID" "$SERVER_PORT" "$WARMUP" "$out.warmup"
            cpu0="$(cpu_us "$SERVER_PID")"
            wrk_db "$SERVER_PID" "$SERVER_PORT" "$DURATION" "$out"
            cpu1="$(cpu_us "$SERVER_PID")"
            read -r req rps _ p99 err to <<< "$(parse_wrk "$out")"
            cpu="$(per "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" "$req")"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$label" "$rps" "$p99" "$req" "$err" "$to" "$cpu" >> "$TSV"
            echo "  $rps req/s, p99 $p99 us, $cpu CPU us/request, errors $err, timeouts $to"
        else
            echo "  skipped: its /db answer is wrong (its output: ${SERVER_LOG[$SERVER_PID]})"
        fi
        stop_server "$SERVER_PID"
        SERVER_PID=""
    done
done

# ---------------------------------------------------------------- table
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "NA"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# col LABEL COLUMN DECIMALS: the median of db.tsv's COLUMN over LABEL's rounds, rounded.
col() {
    awk -F'\t' -v l="$1" -v c="$2" '$2 == l && $c != "NA" { print $c }' "$TSV" | median \
        | awk -v d="$3" '{ if ($1 == "NA") print $1; else printf("%." d "f\n", $1) }'
}
echo
printf '%-42s %10s %10s %12s %8s\n' "row (median of $ROUNDS round(s))" "req/s" "p99 us" "CPU us/req" "errors"
for entry in "${HTTP_STACKS[@]}"; do
    label="${entry%%|*}"
    errors="$(awk -F'\t' -v l="$label" '$2 == l { e += $6 + $7 } END { print e + 0 }' "$TSV")"
    printf '%-42s %10s %10s %12s %8s\n' "$label" "$(col "$label" 3 0)" "$(col "$label" 4 0)" "$(col "$label" 8 1)" "$errors"
done
echo
# req/s over that of the framework's JDK row, "<framework> on JDK NIO" (lib/frameworks.sh), measured
# in the same round: a ratio of neighbours in time says more than one of medians minutes apart.
printf '%-42s' "req/s / its framework's JDK row's"
for ((round = 1; round <= ROUNDS; round++)); do printf ' %7s' "round $round"; done
echo
for entry in "${HTTP_STACKS[@]}"; do
    label="${entry%%|*}"
    printf '%-42s' "$label"
    awk -F'\t' -v l="$label" -v n="$ROUNDS" 'BEGIN { split(l, w, " "); base = w[1] " on JDK NIO" }
        NR > 1 && $2 == l && $3 != "NA" { v[$1] = $3 }
        NR > 1 && $2 == base && $3 > 0 { b[$1] = $3 }
        END { for (r = 1; r <= n; r++) printf " %7s", (r in v && r in b) ? sprintf("%.2f", v[r] / b[r]) : "NA"; print "" }' "$TSV"
done
echo "errors: non-2xx answers, socket errors and wrk's timeouts, summed over the rounds; raw figures: $TSV"
