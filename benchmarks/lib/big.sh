# Sourced by run.sh: the large-response rows. With BIG_ROWS=1 (the default of --smoke only) every
# HTTP stack is also measured on GET /big, a 65,536-byte body (the examples' HttpHandler.bigBody(),
# the same bytes in every server), at BIG_CONNECTIONS keep-alive connections (256; 64 in --smoke):
# one more level, "256 /big", after the stack's others, paired with the JDK's own /big figure like
# every level, and in the tables, results.json and the chart as its own group. What it shows is
# the cost of moving bytes rather than of a request (CPU µs per request beside req/s). Before a
# stack is measured its /big answer is checked too (Fetch big, or big-status for the frameworks):
# two pipelined GET /big, each a 200 with exactly those 65,536 bytes, and the heads the same as the
# first stack's. Every server must serve /big then: an examples jar of a build without it
# (BEFORE_JAR) fails the check. Uses run.sh's settings and helpers.

BIG_PATH=/big
BIG_ROWS="${BIG_ROWS:-$([[ "$MODE" == smoke ]] && echo 1 || echo 0)}"
[[ "$BIG_ROWS" == 1 ]] || BIG_ROWS=0
BIG_CONNECTIONS="${BIG_CONNECTIONS:-$([[ "$MODE" == smoke ]] && echo 64 || echo 256)}"
BIG_LEVEL="$BIG_CONNECTIONS $BIG_PATH"
if (( BIG_ROWS )); then
    NOTES+=("rows at \"$BIG_LEVEL\": GET $BIG_PATH, a 65,536-byte body (the same bytes from every server), at $BIG_CONNECTIONS connections")
fi

# big_levels: appends the /big level to LEVEL_LIST (after run.sh has read LEVELS into it).
big_levels() {
    (( BIG_ROWS )) && LEVEL_LIST+=("$BIG_LEVEL")
    return 0
}

# big_timing PATH: in a smoke run a /big level gets 1 s of warm-up and 1 s measured (it is there to
# show that the row runs, not for its figures): sets measure_level's copies of the durations.
big_timing() {
    if [[ "$1" != / && "$MODE" == smoke ]]; then
        WARMUP=1
        WARMUP_MAX=1
        DURATION=1
    fi
}

# big_check LABEL PID PORT: the stack's answer to two pipelined GET /big, in its conversation's
# form (big for http, big-status for http-status: lib/frameworks.sh's HTTP_CHECK).
big_check() {
    (( BIG_ROWS )) || return 0
    local check="${HTTP_CHECK[$1]:-http}"
    check_bytes "big${check#http}" "$1" "$2" "$3"
}

# big_check_baseline PID PORT: the baseline's /big answers in every form, the references.
big_check_baseline() {
    (( BIG_ROWS )) || return 0
    local check
    for check in $(printf '%s\n' http "${HTTP_CHECK[@]}" | sort -u); do
        check_bytes "big${check#http}" "$JDK_LABEL" "$1" "$2"
    done
}

# big_smoke_check: in the smoke run, every HTTP stack (and the baseline) has its /big row.
big_smoke_check() {
    (( BIG_ROWS )) || return 0
    local measured expected=$((${#HTTP_STACKS[@]} + 1))
    measured="$(awk -F'\t' -v level="$BIG_LEVEL" 'NR > 1 && $3 == level { print $2 }' "$RESULTS/http.tsv" | sort -u | wc -l)"
    (( measured == expected )) || die "smoke: $measured of $expected HTTP stacks measured on $BIG_PATH"
}
