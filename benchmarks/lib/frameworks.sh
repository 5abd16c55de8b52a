# Sourced by run.sh: real frameworks in the HTTP rows, each run twice, the same server once on the
# JDK's SelectorProvider and once on Loomring's
# (-Djava.nio.channels.spi.SelectorProvider=io.loomring.nio.LoomringSelectorProvider, its backend
# the default); each row is paired with the baseline like every other.
#   Helidon 4 SE's web server (HelidonServer): blocking channels on virtual threads (it accepts on a
#   blocking ServerSocketChannel and reads and writes each connection's SocketChannel from a
#   virtual thread). Its jars stay beside the shaded jar, in target/helidon/ (Helidon's registries
#   do not survive shading); both rows are left out when they are missing.
#   Jetty 12.1's server (JettyServer): a ServerConnector whose Selectors (the default count) run on
#   platform threads, and blocking handlers on virtual threads. It is in the shaded jar.
#   Tomcat 11 embedded (TomcatServer): the NIO connector, its Acceptor (a blocking accept) and its
#   Poller (one Selector) on platform threads, and a virtual thread per request for the servlet
#   (useVirtualThreads); no limit on a connection's requests. It is in the shaded jar.
# Loomring's rows are left out, with a note, while benchmarks.jar has no such provider. Uses
# run.sh's settings (JAVA, JAVA_OPTS, BENCH_JAR, HERE) and its NOTES.

HELIDON_JDK_LABEL="Helidon on JDK NIO"
HELIDON_LOOMRING_LABEL="Helidon on Loomring NIO"
JETTY_JDK_LABEL="Jetty on JDK NIO"
JETTY_LOOMRING_LABEL="Jetty on Loomring NIO"
TOMCAT_JDK_LABEL="Tomcat on JDK NIO"
TOMCAT_LOOMRING_LABEL="Tomcat on Loomring NIO"
LOOMRING_PROVIDER=io.loomring.nio.LoomringSelectorProvider
# The byte check's conversation per stack label (Fetch's first argument); http unless named here.
# Frameworks choose their own headers, header order and reason phrases (Tomcat sends none): theirs
# compares status codes, Content-Type, Content-Length and bodies (http-status).
declare -A HTTP_CHECK

# frameworks_stacks: appends the framework rows to HTTP_STACKS.
frameworks_stacks() {
    local lib="$HERE/target/helidon" jars have_provider=1
    # grep reads all of jar's output: with -q it could stop early and fail the pipeline (pipefail).
    if ! "$(dirname "$JAVA")/jar" tf "$BENCH_JAR" | grep -x "${LOOMRING_PROVIDER//.//}.class" > /dev/null; then
        have_provider=0
        NOTES+=("the Loomring NIO rows not measured: $LOOMRING_PROVIDER is not in benchmarks.jar")
        echo "run.sh: the Loomring NIO rows skipped: $LOOMRING_PROVIDER is not in $BENCH_JAR" >&2
    fi
    jars=("$lib"/*.jar)
    if [[ -f "${jars[0]}" ]]; then
        framework_rows "$HELIDON_JDK_LABEL" "$HELIDON_LOOMRING_LABEL" \
            "$BENCH_JAR$(printf ':%s' "${jars[@]}")" io.loomring.bench.servers.HelidonServer
    else
        NOTES+=("Helidon not measured: its jars are not in $lib (build failed?)")
    fi
    framework_rows "$JETTY_JDK_LABEL" "$JETTY_LOOMRING_LABEL" "$BENCH_JAR" io.loomring.bench.servers.JettyServer
    framework_rows "$TOMCAT_JDK_LABEL" "$TOMCAT_LOOMRING_LABEL" "$BENCH_JAR" io.loomring.bench.servers.TomcatServer
}

# framework_rows JDK_LABEL LOOMRING_LABEL CLASSPATH CLASS: one server's two rows (the second only
# when have_provider, frameworks_stacks's local, is 1).
framework_rows() {
    local server="-cp $3 $4 http --port 0"
    HTTP_STACKS+=("$1|$JAVA ${JAVA_OPTS[*]} $server")
    HTTP_CHECK[$1]=http-status
    if (( have_provider )); then
        HTTP_STACKS+=("$2|$JAVA ${JAVA_OPTS[*]} -Djava.nio.channels.spi.SelectorProvider=$LOOMRING_PROVIDER $server")
        HTTP_CHECK[$2]=http-status
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
