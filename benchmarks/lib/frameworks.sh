# Sourced by run.sh: a real framework in the HTTP rows. Helidon 4 SE's web server (blocking
# channels on virtual threads: it accepts on a blocking ServerSocketChannel and reads and writes
# each connection's SocketChannel from a virtual thread) runs twice, the same server once on the
# JDK's SelectorProvider and once on Loomring's
# (-Djava.nio.channels.spi.SelectorProvider=io.loomring.nio.LoomringSelectorProvider, its backend
# the default); each row is paired with the baseline like every other. Loomring's row is left out,
# with a note, while benchmarks.jar has no such provider; both are left out when Helidon's jars
# (target/helidon/, beside the shaded jar: Helidon's registries do not survive shading) are
# missing. Uses run.sh's settings (JAVA, JAVA_OPTS, BENCH_JAR, HERE) and its NOTES.

HELIDON_JDK_LABEL="Helidon on JDK NIO"
HELIDON_LOOMRING_LABEL="Helidon on Loomring NIO"
LOOMRING_PROVIDER=io.loomring.nio.LoomringSelectorProvider
# The byte check's conversation per stack label (Fetch's first argument); http unless named here.
# Frameworks choose their own headers and header order: theirs compares status lines,
# Content-Type, Content-Length and bodies (http-status).
declare -A HTTP_CHECK

# frameworks_stacks: appends the framework rows to HTTP_STACKS.
frameworks_stacks() {
    local lib="$HERE/target/helidon" jars cp
    jars=("$lib"/*.jar)
    if [[ ! -f "${jars[0]}" ]]; then
        NOTES+=("Helidon not measured: its jars are not in $lib (build failed?)")
        return 0
    fi
    cp="$BENCH_JAR$(printf ':%s' "${jars[@]}")"
    local server="-cp $cp io.loomring.bench.servers.HelidonServer http --port 0"
    HTTP_STACKS+=("$HELIDON_JDK_LABEL|$JAVA ${JAVA_OPTS[*]} $server")
    HTTP_CHECK[$HELIDON_JDK_LABEL]=http-status
    # grep reads all of jar's output: with -q it could stop early and fail the pipeline (pipefail).
    if "$(dirname "$JAVA")/jar" tf "$BENCH_JAR" | grep -x "${LOOMRING_PROVIDER//.//}.class" > /dev/null; then
        HTTP_STACKS+=("$HELIDON_LOOMRING_LABEL|$JAVA ${JAVA_OPTS[*]} -Djava.nio.channels.spi.SelectorProvider=$LOOMRING_PROVIDER $server")
        HTTP_CHECK[$HELIDON_LOOMRING_LABEL]=http-status
    else
        NOTES+=("$HELIDON_LOOMRING_LABEL not measured: $LOOMRING_PROVIDER is not in benchmarks.jar")
        echo "run.sh: $HELIDON_LOOMRING_LABEL skipped: $LOOMRING_PROVIDER is not in $BENCH_JAR" >&2
    fi
}

# frameworks_check_baseline PID PORT: the baseline's answer in every framework conversation, the
# reference the framework rows are compared with (before them, so no framework sets it).
frameworks_check_baseline() {
    local check
    for check in $(printf '%s\n' "${HTTP_CHECK[@]}" | sort -u); do
        check_bytes "$check" "$JDK_LABEL" "$1" "$2"
    done
}

# keep_matching ARRAY: keeps the "label|command" entries of ARRAY whose label matches STACKS.
keep_matching() {
    local -n stacks=$1
    local kept=() entry
    for entry in "${stacks[@]}"; do
        [[ "${entry%%|*}" =~ $STACKS ]] && kept+=("$entry")
    done
    stacks=("${kept[@]}")
}
