# Sourced by run.sh: real frameworks in the HTTP rows, each run three times: the same server on the
# JDK's SelectorProvider, on Loomring's
# (-Djava.nio.channels.spi.SelectorProvider=io.loomring.nio.LoomringSelectorProvider, its backend
# the default), and under Loomring's launcher (io.loomring.launch.Launch: Loomring's provider and
# java.net sockets, and main on a carried virtual thread); each row is paired with the baseline
# like every other. The threads each one uses:
#   Helidon 4 SE's web server (HelidonServer): blocking channels; a platform thread's accept loop on
#   a blocking ServerSocketChannel, and a virtual thread per connection that reads and writes its
#   SocketChannel. Its jars stay beside the shaded jar, in target/helidon/ (Helidon's registries
#   do not survive shading); its rows are left out when they are missing.
#   Jetty 12.1's server (JettyServer): all virtual, its VirtualThreadPool the server's pool: the
#   ServerConnector's acceptor (a blocking accept), its Selectors (the default count) and a
#   virtual thread per request for the blocking handler. It is in the shaded jar.
#   Tomcat 11 embedded (TomcatServer): the NIO connector, its Acceptor (a blocking accept) and its
#   Poller (one Selector) platform threads, and a virtual thread per request, started by the
#   Poller, for the servlet (useVirtualThreads); no limit on a connection's requests. It is in the
#   shaded jar.
# Under the launcher virtual threads started from a carried thread are carried (a virtual thread
# takes the scheduler of the virtual thread that starts it): Jetty's are all carried, while
# virtual threads started by a platform thread are ordinary ones on the JDK's scheduler, their
# sockets served by Loomring's sub-pollers: Helidon's connection threads, started by its platform
# accept loop, and Tomcat's request threads, started by its platform Poller (the launcher adopts
# them only with -Dloomring.adoptVirtualThreads=true).
# Loomring's rows are left out, with a note, while benchmarks.jar has no such provider, and the
# launcher's rows while it has no launcher. Uses run.sh's settings (JAVA, JAVA_OPTS, BENCH_JAR,
# HERE) and its NOTES. The launcher's report lines (loomring: ..., on stderr) come before main
# runs, and start_server reads the ready line from stdout and stderr together, so they do not
# hide it.

HELIDON_JDK_LABEL="Helidon on JDK NIO"
HELIDON_LOOMRING_LABEL="Helidon on Loomring NIO"
JETTY_JDK_LABEL="Jetty on JDK NIO"
JETTY_LOOMRING_LABEL="Jetty on Loomring NIO"
TOMCAT_JDK_LABEL="Tomcat on JDK NIO"
TOMCAT_LOOMRING_LABEL="Tomcat on Loomring NIO"
# The launcher rows' labels are "<framework> under the Loomring launcher" (framework_rows).
LAUNCHER_LABEL_SUFFIX="under the Loomring launcher"
LOOMRING_PROVIDER=io.loomring.nio.LoomringSelectorProvider
LOOMRING_LAUNCHER=io.loomring.launch.Launch
# The byte check's conversation per stack label (Fetch's first argument); http unless named here.
# Frameworks choose their own headers, header order and reason phrases (Tomcat sends none): theirs
# compares status codes, Content-Type, Content-Length and bodies (http-status).
declare -A HTTP_CHECK

# frameworks_stacks: appends the framework rows to HTTP_STACKS.
frameworks_stacks() {
    local lib="$HERE/target/helidon" jars have_provider=1 have_launcher=1 classes
    # One listing for both checks (a JVM start each); a jar that cannot be listed has neither.
    classes="$("$(dirname "$JAVA")/jar" tf "$BENCH_JAR")" || classes=""
    if ! grep -x "${LOOMRING_PROVIDER//.//}.class" <<< "$classes" > /dev/null; then
        have_provider=0
        NOTES+=("the Loomring NIO rows not measured: $LOOMRING_PROVIDER is not in benchmarks.jar")
        echo "run.sh: the Loomring NIO rows skipped: $LOOMRING_PROVIDER is not in $BENCH_JAR" >&2
    fi
    if ! grep -x "${LOOMRING_LAUNCHER//.//}.class" <<< "$classes" > /dev/null; then
        have_launcher=0
        NOTES+=("the rows under the Loomring launcher not measured: $LOOMRING_LAUNCHER is not in benchmarks.jar")
        echo "run.sh: the rows under the Loomring launcher skipped: $LOOMRING_LAUNCHER is not in $BENCH_JAR" >&2
    fi
    jars=("$lib"/*.jar)
    if [[ -f "${jars[0]}" ]]; then
        framework_rows Helidon "$HELIDON_JDK_LABEL" "$HELIDON_LOOMRING_LABEL" \
            "$BENCH_JAR$(printf ':%s' "${jars[@]}")" io.loomring.bench.servers.HelidonServer
    else
        NOTES+=("Helidon not measured: its jars are not in $lib (build failed?)")
    fi
    framework_rows Jetty "$JETTY_JDK_LABEL" "$JETTY_LOOMRING_LABEL" "$BENCH_JAR" io.loomring.bench.servers.JettyServer
    framework_rows Tomcat "$TOMCAT_JDK_LABEL" "$TOMCAT_LOOMRING_LABEL" "$BENCH_JAR" io.loomring.bench.servers.TomcatServer
}

# framework_rows NAME JDK_LABEL LOOMRING_LABEL CLASSPATH CLASS: one server's three rows, the second
# only when have_provider and the third, "NAME under the Loomring launcher", only when
# have_launcher (frameworks_stacks's locals) is 1.
framework_rows() {
    local args="$5 http --port 0" launched="$1 $LAUNCHER_LABEL_SUFFIX"
    HTTP_STACKS+=("$2|$JAVA ${JAVA_OPTS[*]} -cp $4 $args")
    HTTP_CHECK[$2]=http-status
    if (( have_provider )); then
        HTTP_STACKS+=("$3|$JAVA ${JAVA_OPTS[*]} -Djava.nio.channels.spi.SelectorProvider=$LOOMRING_PROVIDER -cp $4 $args")
        HTTP_CHECK[$3]=http-status
    fi
    if (( have_launcher )); then
        # No -D for the provider: the launcher installs Loomring's itself. JAVA_OPTS has the two
        # flags it needs (native access, java.lang opened).
        HTTP_STACKS+=("$launched|$JAVA ${JAVA_OPTS[*]} -cp $4 $LOOMRING_LAUNCHER $args")
        HTTP_CHECK[$launched]=http-status
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
